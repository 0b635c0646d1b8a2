package org.microcodegen;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.TargetTraits;
import org.microcodegen.frontend.Frontends;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.lower.AccessOrders;
import org.microcodegen.lower.Kernel;
import org.microcodegen.lower.KernelRegistry;
import org.microcodegen.lower.Optimize;
import org.microcodegen.ops.BlockedConv2D;
import org.microcodegen.lower.Lowerer;
import org.microcodegen.lower.Lowering;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;
import org.microcodegen.passes.PassDumps;
import org.microcodegen.passes.PassManager;
import org.microcodegen.plan.BestOfPlanner;
import org.microcodegen.plan.TensorPlacement;
import org.microcodegen.ptq.PostTrainingQuantization;
import org.microcodegen.ptq.QuantReport;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.quant.Reference;
import org.microcodegen.target.FitCheck;
import org.microcodegen.target.Target;

import org.microcodegen.lower.RowBands;

import java.nio.file.Path;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The pipeline: model file -> graph -> passes -> lowering -> memory plan. Emitting is separate. */
public final class Compiler {
    /**
     * The most band layers (bands x fused layers) a row-band fusion may emit: each is a kernel call and a
     * parameter object, so code grows with them, while the arena stops shrinking long before.
     */
    static final int MAX_BAND_LAYERS = 64;

    /**
     * The most MACs a row-band fusion may recompute (rows neighbouring bands share), as a fraction of the model's.
     * Measured on person_detect (Cortex-M4, BENCHMARKS.md): each recomputed MAC costs about twice its share in
     * instructions (smaller layers, more calls, more border pixels), and the arena gained per instruction falls
     * fast: 8 layers in 2 bands save 36% of the arena for 2.5% more MACs (+4.6% instructions), 4 bands 51% for 7.4%
     * (+14%), 6 bands 58% for 12% (+23%). 5% keeps the first; DS-CNN's bands (6% of its arena for 82% more MACs)
     * stay out.
     */
    public static final double MAX_RECOMPUTED_MACS = 0.05;

    private Compiler() {
    }

    public static CompiledModel compile(Path modelFile, String name, Target target) {
        return compile(modelFile, name, target, null);
    }

    /** As above; with {@code dumpIrDir} non-null, the graph is written there as text after each pass. */
    public static CompiledModel compile(Path modelFile, String name, Target target, Path dumpIrDir) {
        return compile(modelFile, name, target, dumpIrDir, Optimize.BALANCED);
    }

    /** As above, picking kernels by {@code mode} where several apply (`--optimize`). */
    public static CompiledModel compile(Path modelFile, String name, Target target, Path dumpIrDir, Optimize mode) {
        return compile(modelFile, name, target, dumpIrDir, CompileOptions.DEFAULTS.withOptimize(mode));
    }

    /** As above, with every option the user chose. */
    public static CompiledModel compile(Path modelFile, String name, Target target, Path dumpIrDir, CompileOptions options) {
        return compileWithReport(modelFile, name, target, dumpIrDir, options).model();
    }

    /** The compiled model and, when it was quantized after training, what quantization measured (else null). */
    public record Compilation(CompiledModel model, QuantReport quantization) {
    }

    /** As {@link #compile(Path, String, Target, Path, CompileOptions)}, with the quantization report. */
    public static Compilation compileWithReport(Path modelFile, String name, Target target, Path dumpIrDir, CompileOptions options) {
        String file = modelFile.toString();
        Graph g = Frontends.load(modelFile);
        boolean quantizing = options.quantize().mode() == QuantizeOptions.Mode.INT8;
        if (!quantizing && Frontends.detect(modelFile).filter("ONNX"::equals).isPresent()) {
            // an ONNX model's integer results are ONNX Runtime's (its QDQ form has no other reference); a
            // float ONNX model quantized by us keeps the rounding the user chose, like any other float model
            options = options.withReference(Reference.ONNXRUNTIME);
        }
        // size mode's blocked kernel is float-only: a quantized model keeps its canonical convolutions
        KernelRegistry sizeKernels = target.traits().kernels();
        boolean blockForSize = !quantizing && options.weightQuant() == null && options.optimize() == Optimize.SIZE
                && sizeKernels.has(BlockedConv2D.OP_NAME);
        PassManager standard = PassManager.standard(file, blockForSize ? sizeKernels.costs() : null, options.weightQuant());
        PassManager.Listener dumps = PassDumps.into(dumpIrDir);
        g = standard.run(g, dumps);
        QuantReport report = null;
        if (quantizing) {
            PostTrainingQuantization.Result r = PostTrainingQuantization.int8(g, options.quantize(), options.reference(), file);
            g = r.graph();
            report = r.report();
            dumps.after(standard.passes().size() + 1, "quantize-int8", g);
        }
        return new Compilation(lower(g, name, file, target, options), report);
    }

    /** Lowers and plans a graph that has been through the passes (and quantization, if any) for {@code target}. */
    public static CompiledModel lower(Graph g, String name, String file, Target target, CompileOptions options) {
        checkInterface(g, file);

        // One registry per compile: lowering picks from it, and the emitters name kernels from the same one.
        TargetTraits traits = target.traits();
        Map<LoweringKey, Lowering> cache = new HashMap<>();
        Planned plain = plan(g, file, traits, options, cache);
        Banding banding = options.rowBands() == RowBands.Policy.OFF ? Banding.NONE : band(g, file, traits, options, cache, plain);
        Planned chosen = banding.planned() != null ? banding.planned() : plain;
        Graph graph = chosen.graph;
        long weightBytes = 0;
        for (Tensor t : graph.tensors().values()) {
            if (t.isConstant() && isReadAsBuffer(graph, t.name(), chosen.lowerings)) {
                weightBytes += t.data().byteLength();
            }
        }
        java.util.Set<org.microcodegen.ops.Arg.Packed> packed = new java.util.HashSet<>();
        for (Lowering l : chosen.lowerings.values()) {
            weightBytes += l.isView() ? 0 : Lowerer.packedBytes(l.call(), packed);
        }
        return new CompiledModel(name, file, traits, graph, chosen.lowerings, chosen.placement, plain.macs, weightBytes, chosen.calls,
                banding.decision());
    }

    /** What row banding decided, and the banded graph's plan when it was chosen (else null). */
    private record Banding(RowBands.Decision decision, Planned planned) {
        static final Banding NONE = new Banding(null, null);
    }

    /**
     * Tries every length of the graph's leading chain and every band count, and keeps the smallest arena within the
     * recomputation budget (among equal arenas the fewest recomputed MACs, then the fewest calls); takes it if it is
     * smaller than {@code plain}'s and {@link #rule} says so.
     */
    private static Banding band(Graph g, String file, TargetTraits traits, CompileOptions options, Map<LoweringKey, Lowering> cache,
                                Planned plain) {
        List<Node> chain = RowBands.chain(g);
        if (chain.isEmpty()) {
            return Banding.NONE;
        }
        Planned best = null;
        RowBands.Fusion bestFusion = null;
        for (int length = 2; length <= chain.size(); length++) {
            int outRows = g.type(chain.get(length - 1).output()).shape().dim(1);
            for (int h : RowBands.bandHeights(outRows, length, MAX_BAND_LAYERS)) {
                RowBands.Banded banded = RowBands.banded(g, chain, length, h, file);
                if (banded == null) {
                    continue;
                }
                Planned p = plan(banded.graph(), file, traits, options, cache);
                if (p.macs - plain.macs > MAX_RECOMPUTED_MACS * plain.macs) {
                    break;   // more bands recompute more shared rows: none of the rest fits the budget either
                }
                if (best == null || p.arena() < best.arena() || p.arena() == best.arena()
                        && (p.macs < best.macs || p.macs == best.macs && p.calls < best.calls)) {
                    best = p;
                    bestFusion = banded.fusion();
                }
            }
        }
        List<String> names = chain.stream().map(Node::scope).toList();
        if (best == null || best.arena() >= plain.arena()) {
            return new Banding(new RowBands.Decision(names, null, plain.arena(), best == null ? plain.arena() : best.arena(), 0,
                    RowBands.Rule.NO_SAVING), null);
        }
        RowBands.Rule rule = rule(g, options, plain, best);
        boolean take = rule == RowBands.Rule.ASKED || rule == RowBands.Rule.NEEDED;
        return new Banding(new RowBands.Decision(names, take ? bestFusion : null, plain.arena(), best.arena(), best.macs - plain.macs, rule),
                take ? best : null);
    }

    /**
     * Why bands that lower the arena are taken or not: `on` takes them; `auto` only when the layer-by-layer plan,
     * the faster one, does not fit the board's RAM and the banded one does.
     */
    private static RowBands.Rule rule(Graph g, CompileOptions options, Planned plain, Planned banded) {
        if (options.rowBands() == RowBands.Policy.ON) {
            return RowBands.Rule.ASKED;
        }
        if (options.board() == null) {
            return RowBands.Rule.NO_BOARD;
        }
        if (FitCheck.fitsRam(plain.arena(), g, options.board())) {
            return RowBands.Rule.FITS;
        }
        return FitCheck.fitsRam(banded.arena(), g, options.board()) ? RowBands.Rule.NEEDED : RowBands.Rule.NEITHER_FITS;
    }

    /**
     * A node as lowering sees it: the same node over inputs of other shapes (another band height) lowers differently,
     * and so may the same node on another kernel (balanced mode chooses per graph).
     */
    private record LoweringKey(Node node, List<org.microcodegen.ir.TensorType> inputs, Kernel kernel) {
    }

    /** A graph lowered and its memory planned. */
    record Planned(Graph graph, Map<Node, Lowering> lowerings, TensorPlacement placement, long macs, int calls) {
        long arena() {
            return placement.plan().arenaSize();
        }
    }

    /** Lowers every node, its kernel chosen for the graph as a whole ({@code cache} keeps the lowerings already made), and plans the arena. */
    static Planned plan(Graph g, String file, TargetTraits traits, CompileOptions options, Map<LoweringKey, Lowering> cache) {
        KernelRegistry kernels = traits.kernels();
        Map<Node, Lowering> lowerings = new LinkedHashMap<>();
        Map<String, Integer> inPlace = new HashMap<>();
        long macs = 0;
        int calls = 0;
        Map<Node, Lowerer.Request> requests = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            Lowerer.Request r = Lowerer.request(g, n, file, options.reference());
            if (r != null) {
                requests.put(n, r);
            }
        }
        // the kernels are chosen for the model as a whole: balanced mode counts each kernel's code once
        List<Kernel> chosen = kernels.selectForModel(requests.values().stream().map(Lowerer.Request::query).toList(), file, options.optimize());
        Map<Node, Kernel> kernelOf = new HashMap<>();
        int next = 0;
        for (Node n : requests.keySet()) {
            kernelOf.put(n, chosen.get(next++));
        }
        for (Node n : g.nodes()) {
            Op op = Op.of(n);
            OpContext ctx = OpContext.of(g, n, file);
            Kernel kernel = kernelOf.get(n);
            LoweringKey key = new LoweringKey(n, n.inputs().stream().map(g::type).toList(), kernel);
            Lowering l = cache.computeIfAbsent(key, k -> kernel == null ? Lowering.view() : requests.get(n).lower(kernel));
            lowerings.put(n, l);
            inPlace.put(n.name(), op.inPlaceInput(n, ctx));
            macs += op.macs(n, ctx);
            calls += l.isView() ? 0 : 1;
        }
        // a layer may write over an input it reads for the last time where its kernel's access order allows
        TensorPlacement placement = TensorPlacement.compute(g, lowerings, inPlace,
                (n, input) -> AccessOrders.minDistance(g, n, lowerings.get(n), input), BestOfPlanner.standard(), traits.alignment());
        return new Planned(g, lowerings, placement, macs, calls);
    }

    /** Whether a constant is passed to a kernel (a weight) rather than read at compile time (a shape). */
    public static boolean isReadAsBuffer(Graph g, String tensor, Map<Node, Lowering> lowerings) {
        for (Node n : g.consumers(tensor)) {
            Lowering l = lowerings.get(n);
            if (l != null && !l.isView() && l.call().args().stream().anyMatch(a -> Lowerer.tensors(a).contains(tensor))) {
                return true;
            }
        }
        return g.isGraphOutput(tensor);
    }

    private static void checkInterface(Graph g, String file) {
        if (g.outputs().isEmpty()) {
            throw new CompileException(file + ": the graph has no outputs");
        }
        // Inputs and outputs may be of any dtype: the generated API takes the graph's own element types, and a
        // dtype no kernel handles is refused by the target's kernel registry, naming the node.
        for (String t : g.outputs()) {
            if (g.type(t) == null) {
                throw new CompileException(file + ": graph output " + t + " has no known type");
            }
        }
    }
}
