package org.microcodegen.emit;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.quant.Rounding;
import org.microcodegen.templates.java.JavaModelWriter;
import org.microcodegen.templates.java.JavaView;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Turns a {@link CompiledModel} into Java sources: it translates the model's {@link Schedule} into the
 * {@link JavaView} output model, lays out the weights resource, and has templates-java's JavaPoet
 * writer render it. The schedule, the memory plan and the kernel calls are the ones the C target gets;
 * tensors become (array, offset) pairs: the caller's input/output arrays, the arena, or the weights array.
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
    private static final List<String> FIXED_NAMES = List.of("arena_size", "macs", "weights", "weights_size", "weights_crc32",
            "weights_i8", "weights_i16", "weights_i32", "weights_i64");

    private final CompiledModel model;
    private final CNames names = new CNames(JAVA_KEYWORDS);
    /** The weights in resource order; their bytes are copied once, into the resource, when it is made. */
    private final List<ConstData> weightData = new ArrayList<>();
    private long weightsSize;
    private byte[] weightsResource;
    /** Integer weights by array name ("WEIGHTS_I8"): their data in resource order and byte count so far. */
    private final Map<String, List<ConstData>> integerWeights = new java.util.LinkedHashMap<>();
    private final Map<String, Long> integerWeightBytes = new java.util.HashMap<>();
    /** Where each distinct constant table starts in its weights array: equal tables are stored once. */
    private final Map<ParamsStruct.Table, Long> tableOffsets = new java.util.HashMap<>();
    private final Map<String, byte[]> integerResources = new java.util.LinkedHashMap<>();
    private final JavaView.Model view = new JavaView.Model();

    private JavaEmitter(CompiledModel model) {
        this.model = model;
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
        String source;
        try {
            source = JavaModelWriter.render(view);
        } catch (JavaModelWriter.TooLarge e) {
            throw new CompileException(model.sourceFile() + ": too large for the java target: " + e.getMessage());
        }
        files.put(dir + view.className + ".java", source.getBytes(StandardCharsets.UTF_8));
        if (view.weightsResource != null) {
            files.put(dir + view.weightsResource, weightsResource);
        }
        for (Map.Entry<String, byte[]> r : integerResources.entrySet()) {
            files.put(dir + r.getKey(), r.getValue());
        }
        String runtimeDir = JavaModelWriter.RUNTIME_PACKAGE.replace('.', '/') + "/";
        // a kernel class's helpers (Quant, QFixedPoint ...) come along
        String root = RUNTIME_ROOT + runtimeDir;
        for (String cls : RuntimeSources.closure(JavaModelWriter.runtimeClasses(view), c -> RuntimeSources.exists(root + c + ".java"),
                c -> referencedClasses(RuntimeSources.text(root + c + ".java")))) {
            files.put(runtimeDir + cls + ".java", RuntimeSources.read(RUNTIME_ROOT + runtimeDir + cls + ".java"));
        }
        return files;
    }

    private static final java.util.regex.Pattern CLASS_USE = java.util.regex.Pattern.compile("\\b([A-Z][A-Za-z0-9]*)\\.");

    /** Names a Java source uses as classes (Quant in Quant.requantize(...)); the caller keeps the runtime's own. */
    private static List<String> referencedClasses(String text) {
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m = CLASS_USE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private void buildView(String packageName) {
        view.packageName = packageName;
        view.className = className(model.name());
        view.version = Version.VERSION;
        view.source = Path.of(model.sourceFile()).getFileName().toString();
        view.arenaBytes = model.placement().plan().arenaSize();
        view.lowerBoundBytes = model.placement().lowerBound();
        view.macs = model.macs();
        FIXED_NAMES.forEach(names::unique);
        // The size constants: a weight named "input0.size" must not become a second INPUT0_SIZE.
        for (int i = 0; i < model.graph().inputs().size(); i++) {
            names.unique("input" + i + "_size");
        }
        for (int i = 0; i < model.graph().outputs().size(); i++) {
            names.unique("output" + i + "_size");
        }
        // Each table a field of its own, declared in the part class of the object using it (tables of several
        // part classes cannot share a field); equal tables share their slice of the weights resource instead.
        Schedule schedule = Schedule.withUnsharedTables(model, names, new Schedule.Spelling(
                this::javaIdent,
                base -> names.unique(base).toUpperCase(Locale.ROOT),
                base -> names.unique(base).toUpperCase(Locale.ROOT),   // a class has no file scope: its constants are its own
                weight -> names.unique(CNames.sanitize(weight)).toUpperCase(Locale.ROOT)));

        view.inputs = schedule.inputs().stream().map(io -> io("input", io, "INPUT" + io.index())).toList();
        view.outputs = schedule.outputs().stream().map(io -> io("output", io, "OUTPUT" + io.index())).toList();
        view.buffers = schedule.buffers().stream().map(JavaEmitter::buffer).toList();
        view.arenas = arenas(schedule.buffers());
        view.weights = new ArrayList<>();
        for (Schedule.Weight weight : schedule.weights()) {
            view.weights.add(weight(weight));
        }
        view.params = schedule.params().stream().map(this::params).toList();
        view.tables = schedule.tables().stream().map(t -> table(t.ident(), t.table())).toList();
        view.steps = schedule.steps().stream().map(JavaEmitter::step).toList();
        if (weightsSize > 0) {
            byte[] all = weightsResource();
            CRC32 crc = new CRC32();
            crc.update(all);
            weightsResource = all;
            view.weightsResource = view.className + ".weights";
            view.weightsFloats = all.length / 4;
            view.weightsCrc32 = crc.getValue();
        }
        for (Map.Entry<String, List<ConstData>> e : integerWeights.entrySet()) {
            byte[] all = concat(e.getValue(), integerWeightBytes.get(e.getKey()));
            CRC32 crc = new CRC32();
            crc.update(all);
            JavaView.WeightArray a = new JavaView.WeightArray();
            a.name = e.getKey();
            a.elementType = elementType(e.getValue().get(0).dtype());
            a.resource = view.className + "." + e.getKey().toLowerCase(Locale.ROOT);
            a.elements = all.length / e.getValue().get(0).dtype().byteSize();
            a.crc32 = crc.getValue();
            view.integerWeights.add(a);
            integerResources.put(a.resource, all);
        }
    }

    /** The array of a constant of {@code dtype}: WEIGHTS for float32, WEIGHTS_I8 ... for the integer types by width. */
    private static String weightArray(DType dtype) {
        return dtype == DType.FLOAT32 ? "WEIGHTS" : "WEIGHTS_I" + 8 * dtype.byteSize();
    }

    private String javaIdent(String text) {
        return names.unique(CNames.sanitize(text));
    }

    /** {@code constant} is the prefix of the io's constants: "INPUT0" for INPUT0_SIZE, INPUT0_SCALE ... */
    private static JavaView.Io io(String role, Schedule.Io scheduled, String constant) {
        TensorType type = scheduled.type();
        JavaView.Io io = new JavaView.Io();
        io.ident = scheduled.ident();
        io.sizeConstant = constant + "_SIZE";
        if (type.quantization() != null && !type.quantization().perChannel()) {
            io.scaleConstant = constant + "_SCALE";
            io.zeroPointConstant = constant + "_ZERO_POINT";
            io.scale = type.quantization().scales().get(0);
            io.zeroPoint = type.quantization().zeroPoints().get(0);
        }
        io.elementType = elementType(type.dtype());
        io.elements = type.shape().elementCount();
        io.comment = role + " " + scheduled.index() + " \"" + scheduled.sourceName() + "\": " + type.dtype().displayName() + type.shape();
        return io;
    }

    /**
     * The Java array element type holding a dtype's values, of the same byte size: the bits are the model's,
     * so unsigned and boolean values live in the signed type of their width and float16 in a short.
     */
    public static Class<?> elementType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> float.class;
            case FLOAT64 -> double.class;
            case INT8, UINT8, BOOL -> byte.class;
            case INT16, UINT16, FLOAT16 -> short.class;
            case INT32, UINT32 -> int.class;
            case INT64, UINT64 -> long.class;
        };
    }

    /** The arena array of an element type: "floatArena". */
    private static String arenaName(Class<?> elementType) {
        return elementType.getName() + "Arena";
    }

    /**
     * The arena as Java arrays: the memory plan is in bytes, but a JVM array has one element type and
     * cannot be reinterpreted, so each element type the buffers use gets its own array, as long as
     * that type's highest buffer end. A buffer is the slice at its byte offset / element size (the java
     * target aligns every offset to 8, the largest element). Buffers of different types never overlap
     * in memory, so every placement the planner made stays valid; a float32 model has one float[]
     * arena, as large as the plan.
     */
    private static List<JavaView.Arena> arenas(List<Schedule.Buffer> buffers) {
        Map<Class<?>, Long> ends = new LinkedHashMap<>();
        for (Schedule.Buffer b : buffers) {
            ends.merge(elementType(b.type().dtype()), b.offset() + b.type().byteSize(), Math::max);
        }
        List<JavaView.Arena> arenas = new ArrayList<>();
        for (Map.Entry<Class<?>, Long> e : ends.entrySet()) {
            JavaView.Arena a = new JavaView.Arena();
            a.elementType = e.getKey();
            a.name = arenaName(e.getKey());
            a.sizeConstant = e.getKey().getName().toUpperCase(Locale.ROOT) + "_ARENA_SIZE";
            a.elements = (e.getValue() + elementBytes(e.getKey()) - 1) / elementBytes(e.getKey());
            arenas.add(a);
        }
        return arenas;
    }

    private static int elementBytes(Class<?> elementType) {
        return elementType == byte.class ? 1 : elementType == short.class ? 2
                : elementType == long.class || elementType == double.class ? 8 : 4;
    }

    /** An arena buffer's offset constant, in elements of its arena array. */
    private static JavaView.Offset buffer(Schedule.Buffer scheduled) {
        Class<?> type = elementType(scheduled.type().dtype());
        JavaView.Offset o = new JavaView.Offset();
        o.name = scheduled.ident();
        o.array = arenaName(type);
        o.unit = type.getName() + "s";
        // the java target's alignment (8) makes every byte offset a whole number of elements
        o.value = scheduled.offset() / elementBytes(type);
        o.comment = scheduled.description();
        return o;
    }

    /** Appends a weight to the weights resource and returns its offset constant. */
    private JavaView.Offset weight(Schedule.Weight scheduled) {
        Tensor t = scheduled.tensor();
        DType d = t.type().dtype();
        if (d != DType.FLOAT32 && d.isFloatingPoint()) {
            throw new CompileException(model.sourceFile() + ": constant " + t.sourceName() + " is " + t.type()
                    + "; the java target supports float32 and integer weights only");
        }
        if (d != DType.FLOAT32) {
            JavaView.Offset o = new JavaView.Offset();
            o.name = scheduled.ident();
            o.array = weightArray(d);
            o.unit = "elements";
            o.value = appendInteger(t.data());
            o.comment = scheduled.description();
            return o;
        }
        JavaView.Offset o = new JavaView.Offset();
        o.name = scheduled.ident();
        o.array = "WEIGHTS";
        o.unit = "floats";
        o.value = weightsSize / 4;
        o.comment = scheduled.description();
        weightData.add(t.data());
        weightsSize += t.data().byteLength();
        return o;
    }

    /** Appends integer constant data to the weights array of its type; returns where it starts, in elements. */
    private long appendInteger(ConstData data) {
        String array = weightArray(data.dtype());
        long at = integerWeightBytes.getOrDefault(array, 0L);
        if (at + data.byteLength() > Integer.MAX_VALUE - 16) {
            throw new CompileException(model.sourceFile() + ": the " + data.dtype().displayName()
                    + " constants exceed 2 GB, more than one Java array holds");
        }
        integerWeights.computeIfAbsent(array, k -> new ArrayList<>()).add(data);
        integerWeightBytes.put(array, at + data.byteLength());
        return at / data.dtype().byteSize();
    }

    /**
     * {@code parts}' bytes back to back in one array of exactly {@code size} bytes (a growing buffer would
     * need twice the memory of a 100 MB model at its last growth). ConstData holds the little-endian bytes
     * of the model file: copied as they are, weights stay bit-exact.
     */
    private static byte[] concat(List<ConstData> parts, long size) {
        byte[] all = new byte[(int) size];
        int pos = 0;
        for (ConstData data : parts) {
            byte[] bytes = data.bytes();
            System.arraycopy(bytes, 0, all, pos, bytes.length);
            pos += bytes.length;
        }
        return all;
    }

    /** The float32 weights resource: every float weight's bytes, one after the other. */
    private byte[] weightsResource() {
        if (weightsSize > Integer.MAX_VALUE - 16) {
            throw new CompileException(model.sourceFile() + ": the weights are " + weightsSize
                    + " bytes; the java target holds them in one array, at most 2 GB");
        }
        return concat(weightData, weightsSize);
    }

    private static JavaView.Step step(Schedule.Step scheduled) {
        JavaView.Step s = new JavaView.Step();
        s.title = scheduled.title();
        s.detail = scheduled.detail();
        if (scheduled.call() != null) {
            s.call = call(scheduled.call());
        }
        return s;
    }

    private static JavaView.Call call(Schedule.Call scheduled) {
        JavaView.Call call = new JavaView.Call();
        call.className = scheduled.kernel().module();
        call.method = scheduled.kernel().function();
        call.perInput = scheduled.kernel().perInput();
        call.args = scheduled.args().stream().map(a -> a.spell(JAVA_ARGS)).toList();
        return call;
    }

    /** An offset variable plus the elements a row band starts after it. */
    private static String plus(String offset, long elements) {
        return elements == 0 ? offset : offset + " + " + elements;
    }

    /** Where a tensor lives, as (array, offset). */
    private static JavaView.Buffer buffer(Schedule.Place place) {
        JavaView.Buffer b = new JavaView.Buffer();
        switch (place.kind()) {
            case INPUT, OUTPUT -> {
                b.array = place.ident();
                b.offset = String.valueOf(place.elementOffset());
            }
            case CONSTANT -> {
                b.array = weightArray(place.dtype());
                b.offset = plus(place.ident(), place.elementOffset());
            }
            case ARENA -> {
                b.array = arenaName(elementType(place.dtype()));
                b.offset = plus(place.ident(), place.elementOffset());
            }
        }
        return b;
    }

    private static final Schedule.ArgSyntax<JavaView.Arg> JAVA_ARGS = new Schedule.ArgSyntax<>() {
        @Override
        public JavaView.Arg integer(long value) {
            return arg(JavaView.ArgKind.INT, v -> v.intValue = value);
        }

        @Override
        public JavaView.Arg tensor(Schedule.Place place) {
            return arg(JavaView.ArgKind.BUFFER, v -> v.buffer = buffer(place));
        }

        @Override
        public JavaView.Arg real(float value) {
            return arg(JavaView.ArgKind.FLOAT, v -> v.floatValue = value);
        }

        @Override
        public JavaView.Arg tensors(List<Schedule.Place> places) {
            return arg(JavaView.ArgKind.BUFFER_LIST, v -> v.buffers = places.stream().map(JavaEmitter::buffer).toList());
        }

        @Override
        public JavaView.Arg activation(FusedActivation act) {
            return arg(JavaView.ArgKind.SYMBOL, v -> v.symbol = act.name());
        }

        @Override
        public JavaView.Arg nullTensor() {
            return arg(JavaView.ArgKind.NULL_BUFFER, v -> { });
        }

        @Override
        public JavaView.Arg params(String ident) {
            return arg(JavaView.ArgKind.PARAMS, v -> v.params = ident);
        }

        @Override
        public JavaView.Arg table(String ident) {
            // rendered like a parameter object: the name of a static final field
            return arg(JavaView.ArgKind.PARAMS, v -> v.params = ident);
        }

        @Override
        public JavaView.Arg integers(List<Long> values) {
            return arg(JavaView.ArgKind.INT_LIST, v -> v.ints = values);
        }
    };

    private static JavaView.Arg arg(JavaView.ArgKind kind, Consumer<JavaView.Arg> value) {
        JavaView.Arg v = new JavaView.Arg();
        v.kind = kind;
        value.accept(v);
        return v;
    }

    /**
     * A constant table (per-channel multipliers, shifts, a lookup table) as a slice of the integer weights
     * array of its type. Its values go into that array's resource rather than into an array initializer:
     * javac compiles an initializer to one store per element in the class initializer, so a model with
     * many layers or channels would exceed the JVM's 64 KB method limit ("code too large").
     */
    private JavaView.Table table(String name, ParamsStruct.Table table) {
        DType d = table.elementType();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(table.length() * d.byteSize()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long v : table.values()) {
            switch (d.byteSize()) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                default -> b.putInt((int) v);
            }
        }
        JavaView.Table jt = new JavaView.Table();
        jt.name = name;
        jt.elementType = elementType(d);
        jt.array = weightArray(d);
        jt.offset = tableOffsets.computeIfAbsent(table, t -> appendInteger(new ConstData(d, b.array())));
        jt.length = table.length();
        return jt;
    }

    private JavaView.Params params(Schedule.Params scheduled) {
        JavaView.Params p = new JavaView.Params();
        p.className = scheduled.kernel().module();
        p.paramsType = scheduled.kernel().paramsType();
        p.name = scheduled.ident();
        p.fields = new ArrayList<>();
        for (ParamsStruct.Field f : scheduled.struct().fields()) {
            JavaView.Field jf = new JavaView.Field();
            jf.name = f.name();
            if (f.value() instanceof ParamsStruct.Table table) {
                jf.value = table(scheduled.tables().get(f.name()), table);
            } else if (f.value() instanceof Rounding r) {
                JavaView.Symbol js = new JavaView.Symbol();
                js.owner = "Quant";
                js.name = r.name();
                jf.value = js;
            } else if (f.value() instanceof FusedActivation act) {
                JavaView.Symbol js = new JavaView.Symbol();
                js.name = act.name();
                jf.value = js;
            } else {
                jf.value = f.value();
            }
            p.fields.add(jf);
        }
        return p;
    }
}
