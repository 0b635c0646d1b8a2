package org.microcodegen.emit;

import org.microcodegen.Version;
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
import org.stringtemplate.v4.ST;
import org.stringtemplate.v4.STGroup;
import org.stringtemplate.v4.STGroupFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a {@link CompiledModel} into C sources: it names things, builds the {@link CView} output
 * model, and renders it with the StringTemplate groups in templates-c. It writes nothing to disk:
 * {@link OutputFolder} does that atomically.
 */
public final class CEmitter {
    static final String TEMPLATE_ROOT = "/microcodegen/templates/c/";
    static final String RUNTIME_ROOT = "/microcodegen/runtime/c/";
    private static final int VALUES_PER_ROW = 8;

    private final CompiledModel model;
    private final Graph g;
    private final TensorPlacement placement;
    private final CNames names = new CNames();
    private final Map<String, String> tensorIdents = new HashMap<>();
    private final Map<String, String> layerNames = new HashMap<>();
    private final CView.Model view = new CView.Model();

    private CEmitter(CompiledModel model) {
        this.model = model;
        this.g = model.graph();
        this.placement = model.placement();
    }

    /** File name -> contents of the model's sources plus the runtime files they need. */
    public static Map<String, byte[]> render(CompiledModel model) {
        return new CEmitter(model).renderAll();
    }

    /**
     * The model's files plus host_main.c, the host runner used by `micro-codegen run`, rendered from
     * one view so the weights are formatted once.
     */
    public static Map<String, byte[]> renderWithHostMain(CompiledModel model) {
        return render(model, (view, files) -> files.put("host_main.c", bytes(template("host_main.stg", "main", view))));
    }

    /** Adds files rendered from the model's view (a host runner, a firmware project) to its sources. */
    @FunctionalInterface
    interface Extra {
        void addTo(CView.Model view, Map<String, byte[]> files);
    }

    static Map<String, byte[]> render(CompiledModel model, Extra extra) {
        CEmitter e = new CEmitter(model);
        Map<String, byte[]> files = e.renderAll();
        extra.addTo(e.view, files);
        return files;
    }

    private Map<String, byte[]> renderAll() {
        buildView();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(view.headerFile, bytes(template("model.stg", "header", view)));
        files.put(view.sourceFile, bytes(template("model.stg", "source", view)));
        if (!view.weights.isEmpty()) {
            files.put(view.weightsHeaderFile, bytes(template("model.stg", "weightsHeader", view)));
            files.put(view.weightsFile, bytes(template("model.stg", "weightsSource", view)));
        }
        TreeSet<String> modules = new TreeSet<>();
        modules.add("mc_common");
        for (String h : view.runtimeHeaders) {
            modules.add(h.substring(0, h.length() - 2));
        }
        for (String m : modules) {
            files.put(m + ".h", runtimeFile(m + ".h"));
            if (!m.equals("mc_common")) {
                files.put(m + ".c", runtimeFile(m + ".c"));
            }
        }
        return files;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] runtimeFile(String name) {
        try (InputStream in = CEmitter.class.getResourceAsStream(RUNTIME_ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("runtime-micro file " + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read runtime file " + name, e);
        }
    }

    static String template(String group, String name, CView.Model m) {
        return template(group, name, Map.of("m", m));
    }

    /** Renders template {@code name} of {@code group} with the given attributes. */
    static String template(String group, String name, Map<String, Object> attributes) {
        URL url = CEmitter.class.getResource(TEMPLATE_ROOT + group);
        if (url == null) {
            throw new IllegalStateException("template group " + group + " is missing from the build");
        }
        STGroup stg = new STGroupFile(url, "UTF-8", '<', '>');
        ST st = stg.getInstanceOf(name);
        attributes.forEach(st::add);
        return st.render(Locale.ROOT, 100);
    }

    private void buildView() {
        String base = model.name();
        view.name = base;
        view.macro = base.toUpperCase(Locale.ROOT);
        view.guard = view.macro + "_H";
        view.version = Version.VERSION;
        view.source = Path.of(model.sourceFile()).getFileName().toString();
        view.headerFile = base + ".h";
        view.sourceFile = base + ".c";
        view.weightsHeaderFile = base + "_weights.h";
        view.weightsFile = base + "_weights.c";
        view.arenaSize = placement.plan().arenaSize();
        view.lowerBound = placement.plan().lowerBound();
        view.alignment = model.target().alignment();
        view.macs = model.macs();
        view.weightBytes = model.weightBytes();
        names.unique(base + "_run");

        view.inputs = new ArrayList<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            String t = g.inputs().get(i);
            view.inputs.add(io("input", i, i + 1, t, names.unique(CNames.sanitize(g.tensor(t).sourceName())), "INPUT" + i));
        }
        view.outputs = new ArrayList<>();
        for (int i = 0; i < g.outputs().size(); i++) {
            String t = g.outputs().get(i);
            String ident = names.unique(g.outputs().size() == 1 ? "output" : "output" + i);
            view.outputs.add(io("output", i, g.inputs().size() + 1 + i, t, ident, "OUTPUT" + i));
        }
        view.argCount = 1 + g.inputs().size() + g.outputs().size();
        for (CView.Io io : view.inputs) {
            tensorIdents.putIfAbsent(g.inputs().get(io.index), io.ident);
        }
        for (CView.Io io : view.outputs) {
            tensorIdents.putIfAbsent(g.outputs().get(io.index), io.ident);
        }
        for (Node n : g.nodes()) {
            layerNames.put(n.name(), names.layer(n.scope(), n.opType()));
        }

        view.buffers = buildBuffers();
        view.weights = new ArrayList<>();
        view.params = new ArrayList<>();
        view.steps = new ArrayList<>();
        TreeSet<String> headers = new TreeSet<>();
        for (Node n : g.nodes()) {
            view.steps.add(step(n, headers));
        }
        addFinalCopies(headers);
        view.runtimeHeaders = new ArrayList<>(headers);

        view.pointers = new ArrayList<>();
        view.inputs.forEach(io -> view.pointers.add(io.ident));
        view.outputs.forEach(io -> view.pointers.add(io.ident));
        if (!view.buffers.isEmpty()) {
            view.pointers.add("arena");
        }
    }

    private CView.Io io(String role, int index, int argIndex, String tensor, String ident, String macro) {
        TensorType type = g.type(tensor);
        CView.Io io = new CView.Io();
        io.role = role;
        io.index = index;
        io.argIndex = argIndex;
        io.ident = ident;
        io.macro = macro;
        io.sourceName = g.tensor(tensor).sourceName();
        io.cType = type.dtype().cType();
        io.dtype = type.dtype().displayName();
        io.shape = type.shape().toString();
        io.elements = type.shape().elementCount();
        io.bytes = type.byteSize();
        return io;
    }

    /** One pointer per arena buffer, named after the first layer that writes it. */
    private List<CView.Buffer> buildBuffers() {
        Map<String, CView.Buffer> byAnchor = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            for (String out : n.outputs()) {
                Storage s = placement.of(out);
                if (s.kind() != Kind.ARENA) {
                    continue;
                }
                CView.Buffer b = byAnchor.get(s.anchor());
                if (b == null) {
                    b = new CView.Buffer();
                    String layer = layerNames.get(n.name());
                    b.ident = names.unique(layer + "_out" + (n.outputs().size() > 1 ? n.outputs().indexOf(out) : ""));
                    b.cType = g.type(out).dtype().cType();
                    b.offset = s.offset();
                    long size = placement.bufferBytes(s.anchor(), g.type(out).byteSize());
                    b.comment = g.type(out) + ", " + size + " bytes";
                    byAnchor.put(s.anchor(), b);
                }
                tensorIdents.put(out, b.ident);
            }
        }
        List<CView.Buffer> list = new ArrayList<>(byAnchor.values());
        list.sort((a, b) -> Long.compare(a.offset, b.offset) != 0 ? Long.compare(a.offset, b.offset) : a.ident.compareTo(b.ident));
        return list;
    }

    private String ident(String tensor, Node consumer, int inputIndex) {
        String id = tensorIdents.get(tensor);
        if (id != null) {
            return id;
        }
        Storage s = placement.of(tensor);
        if (s.kind() == Kind.CONSTANT) {
            return weight(s.anchor(), consumer, inputIndex);
        }
        String anchorId = tensorIdents.get(s.anchor());
        if (anchorId == null) {
            throw new IllegalStateException("no buffer for tensor " + tensor);
        }
        tensorIdents.put(tensor, anchorId);
        return anchorId;
    }

    private String weight(String tensor, Node consumer, int inputIndex) {
        String id = tensorIdents.get(tensor);
        if (id != null) {
            return id;
        }
        Tensor t = g.tensor(tensor);
        String base = WeightRoles.baseName(t, layerNames.get(consumer.name()), consumer.opType(), inputIndex);
        id = names.unique(model.name() + "_" + CNames.sanitize(base));
        tensorIdents.put(tensor, id);
        CView.Weight w = new CView.Weight();
        w.ident = id;
        w.cType = t.type().dtype().cType();
        w.count = Math.max(1, t.type().shape().elementCount());
        w.comment = "\"" + t.sourceName() + "\" " + t.type() + ", " + t.data().byteLength() + " bytes";
        w.alignedMacro = view.macro + "_ALIGNED";
        w.rows = rows(t);
        view.weights.add(w);
        return id;
    }

    private static List<List<String>> rows(Tensor t) {
        if (t.type().dtype() != org.microcodegen.ir.DType.FLOAT32) {
            throw new IllegalStateException("only float32 weights are emitted, found " + t.type());
        }
        return floatRows(t.data().asFloats());
    }

    /** Float literals, {@value #VALUES_PER_ROW} to a row, for an array initialiser. */
    static List<List<String>> floatRows(float[] values) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i += VALUES_PER_ROW) {
            List<String> row = new ArrayList<>();
            for (int j = i; j < Math.min(values.length, i + VALUES_PER_ROW); j++) {
                row.add(CLiterals.floatLiteral(values[j]));
            }
            rows.add(row);
        }
        return rows;
    }

    private CView.Step step(Node n, TreeSet<String> headers) {
        Lowering l = model.lowerings().get(n);
        String layer = layerNames.get(n.name());
        CView.Step s = new CView.Step();
        s.title = StepText.title(n, layer);
        s.detail = StepText.shapes(g, n);
        if (l.isView()) {
            if (placement.viewNeedsCopy(n)) {
                s.detail += ", copied (its input and output cannot share memory)";
                s.call = copyCall(ident(n.input(0), n, 0), ident(n.output(), n, -1), g.type(n.output()).shape().elementCount());
                headers.add("mc_copy.h");
            } else {
                s.detail += ", a view of the same memory: no code";
            }
            return s;
        }
        KernelCall kc = l.call();
        headers.add(kc.module() + ".h");
        String paramsIdent = null;
        if (kc.params() != null) {
            paramsIdent = names.unique(layer + "_params");
            view.params.add(params(kc.params(), paramsIdent));
        }
        CView.Call call = new CView.Call();
        call.function = kc.function();
        call.args = new ArrayList<>();
        for (Arg a : kc.args()) {
            call.args.add(arg(a, n, paramsIdent));
        }
        s.call = call;
        return s;
    }

    private CView.Arg arg(Arg a, Node n, String paramsIdent) {
        CView.Arg v = new CView.Arg();
        if (a instanceof Arg.TensorRef r) {
            v.text = ident(r.tensor(), n, n.inputs().indexOf(r.tensor()));
        } else if (a instanceof Arg.Null) {
            v.text = "NULL";
        } else if (a instanceof Arg.Int i) {
            v.text = CLiterals.intLiteral(i.value());
        } else if (a instanceof Arg.Float f) {
            v.text = CLiterals.floatLiteral(f.value());
        } else if (a instanceof Arg.Symbol sym) {
            v.text = sym.name();
        } else if (a instanceof Arg.Params) {
            v.addressOf = true;
            v.text = paramsIdent;
        } else if (a instanceof Arg.TensorList list) {
            v.pointerList = true;
            v.cType = g.type(list.tensors().get(0)).dtype().cType();
            v.items = new ArrayList<>();
            for (String t : list.tensors()) {
                v.items.add(ident(t, n, n.inputs().indexOf(t)));
            }
        } else if (a instanceof Arg.IntList list) {
            v.intList = true;
            v.items = list.values().stream().map(CLiterals::intLiteral).toList();
        }
        return v;
    }

    private static CView.Params params(ParamsStruct p, String ident) {
        CView.Params v = new CView.Params();
        v.cType = p.cType();
        v.ident = ident;
        v.fields = new ArrayList<>();
        for (ParamsStruct.Field f : p.fields()) {
            CView.Field fv = new CView.Field();
            fv.name = f.name();
            Object value = f.value();
            if (value instanceof List<?> list) {
                fv.list = list.stream().map(o -> o instanceof Float fl ? CLiterals.floatLiteral(fl) : CLiterals.intLiteral((Long) o)).toList();
            } else if (value instanceof Float fl) {
                fv.value = CLiterals.floatLiteral(fl);
            } else if (value instanceof ParamsStruct.Symbol sym) {
                fv.value = sym.name();
            } else {
                fv.value = CLiterals.intLiteral((Long) value);
            }
            v.fields.add(fv);
        }
        return v;
    }

    private CView.Call copyCall(String from, String to, long elements) {
        CView.Call call = new CView.Call();
        call.function = "mc_copy_f32";
        call.args = new ArrayList<>();
        for (String text : List.of(from, to, CLiterals.intLiteral(elements))) {
            CView.Arg a = new CView.Arg();
            a.text = text;
            call.args.add(a);
        }
        return call;
    }

    /** Outputs whose value lives elsewhere (an input, a constant, another output) are copied at the end. */
    private void addFinalCopies(TreeSet<String> headers) {
        for (CView.Io io : view.outputs) {
            String t = g.outputs().get(io.index);
            Storage s = placement.of(t);
            boolean inPlace = s.kind() == Kind.OUTPUT && s.anchor().equals(t) && g.outputs().indexOf(t) == io.index;
            if (inPlace) {
                continue;
            }
            CView.Step step = new CView.Step();
            step.title = io.ident + ": copy of " + g.tensor(t).sourceName();
            step.detail = "the output's value lives in another buffer, so it is copied out";
            Node producer = g.producer(t);
            String from = s.kind() == Kind.CONSTANT ? weight(t, producer != null ? producer : g.nodes().isEmpty() ? null : g.nodes().get(0), 0)
                    : s.kind() == Kind.OUTPUT || s.kind() == Kind.INPUT ? identOfAnchor(s) : tensorIdents.get(t);
            step.call = copyCall(from, io.ident, g.type(t).shape().elementCount());
            headers.add("mc_copy.h");
            view.steps.add(step);
        }
    }

    private String identOfAnchor(Storage s) {
        return tensorIdents.get(s.anchor());
    }
}
