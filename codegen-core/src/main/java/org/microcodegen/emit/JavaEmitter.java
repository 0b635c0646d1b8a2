package org.microcodegen.emit;

import org.microcodegen.Version;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Arg;
import org.microcodegen.ops.KernelCall;
import org.microcodegen.ops.Lowering;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.plan.TensorPlacement;
import org.microcodegen.plan.TensorPlacement.Kind;
import org.microcodegen.plan.TensorPlacement.Storage;
import org.microcodegen.templates.java.JavaModelWriter;
import org.microcodegen.templates.java.JavaView;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Turns a {@link CompiledModel} into Java sources: it names things, lays out the weights resource,
 * builds the {@link JavaView} output model, and has templates-java's JavaPoet writer render it. The
 * schedule, the memory plan and the kernel calls are the ones the C target gets; tensors become
 * (array, offset) pairs: the caller's input/output arrays, the arena, or the weights array.
 *
 * <p>Output paths follow the package: {@code micro/codegen/LenetModel.java}, its weights resource
 * {@code micro/codegen/LenetModel.weights}, and the runtime-micro kernel sources the model calls under
 * {@code org/microcodegen/runtime/}, so the output folder is a self-contained source root. It writes
 * nothing to disk: {@link OutputFolder} does that atomically.
 */
public final class JavaEmitter {
    public static final String DEFAULT_PACKAGE = "micro.codegen";
    static final String RUNTIME_ROOT = "/microcodegen/runtime/java/";
    private static final Pattern PACKAGE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");
    private static final Set<String> JAVA_KEYWORDS = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
            "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
            "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
            "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var",
            "record", "yield", "sealed", "permits", "module", "open");
    /** Names the generated class uses itself; layer-derived constants must not take them. */
    private static final List<String> FIXED_NAMES = List.of("arena_size", "macs", "weights", "weights_size", "weights_crc32");

    private final CompiledModel model;
    private final Graph g;
    private final TensorPlacement placement;
    private final CNames names = new CNames();
    private final Map<String, String> layerNames = new HashMap<>();
    private final Map<String, String> bufferNames = new HashMap<>();
    private final Map<String, String> weightNames = new HashMap<>();
    private final ByteArrayOutputStream weightBytes = new ByteArrayOutputStream();
    private final JavaView.Model view = new JavaView.Model();

    private JavaEmitter(CompiledModel model) {
        this.model = model;
        this.g = model.graph();
        this.placement = model.placement();
    }

    /** Checks a --package value: lower-case Java identifiers separated by dots, no keywords. */
    public static String checkPackage(String pkg) {
        if (!PACKAGE.matcher(pkg).matches()) {
            throw new CompileException("--package '" + pkg + "' is not a Java package name (lower-case identifiers separated by dots)");
        }
        for (String part : pkg.split("\\.")) {
            if (JAVA_KEYWORDS.contains(part)) {
                throw new CompileException("--package '" + pkg + "' uses the Java keyword '" + part + "'");
            }
        }
        return pkg;
    }

    /** The class name for a model name: "lenet" -> "LenetModel", "mobilenet_v2" -> "MobilenetV2Model". */
    public static String className(String modelName) {
        StringBuilder sb = new StringBuilder();
        for (String part : modelName.split("_+")) {
            if (!part.isEmpty()) {
                sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        String base = sb.length() == 0 || !Character.isJavaIdentifierStart(sb.charAt(0)) ? "M" + sb : sb.toString();
        return base.endsWith("Model") ? base : base + "Model";
    }

    /** Relative path -> contents: the model class, its weights resource, and the runtime sources it uses. */
    public static Map<String, byte[]> render(CompiledModel model, String packageName) {
        return new JavaEmitter(model).renderAll(checkPackage(packageName));
    }

    private Map<String, byte[]> renderAll(String packageName) {
        buildView(packageName);
        String dir = packageName.replace('.', '/') + "/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(dir + view.className + ".java", JavaModelWriter.render(view).getBytes(StandardCharsets.UTF_8));
        if (view.weightsResource != null) {
            files.put(dir + view.weightsResource, weightBytes.toByteArray());
        }
        String runtimeDir = JavaModelWriter.RUNTIME_PACKAGE.replace('.', '/') + "/";
        for (String cls : JavaModelWriter.runtimeClasses(view)) {
            files.put(runtimeDir + cls + ".java", runtimeSource(runtimeDir + cls + ".java"));
        }
        return files;
    }

    private static byte[] runtimeSource(String path) {
        try (InputStream in = JavaEmitter.class.getResourceAsStream(RUNTIME_ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("runtime-micro Java source " + path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read runtime source " + path, e);
        }
    }

    private void buildView(String packageName) {
        view.packageName = packageName;
        view.className = className(model.name());
        view.version = Version.VERSION;
        view.source = Path.of(model.sourceFile()).getFileName().toString();
        view.arenaFloats = floats(placement.plan().arenaSize(), "the arena");
        view.lowerBoundBytes = placement.plan().lowerBound();
        view.macs = model.macs();
        FIXED_NAMES.forEach(names::unique);

        view.inputs = new ArrayList<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            String t = g.inputs().get(i);
            view.inputs.add(io("input", i, t, javaIdent(g.tensor(t).sourceName()), "INPUT" + i + "_SIZE"));
        }
        view.outputs = new ArrayList<>();
        for (int i = 0; i < g.outputs().size(); i++) {
            String t = g.outputs().get(i);
            view.outputs.add(io("output", i, t, javaIdent(g.outputs().size() == 1 ? "output" : "output" + i), "OUTPUT" + i + "_SIZE"));
        }
        for (Node n : g.nodes()) {
            layerNames.put(n.name(), names.layer(n.scope(), n.opType()));
        }
        view.buffers = buildBuffers();
        view.weights = new ArrayList<>();
        view.params = new ArrayList<>();
        view.steps = new ArrayList<>();
        for (Node n : g.nodes()) {
            view.steps.add(step(n));
        }
        addFinalCopies();
        if (weightBytes.size() > 0) {
            byte[] all = weightBytes.toByteArray();
            CRC32 crc = new CRC32();
            crc.update(all);
            view.weightsResource = view.className + ".weights";
            view.weightsFloats = all.length / 4;
            view.weightsCrc32 = crc.getValue();
        }
    }

    private String javaIdent(String text) {
        String id = CNames.sanitize(text);
        return names.unique(JAVA_KEYWORDS.contains(id) ? id + "_" : id);
    }

    private JavaView.Io io(String role, int index, String tensor, String ident, String constant) {
        TensorType type = g.type(tensor);
        JavaView.Io io = new JavaView.Io();
        io.ident = ident;
        io.sizeConstant = constant;
        io.elements = type.shape().elementCount();
        io.comment = role + " " + index + " \"" + g.tensor(tensor).sourceName() + "\": " + type.dtype().displayName() + type.shape();
        return io;
    }

    /** Bytes to floats: every tensor of the Java target is float32, so the planner's byte offsets divide by 4. */
    private long floats(long bytes, String what) {
        if (bytes % 4 != 0) {
            throw new CompileException(model.sourceFile() + ": " + what + " is not a whole number of floats; the java target supports float32 tensors only");
        }
        return bytes / 4;
    }

    /** One offset constant per arena buffer, named after the first layer that writes it. */
    private List<JavaView.Offset> buildBuffers() {
        List<JavaView.Offset> list = new ArrayList<>();
        for (Node n : g.nodes()) {
            for (String out : n.outputs()) {
                Storage s = placement.of(out);
                if (s.kind() != Kind.ARENA || bufferNames.containsKey(s.anchor())) {
                    continue;
                }
                if (g.type(out).dtype() != DType.FLOAT32) {
                    throw new CompileException(model.sourceFile() + ": tensor " + out + " is " + g.type(out).dtype().displayName()
                            + "; the java target supports float32 tensors only");
                }
                String layer = layerNames.get(n.name());
                String name = names.unique(layer + "_out" + (n.outputs().size() > 1 ? n.outputs().indexOf(out) : "")).toUpperCase(Locale.ROOT);
                bufferNames.put(s.anchor(), name);
                long size = placement.bufferBytes(s.anchor(), g.type(out).byteSize());
                JavaView.Offset o = new JavaView.Offset();
                o.name = name;
                o.value = floats(s.offset(), "arena offset of " + out);
                o.comment = g.type(out) + ", " + size + " bytes";
                list.add(o);
            }
        }
        list.sort((a, b) -> a.value != b.value ? Long.compare(a.value, b.value) : a.name.compareTo(b.name));
        return list;
    }

    /** Where a tensor lives, as (array, offset). */
    private JavaView.Buffer buffer(String tensor, Node consumer, int inputIndex) {
        Storage s = placement.of(tensor);
        JavaView.Buffer b = new JavaView.Buffer();
        b.offset = "0";
        switch (s.kind()) {
            case INPUT -> b.array = view.inputs.get(g.inputs().indexOf(s.anchor())).ident;
            case OUTPUT -> b.array = view.outputs.get(g.outputs().indexOf(s.anchor())).ident;
            case CONSTANT -> {
                b.array = "WEIGHTS";
                b.offset = weight(s.anchor(), consumer, inputIndex);
            }
            case ARENA -> {
                b.array = "arena";
                b.offset = bufferNames.get(s.anchor());
                if (b.offset == null) {
                    throw new IllegalStateException("no arena buffer for tensor " + tensor);
                }
            }
        }
        return b;
    }

    /** Appends a constant to the weights resource (once) and returns its offset constant's name. */
    private String weight(String tensor, Node consumer, int inputIndex) {
        String name = weightNames.get(tensor);
        if (name != null) {
            return name;
        }
        Tensor t = g.tensor(tensor);
        if (t.type().dtype() != DType.FLOAT32) {
            throw new CompileException(model.sourceFile() + ": constant " + t.sourceName() + " is " + t.type()
                    + "; the java target supports float32 weights only");
        }
        String base = WeightRoles.baseName(t, layerNames.get(consumer.name()), consumer.opType(), inputIndex);
        name = names.unique(CNames.sanitize(base)).toUpperCase(Locale.ROOT);
        weightNames.put(tensor, name);
        JavaView.Offset o = new JavaView.Offset();
        o.name = name;
        o.value = weightBytes.size() / 4;
        o.comment = "\"" + t.sourceName() + "\" " + t.type() + ", " + t.data().byteLength() + " bytes";
        view.weights.add(o);
        // ConstData holds the little-endian bytes of the model file: copied as they are, weights stay bit-exact.
        weightBytes.writeBytes(t.data().bytes());
        return name;
    }

    private JavaView.Step step(Node n) {
        Lowering l = model.lowerings().get(n);
        String layer = layerNames.get(n.name());
        JavaView.Step s = new JavaView.Step();
        s.title = StepText.title(n, layer);
        s.detail = StepText.shapes(g, n);
        if (l.isView()) {
            if (placement.viewNeedsCopy(n)) {
                s.detail += ", copied (its input and output cannot share memory)";
                s.call = copyCall(buffer(n.input(0), n, 0), buffer(n.output(), n, -1), g.type(n.output()).shape().elementCount());
            } else {
                s.detail += ", a view of the same memory: no code";
            }
            return s;
        }
        KernelCall kc = l.call();
        String paramsName = null;
        if (kc.params() != null) {
            paramsName = names.unique(layer + "_params").toUpperCase(Locale.ROOT);
            view.params.add(params(kc, paramsName));
        }
        JavaView.Call call = new JavaView.Call();
        call.module = kc.module();
        call.function = kc.function();
        call.args = new ArrayList<>();
        for (Arg a : kc.args()) {
            call.args.add(arg(a, n, paramsName));
        }
        s.call = call;
        return s;
    }

    private JavaView.Arg arg(Arg a, Node n, String paramsName) {
        JavaView.Arg v = new JavaView.Arg();
        if (a instanceof Arg.TensorRef r) {
            v.kind = JavaView.ArgKind.BUFFER;
            v.buffer = buffer(r.tensor(), n, n.inputs().indexOf(r.tensor()));
        } else if (a instanceof Arg.Null) {
            v.kind = JavaView.ArgKind.NULL_BUFFER;
        } else if (a instanceof Arg.Int i) {
            v.kind = JavaView.ArgKind.INT;
            v.intValue = i.value();
        } else if (a instanceof Arg.Float f) {
            v.kind = JavaView.ArgKind.FLOAT;
            v.floatValue = f.value();
        } else if (a instanceof Arg.Symbol sym) {
            v.kind = JavaView.ArgKind.SYMBOL;
            v.symbol = sym.name();
        } else if (a instanceof Arg.Params) {
            v.kind = JavaView.ArgKind.PARAMS;
            v.params = paramsName;
        } else if (a instanceof Arg.TensorList list) {
            v.kind = JavaView.ArgKind.BUFFER_LIST;
            v.buffers = new ArrayList<>();
            for (String t : list.tensors()) {
                v.buffers.add(buffer(t, n, n.inputs().indexOf(t)));
            }
        } else if (a instanceof Arg.IntList list) {
            v.kind = JavaView.ArgKind.INT_LIST;
            v.ints = list.values();
        }
        return v;
    }

    private static JavaView.Params params(KernelCall kc, String name) {
        JavaView.Params p = new JavaView.Params();
        p.module = kc.module();
        p.name = name;
        p.fields = new ArrayList<>();
        for (ParamsStruct.Field f : kc.params().fields()) {
            JavaView.Field jf = new JavaView.Field();
            jf.name = f.name();
            if (f.value() instanceof ParamsStruct.Symbol sym) {
                JavaView.Symbol js = new JavaView.Symbol();
                js.name = sym.name();
                jf.value = js;
            } else {
                jf.value = f.value();
            }
            p.fields.add(jf);
        }
        return p;
    }

    private static JavaView.Call copyCall(JavaView.Buffer from, JavaView.Buffer to, long elements) {
        JavaView.Call call = new JavaView.Call();
        call.module = "mc_copy";
        call.function = "mc_copy_f32";
        JavaView.Arg a = new JavaView.Arg();
        a.kind = JavaView.ArgKind.BUFFER;
        a.buffer = from;
        JavaView.Arg b = new JavaView.Arg();
        b.kind = JavaView.ArgKind.BUFFER;
        b.buffer = to;
        JavaView.Arg n = new JavaView.Arg();
        n.kind = JavaView.ArgKind.INT;
        n.intValue = elements;
        call.args = List.of(a, b, n);
        return call;
    }

    /** Outputs whose value lives elsewhere (an input, a constant, another output) are copied at the end, as in C. */
    private void addFinalCopies() {
        for (int i = 0; i < view.outputs.size(); i++) {
            JavaView.Io io = view.outputs.get(i);
            String t = g.outputs().get(i);
            Storage s = placement.of(t);
            if (s.kind() == Kind.OUTPUT && s.anchor().equals(t) && g.outputs().indexOf(t) == i) {
                continue;
            }
            JavaView.Step step = new JavaView.Step();
            step.title = io.ident + ": copy of " + g.tensor(t).sourceName();
            step.detail = "the output's value lives in another buffer, so it is copied out";
            Node producer = g.producer(t);
            Node namer = producer != null ? producer : g.nodes().isEmpty() ? null : g.nodes().get(0);
            JavaView.Buffer to = new JavaView.Buffer();
            to.array = io.ident;
            to.offset = "0";
            step.call = copyCall(buffer(t, namer, 0), to, g.type(t).shape().elementCount());
            view.steps.add(step);
        }
    }
}
