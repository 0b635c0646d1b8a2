package org.microcodegen.emit;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.quant.Rounding;
import org.microcodegen.plan.TensorPlacement;
import org.stringtemplate.v4.ST;
import org.stringtemplate.v4.STGroup;
import org.stringtemplate.v4.STGroupFile;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a {@link CompiledModel} into C sources: it translates the model's {@link Schedule} into the
 * {@link CView} output model and renders it with the StringTemplate groups in templates-c. It writes
 * nothing to disk: {@link OutputFolder} does that atomically.
 */
public final class CEmitter {
    static final String TEMPLATE_ROOT = "/microcodegen/templates/c/";
    static final String RUNTIME_ROOT = "/microcodegen/runtime/c/";
    /** The kernels' version, which every model file checks at compile time (see model.stg's versionCheck). */
    public static final String VERSION_HEADER = "mc_version.h";
    private static final int VALUES_PER_ROW = WeightValues.VALUES_PER_ROW;

    private final CompiledModel model;
    private final TensorPlacement placement;
    private final CView.Model view = new CView.Model();
    /** The weights' tensors and data, in the order of view.weights (their placeholders' indices). */
    private final List<Tensor> weightTensors = new ArrayList<>();
    private final List<ConstData> weightData = new ArrayList<>();
    private final boolean probed;
    private final List<ProbePoint> probePoints = new ArrayList<>();

    private CEmitter(CompiledModel model, boolean probed) {
        this.model = model;
        this.placement = model.placement();
        this.probed = probed;
    }

    /** File name -> contents of the model's sources plus the runtime files they need. */
    public static Map<String, byte[]> render(CompiledModel model) {
        return new CEmitter(model, false).renderAll();
    }

    /**
     * The tensors a probe build reports, in the order of its mc_probe indices: every node's outputs,
     * node after node (the same names and order {@link #render(CompiledModel, boolean, Extra)} uses).
     */
    public static List<ProbePoint> probePoints(CompiledModel model) {
        CEmitter e = new CEmitter(model, true);
        e.buildView();
        return List.copyOf(e.probePoints);
    }

    /**
     * The model's files plus host_main.c, the host runner used by `micro-codegen run`, rendered from
     * one view so the weights are formatted once.
     */
    public static Map<String, byte[]> renderWithHostMain(CompiledModel model) {
        return renderWithHostMain(model, false);
    }

    /** The same; {@code probed}: a probe build whose host_main.c writes every layer's tensors (tensor_INDEX.bin). */
    public static Map<String, byte[]> renderWithHostMain(CompiledModel model, boolean probed) {
        return render(model, probed, (view, files) -> files.put("host_main.c", bytes(template("host_main.stg", "main", view))));
    }

    /** Adds files rendered from the model's view (a host runner, a firmware project) to its sources. */
    @FunctionalInterface
    interface Extra {
        void addTo(CView.Model view, Map<String, byte[]> files);
    }

    static Map<String, byte[]> render(CompiledModel model, Extra extra) {
        return render(model, false, extra);
    }

    /** The same; {@code probed}: run() calls mc_probe after every layer (the harness defines it). */
    static Map<String, byte[]> render(CompiledModel model, boolean probed, Extra extra) {
        CEmitter e = new CEmitter(model, probed);
        Map<String, byte[]> files = e.renderAll();
        extra.addTo(e.view, files);
        return files;
    }

    /** Adds files rendered from several models' views (a library's build files, a firmware project) to their sources. */
    @FunctionalInterface
    interface SeveralExtra {
        void addTo(List<CView.Model> views, Map<String, byte[]> files);
    }

    /**
     * File name -> contents of several models' sources, each model's files in turn, then the runtime files
     * any of them calls, once (every model renders the same bytes for a kernel: they are copies of one
     * resource), then what {@code extra} adds.
     */
    static Map<String, byte[]> render(ModelSet set, SeveralExtra extra) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, byte[]> kernels = new java.util.TreeMap<>();
        List<CView.Model> views = new ArrayList<>();
        for (CompiledModel model : set.models()) {
            CEmitter e = new CEmitter(model, false);
            e.renderAll().forEach((name, bytes) -> {
                Map<String, byte[]> into = isRuntimeFile(name) ? kernels : files;
                byte[] before = into.putIfAbsent(name, bytes);
                if (before != null && !java.util.Arrays.equals(before, bytes)) {
                    throw new IllegalStateException(name + " differs between the models of one output");
                }
            });
            views.add(e.view);
        }
        files.putAll(kernels);
        extra.addTo(List.copyOf(views), files);
        return files;
    }

    /** Whether a file of a model's sources is one of the runtime's (the kernels, mc_version.h) rather than the model's own. */
    static boolean isRuntimeFile(String name) {
        return name.startsWith("mc_");
    }

    private Map<String, byte[]> renderAll() {
        buildView();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(view.headerFile, bytes(template("model.stg", "header", view)));
        files.put(view.sourceFile, bytes(template("model.stg", "source", view)));
        if (!view.weights.isEmpty()) {
            files.put(view.weightsHeaderFile, bytes(template("model.stg", "weightsHeader", view)));
            files.put(view.weightsFile, WeightValues.fill(template("model.stg", "weightsSource", view),
                    weightData, i -> "constant " + weightTensors.get(i).sourceName() + " is " + weightTensors.get(i).type()));
        }
        TreeSet<String> modules = new TreeSet<>();
        modules.add("mc_common");
        for (String h : view.runtimeHeaders) {
            modules.add(h.substring(0, h.length() - 2));
        }
        // a kernel's own headers (mc_quant.h, mc_binary.h for its broadcast struct ...) come along
        for (String m : RuntimeSources.closure(modules, m -> RuntimeSources.exists(RUNTIME_ROOT + m + ".h"),
                m -> includedModules(RuntimeSources.text(RUNTIME_ROOT + m + ".h") + RuntimeSources.text(RUNTIME_ROOT + m + ".c")))) {
            files.put(m + ".h", RuntimeSources.read(RUNTIME_ROOT + m + ".h"));
            if (RuntimeSources.exists(RUNTIME_ROOT + m + ".c")) {
                files.put(m + ".c", RuntimeSources.read(RUNTIME_ROOT + m + ".c"));
            }
        }
        files.put(VERSION_HEADER, bytes(template("model.stg", "versionHeader", view)));
        return files;
    }

    private static final java.util.regex.Pattern INCLUDE = java.util.regex.Pattern.compile("#include \"([a-z0-9_]+)\\.h\"");

    /** The runtime modules a C file includes ("mc_quant" for #include "mc_quant.h"). */
    private static List<String> includedModules(String text) {
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m = INCLUDE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
        stg.registerRenderer(String.class, new CText.Renderer());
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
        view.versionNumber = Version.number();
        view.versionId = Version.identifier();
        view.source = Path.of(model.sourceFile()).getFileName().toString();
        view.headerFile = base + ".h";
        view.sourceFile = base + ".c";
        view.weightsHeaderFile = base + "_weights.h";
        view.weightsFile = base + "_weights.c";
        view.arenaSize = placement.plan().arenaSize();
        view.lowerBound = placement.lowerBound();
        view.alignment = model.target().alignment();
        view.macs = model.macs();
        view.weightBytes = model.weightBytes();
        CNames names = new CNames();
        names.unique(base + "_run");
        Schedule schedule = Schedule.of(model, names, spelling(names, base));

        int inputCount = schedule.inputs().size();
        view.inputs = schedule.inputs().stream().map(io -> io("input", io, io.index() + 1, "INPUT" + io.index())).toList();
        view.outputs = schedule.outputs().stream()
                .map(io -> io("output", io, inputCount + 1 + io.index(), "OUTPUT" + io.index())).toList();
        view.argCount = 1 + inputCount + schedule.outputs().size();
        view.buffers = schedule.buffers().stream().map(CEmitter::buffer).toList();
        view.weights = schedule.weights().stream().map(this::weight).toList();
        view.tables = schedule.tables().stream().map(t -> table(t.ident(), t.table())).toList();
        // A table several parameter structs share is declared once, before the first of them.
        Set<String> declaredTables = new HashSet<>();
        view.tables.forEach(t -> declaredTables.add(t.ident));
        view.params = schedule.params().stream().map(p -> params(p, declaredTables)).toList();
        view.weightsNeedMath = weightData.stream().anyMatch(WeightValues::needsMath);
        view.steps = new ArrayList<>();
        TreeSet<String> headers = new TreeSet<>();
        for (Schedule.Step scheduled : schedule.steps()) {
            CView.Step step = new CView.Step();
            step.title = scheduled.title();
            step.detail = scheduled.detail();
            if (scheduled.call() != null) {
                step.call = call(scheduled.call());
                headers.add(scheduled.call().kernel().module() + ".h");
            }
            if (probed && !scheduled.results().isEmpty()) {
                step.probes = new ArrayList<>();
                for (Schedule.Result r : scheduled.results()) {
                    CView.Probe p = new CView.Probe();
                    p.index = probePoints.size();
                    p.pointer = pointer(r.place());
                    p.bytes = r.type().byteSize();
                    step.probes.add(p);
                    probePoints.add(new ProbePoint(p.index, view.steps.size(), scheduled.layer(), r.tensor(), r.type()));
                }
            }
            view.steps.add(step);
        }
        view.runtimeHeaders = new ArrayList<>(headers);
        view.probed = probed;
        view.probeCount = probePoints.size();
        view.sourceNeedsMath = view.params.stream().flatMap(p -> p.fields.stream())
                .anyMatch(f -> f.list != null ? f.list.stream().anyMatch(CLiterals::needsMath) : f.value != null && CLiterals.needsMath(f.value))
                || view.steps.stream().filter(st -> st.call != null).flatMap(st -> st.call.args.stream())
                        .anyMatch(a -> a.text != null && CLiterals.needsMath(a.text));

        view.pointers = new ArrayList<>();
        view.inputs.forEach(io -> view.pointers.add(io.ident));
        view.outputs.forEach(io -> view.pointers.add(io.ident));
        if (!view.buffers.isEmpty()) {
            view.pointers.add("arena");
        }
    }

    /**
     * How the C sources (and the report, which names what they name) spell identifiers: inputs and
     * outputs as the graph names them, run()'s locals after their layer, and everything at file scope
     * (weights, parameter objects, tables) prefixed with the model's name {@code base}, like its public
     * symbols, so that in a library of several models every symbol a debugger or link map shows says whose it is.
     */
    static Schedule.Spelling spelling(CNames names, String base) {
        return new Schedule.Spelling(
                text -> names.unique(CNames.sanitize(text)),
                names::unique,
                local -> names.unique(base + "_" + CNames.sanitize(local)),
                weight -> names.unique(base + "_" + CNames.sanitize(weight)));
    }

    private static CView.Io io(String role, Schedule.Io scheduled, int argIndex, String macro) {
        TensorType type = scheduled.type();
        CView.Io io = new CView.Io();
        io.role = role;
        io.index = scheduled.index();
        io.argIndex = argIndex;
        io.ident = scheduled.ident();
        io.macro = macro;
        io.sourceName = scheduled.sourceName();
        io.cType = type.dtype().cType();
        io.dtype = type.dtype().displayName();
        io.shape = type.shape().toString();
        io.elements = type.shape().elementCount();
        io.bytes = type.byteSize();
        if (type.quantization() != null && !type.quantization().perChannel()) {
            io.scale = CLiterals.floatLiteral(type.quantization().scales().get(0));
            io.zeroPoint = (long) type.quantization().zeroPoints().get(0);
        }
        return io;
    }

    /** One pointer into the arena per buffer. */
    private static CView.Buffer buffer(Schedule.Buffer scheduled) {
        CView.Buffer b = new CView.Buffer();
        b.ident = scheduled.ident();
        b.cType = scheduled.type().dtype().cType();
        b.offset = scheduled.offset();
        b.comment = scheduled.description();
        return b;
    }

    private CView.Weight weight(Schedule.Weight scheduled) {
        Tensor t = scheduled.tensor();
        CView.Weight w = new CView.Weight();
        w.ident = scheduled.ident();
        w.cType = t.type().dtype().cType();
        w.count = Math.max(1, t.type().shape().elementCount());
        w.comment = scheduled.description();
        w.alignedMacro = view.macro + "_ALIGNED";
        w.values = WeightValues.placeholder(weightData.size());
        weightTensors.add(t);
        weightData.add(t.data());
        return w;
    }

    /**
     * {@code data} as C literals of its dtype, for small arrays rendered by a template (a firmware's test
     * input); weights go through {@link WeightValues}. {@code what} names it in the error for a dtype C
     * cannot spell.
     */
    static List<List<String>> rows(ConstData data, String what) {
        DType dtype = data.dtype();
        if (dtype == DType.FLOAT32) {
            return floatRows(data.asFloats());
        }
        if (dtype.isFloatingPoint()) {
            throw new CompileException(what + "; C constants of that type are not supported");
        }
        long[] values = data.asLongs();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i += VALUES_PER_ROW) {
            List<String> row = new ArrayList<>();
            for (int j = i; j < Math.min(values.length, i + VALUES_PER_ROW); j++) {
                row.add(integerLiteral(values[j], dtype));
            }
            rows.add(row);
        }
        return rows;
    }

    /** An integer of {@code dtype}: 64-bit and unsigned 32-bit values carry their suffix. */
    static String integerLiteral(long v, DType dtype) {
        return switch (dtype) {
            case INT64 -> v == Long.MIN_VALUE ? "(-9223372036854775807LL - 1)" : v + "LL";
            case UINT64 -> Long.toUnsignedString(v) + "ULL";
            case UINT32 -> v + "U";
            default -> CLiterals.intLiteral(v);
        };
    }

    /** The runtime's name for a fused activation (mc_act in mc_common.h). */
    private static String activation(FusedActivation act) {
        return "MC_ACT_" + act.name();
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

    private static CView.Call call(Schedule.Call scheduled) {
        CView.Call call = new CView.Call();
        call.function = scheduled.kernel().function();
        call.args = scheduled.args().stream().map(a -> a.spell(C_ARGS)).toList();
        return call;
    }

    /** A tensor's pointer: its buffer's name, plus the elements before it for a row band of a larger tensor. */
    private static String pointer(Schedule.Place place) {
        return place.elementOffset() == 0 ? place.ident() : place.ident() + " + " + place.elementOffset();
    }

    /** Tensors are their pointers' names, parameter objects are passed by address. */
    private static final Schedule.ArgSyntax<CView.Arg> C_ARGS = new Schedule.ArgSyntax<>() {
        @Override
        public CView.Arg tensor(Schedule.Place place) {
            return token(pointer(place));
        }

        @Override
        public CView.Arg tensors(List<Schedule.Place> places) {
            CView.Arg v = new CView.Arg();
            v.pointerList = true;
            v.cType = places.get(0).dtype().cType();
            v.items = places.stream().map(CEmitter::pointer).toList();
            return v;
        }

        @Override
        public CView.Arg nullTensor() {
            return token("NULL");
        }

        @Override
        public CView.Arg integer(long value) {
            return token(CLiterals.intLiteral(value));
        }

        @Override
        public CView.Arg real(float value) {
            return token(CLiterals.floatLiteral(value));
        }

        @Override
        public CView.Arg activation(FusedActivation act) {
            return token(CEmitter.activation(act));
        }

        @Override
        public CView.Arg params(String ident) {
            CView.Arg v = token(ident);
            v.addressOf = true;
            return v;
        }

        @Override
        public CView.Arg table(String ident) {
            return token(ident);
        }

        @Override
        public CView.Arg integers(List<Long> values) {
            CView.Arg v = new CView.Arg();
            v.intList = true;
            v.items = values.stream().map(CLiterals::intLiteral).toList();
            return v;
        }
    };

    /** A plain token: an identifier, a literal or a symbol. */
    private static CView.Arg token(String text) {
        CView.Arg v = new CView.Arg();
        v.text = text;
        return v;
    }

    private static CView.Table table(String ident, ParamsStruct.Table table) {
        CView.Table tv = new CView.Table();
        tv.cType = table.elementType().cType();
        tv.ident = ident;
        tv.length = table.length();
        tv.lines = tableLines(table.values());
        return tv;
    }

    /** A table's values, eight to a line (the last line without a trailing comma: the template separates lines). */
    private static List<String> tableLines(long[] values) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < values.length; i += 8) {
            StringBuilder line = new StringBuilder();
            for (int j = i; j < Math.min(values.length, i + 8); j++) {
                line.append(j > i ? ", " : "").append(CLiterals.intLiteral(values[j]));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** A parameter struct, with the tables it points to that {@code declaredTables} does not hold yet (then it does). */
    private static CView.Params params(Schedule.Params scheduled, Set<String> declaredTables) {
        CView.Params v = new CView.Params();
        v.cType = scheduled.kernel().paramsType();
        v.ident = scheduled.ident();
        v.fields = new ArrayList<>();
        v.tables = new ArrayList<>();
        for (ParamsStruct.Field f : scheduled.struct().fields()) {
            CView.Field fv = new CView.Field();
            fv.name = f.name();
            Object value = f.value();
            if (value instanceof ParamsStruct.Table table) {
                String ident = scheduled.tables().get(f.name());
                if (declaredTables.add(ident)) {
                    v.tables.add(table(ident, table));
                }
                fv.value = ident;
            } else if (value instanceof List<?> list) {
                fv.list = list.stream().map(o -> o instanceof Float fl ? CLiterals.floatLiteral(fl) : CLiterals.intLiteral((Long) o)).toList();
            } else if (value instanceof Float fl) {
                fv.value = CLiterals.floatLiteral(fl);
            } else if (value instanceof FusedActivation act) {
                fv.value = activation(act);
            } else if (value instanceof Rounding r) {
                fv.value = r.cName();
            } else {
                fv.value = CLiterals.intLiteral((Long) value);
            }
            v.fields.add(fv);
        }
        return v;
    }
}
