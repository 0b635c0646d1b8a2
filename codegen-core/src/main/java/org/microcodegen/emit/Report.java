package org.microcodegen.emit;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.TensorType;
import org.microcodegen.lower.Kernel;
import org.microcodegen.lower.Lowerer;
import org.microcodegen.lower.Lowering;
import org.microcodegen.ops.Arg;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;
import org.microcodegen.plan.BufferRequest;
import org.microcodegen.plan.LowerBound;
import org.microcodegen.plan.TensorPlacement;
import org.microcodegen.plan.TensorPlacement.Kind;
import org.microcodegen.plan.TensorPlacement.Storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

import org.microcodegen.lower.RowBands;
import java.util.Map;
import java.util.Set;

/**
 * What one compile decided, per layer and in total: the data behind report.json ({@link ReportJson})
 * and report.html ({@link ReportHtml}), so both files show the same numbers. Steps are the schedule's
 * node indices (0 = first layer); a graph output lives until step {@code steps}, when the caller reads it.
 */
public record Report(String model, String source, String target, String version, List<Layer> layers, List<Buffer> buffers,
                     Totals totals, RowBands.Decision rowBands) {
    public static final String JSON_FILE = "report.json";
    public static final String HTML_FILE = "report.html";

    /** A tensor a layer reads: its name in the model and its type. */
    public record Operand(String tensor, TensorType type) {
    }

    /**
     * A tensor a layer writes and where it lives: {@code storage} "arena" (then {@code buffer} is the
     * arena buffer's identifier, {@code offset} its byte offset and {@code size} its bytes), "output" or
     * "input" (the caller's memory: no offset). Lifetime in steps, both ends inclusive.
     */
    public record Output(String tensor, TensorType type, String storage, String buffer, Long offset, long size, int firstStep,
                         int lastStep) {
    }

    /**
     * One node of the schedule: {@code op} is the canonical op, {@code modelOp} the model's spelling;
     * {@code kernel} the function the target's registry chose (null for a view that needs no code).
     * {@code weightBytes} counts the constants this layer reads first. {@code sharedWithInputBytes}: the
     * bytes of its output written over an input it reads for the last time (0: they are apart), as its
     * kernel's access order allows ({@code AccessOrders}).
     */
    public record Layer(int step, String layer, String node, String scope, String op, String modelOp, String kernel,
                        String kernelModule, List<Operand> inputs, List<Output> outputs, long macs, long weightBytes,
                        long sharedWithInputBytes) {
    }

    /** One arena buffer (a group of tensors sharing memory), named as in the generated code. */
    public record Buffer(String ident, String layer, String tensor, TensorType type, long offset, long size, int firstStep,
                         int lastStep) {
    }

    /**
     * {@code peakStep} is the first step where the live buffers (each rounded up to the alignment) add up
     * to the most: that sum is {@code layerByLayerBytes}. {@code lowerBoundBytes} is the arena no planner
     * can beat: the same, except that where layers may
     * write over their dying inputs, the bytes they may share count once there; {@code layerByLayerBytes}
     * is the bound when every live buffer has bytes of its own (the classic bound of TFLite Micro's planner).
     */
    public record Totals(long macs, long weightBytes, long arenaBytes, long lowerBoundBytes, long layerByLayerBytes, int alignment,
                         int steps, int kernelCalls, int peakStep) {
    }

    /** The report of {@code model}, with layer and buffer names as the C sources spell them. */
    public static Report of(CompiledModel model) {
        CNames names = new CNames();
        String base = model.name();
        names.unique(base + "_run");
        Schedule schedule = Schedule.of(model, names, CEmitter.spelling(names, base));
        return new Builder(model, schedule).build();
    }

    /**
     * A Cortex-M run's instructions per layer (`run --profile`): {@code perStep} by schedule step (a
     * view's layer counts about 0), {@code tail} after the last layer until run() returns, and the
     * whole-inference count of the normal (unprobed) build they are checked against.
     */
    public record Profile(String board, long wholeInference, Map<Integer, Long> perStep, long tail) {
        public long sum() {
            return perStep.values().stream().mapToLong(Long::longValue).sum() + tail;
        }
    }

    /** report.json of {@code model} with a run's per-layer profile. */
    public static byte[] jsonWithProfile(CompiledModel model, Profile profile) {
        return CEmitter.bytes(ReportJson.render(of(model), profile));
    }

    /** report.json and report.html of {@code model}. */
    public static Map<String, byte[]> files(CompiledModel model) {
        Report r = of(model);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(JSON_FILE, CEmitter.bytes(ReportJson.render(r)));
        files.put(HTML_FILE, CEmitter.bytes(ReportHtml.render(r)));
        return files;
    }

    /** A target's files plus the report: every target's output carries one. */
    public static Map<String, byte[]> withReport(CompiledModel model, Map<String, byte[]> files) {
        return withReport(model, files, "");
    }

    /** The same with the report in {@code folder} ("model/": beside the sources it describes), or "" for the top. */
    public static Map<String, byte[]> withReport(CompiledModel model, Map<String, byte[]> files, String folder) {
        Map<String, byte[]> all = new LinkedHashMap<>(files);
        files(model).forEach((name, bytes) -> all.put(folder + name, bytes));
        return all;
    }

    /**
     * A target's files plus the reports of several models: NAME_report.json and NAME_report.html for
     * each, in {@code folder} (as for one model).
     */
    public static Map<String, byte[]> withReports(ModelSet set, Map<String, byte[]> files, String folder) {
        Map<String, byte[]> all = new LinkedHashMap<>(files);
        for (CompiledModel model : set.models()) {
            files(model).forEach((name, bytes) -> all.put(folder + model.name() + "_" + name, bytes));
        }
        return all;
    }

    private static final class Builder {
        private final CompiledModel model;
        private final Graph g;
        private final TensorPlacement placement;
        private final Schedule schedule;
        private final Map<String, BufferRequest> requests = new HashMap<>();
        /** Per output buffer, the bytes it shares with the input it overwrites. */
        private final Map<String, Long> sharedWithInput;
        private final Map<String, String> bufferIdents = new HashMap<>();
        /** Per node name, its step: a map, as a model can have 50,000 layers. */
        private final Map<String, Integer> steps = new HashMap<>();

        Builder(CompiledModel model, Schedule schedule) {
            this.model = model;
            this.g = model.graph();
            this.placement = model.placement();
            this.schedule = schedule;
            this.sharedWithInput = placement.usedOverlaps();
            placement.requests().forEach(r -> requests.put(r.name(), r));
            for (int step = 0; step < g.nodes().size(); step++) {
                steps.put(g.nodes().get(step).name(), step);
            }
            for (Schedule.Buffer b : schedule.buffers()) {
                bufferIdents.put(placement.of(b.tensor()).anchor(), b.ident());
            }
        }

        /** The packed constants counted so far (each distinct array once, by its first reader). */
        private final Set<Arg.Packed> packedSeen = new HashSet<>();

        Report build() {
            List<Layer> layers = new ArrayList<>();
            Set<String> weightsSeen = new HashSet<>();
            List<Node> nodes = g.nodes();
            for (int step = 0; step < nodes.size(); step++) {
                layers.add(layer(step, nodes.get(step), weightsSeen));
            }
            List<Buffer> buffers = new ArrayList<>();
            for (BufferRequest r : placement.requests()) {
                Node producer = g.producer(r.name());
                String layer = producer == null ? "" : schedule.layers().get(producer.name());
                buffers.add(new Buffer(bufferIdents.getOrDefault(r.name(), r.name()), layer, g.tensor(r.name()).sourceName(),
                        g.type(r.name()), placement.plan().offsetOf(r.name()), r.size(), r.firstUse(), r.lastUse()));
            }
            Totals totals = new Totals(model.macs(), model.weightBytes(), model.arenaBytes(), model.lowerBoundBytes(),
                    model.layerByLayerBytes(), model.target().alignment(), nodes.size(), model.kernelCalls(),
                    LowerBound.peakStep(placement.requests(), model.target().alignment()));
            String source = java.nio.file.Path.of(model.sourceFile()).getFileName().toString();
            return new Report(model.name(), source, model.target().name(), Version.VERSION, List.copyOf(layers),
                    List.copyOf(buffers), totals, model.rowBands());
        }

        private Layer layer(int step, Node n, Set<String> weightsSeen) {
            Op op = Op.of(n);
            Lowering l = model.lowerings().get(n);
            Kernel kernel = null;
            long weightBytes = 0;
            if (!l.isView()) {
                kernel = l.call().kernel();
                weightBytes += Lowerer.packedBytes(l.call(), packedSeen);
                for (Arg a : l.call().args()) {
                    for (String t : Lowerer.tensors(a)) {
                        if (g.tensor(t).isConstant() && weightsSeen.add(t)) {
                            weightBytes += g.tensor(t).data().byteLength();
                        }
                    }
                }
            } else if (placement.viewNeedsCopy(n)) {
                kernel = model.target().kernels().copy(g.type(n.output()).dtype());
            }
            List<Operand> inputs = new ArrayList<>();
            for (String in : n.inputs()) {
                if (!g.tensor(in).isConstant()) {
                    inputs.add(new Operand(g.tensor(in).sourceName(), g.type(in)));
                }
            }
            List<Output> outputs = new ArrayList<>();
            for (String out : n.outputs()) {
                outputs.add(output(step, out));
            }
            long macs = op.macs(n, OpContext.of(g, n, model.sourceFile()));
            // the layer that writes the buffer first (not a view of it, nor an in-place op later in its group)
            String anchor = placement.of(n.output()).anchor();
            long shared = !l.isView() && n.outputs().size() == 1 && placement.of(n.output()).kind() == Kind.ARENA
                    && requests.get(anchor).firstUse() == step ? sharedWithInput.getOrDefault(anchor, 0L) : 0L;
            return new Layer(step, schedule.layers().get(n.name()), n.name(), n.scope(), op.opName(), n.opType(),
                    kernel == null ? null : kernel.function(), kernel == null ? null : kernel.module(), List.copyOf(inputs),
                    List.copyOf(outputs), macs, weightBytes, shared);
        }

        private Output output(int step, String out) {
            Storage s = placement.of(out);
            TensorType type = g.type(out);
            String name = g.tensor(out).sourceName();
            if (s.kind() == Kind.ARENA) {
                BufferRequest r = requests.get(s.anchor());
                return new Output(name, type, "arena", bufferIdents.getOrDefault(s.anchor(), s.anchor()), s.offset(), r.size(),
                        r.firstUse(), r.lastUse());
            }
            int last = g.isGraphOutput(out) ? g.nodes().size() : step;
            for (Node c : g.consumers(out)) {
                last = Math.max(last, steps.get(c.name()));
            }
            return new Output(name, type, s.kind().name().toLowerCase(java.util.Locale.ROOT), null, null, type.byteSize(), step, last);
        }
    }
}
