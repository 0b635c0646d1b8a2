package org.microcodegen.passes;

import org.microcodegen.ir.Graph;
import org.microcodegen.lower.KernelCosts;
import org.microcodegen.quant.WeightQuant;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Runs passes in their declared order and shows the graph after each one to a listener (the IR dump). */
public final class PassManager {
    /** The stage name of the graph as the frontend produced it, before any pass. */
    public static final String LOADED = "load";

    /** Sees the graph after each step: step 0 is the loaded graph, step i the graph after pass i. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (step, stage, g) -> { };

        void after(int step, String stage, Graph g);
    }

    private final List<Pass> passes;

    public PassManager(List<Pass> passes) {
        this.passes = List.copyOf(passes);
        Set<String> names = new HashSet<>();
        for (Pass p : this.passes) {
            if (p.name().equals(LOADED) || !names.add(p.name())) {
                throw new IllegalArgumentException("pass name used twice: " + p.name());
            }
        }
    }

    /**
     * The passes every compile runs. The order is the design: validation first, so every pass may rely on a well-formed graph
     * (acyclic, every use defined, unique names); dead code goes next so that an unused
     * branch cannot fail later checks; every op is checked before shape inference so that the user
     * hears about an unsupported op rather than a shape error before it; BatchNorm folding needs
     * shapes and must come before epilogue fusion, so that Conv2D + BatchNorm + ReLU becomes one call.
     * Transposing MatMul weights and fusing epilogues touch different operands; either order works.
     */
    public static PassManager standard(String modelFile) {
        return standard(modelFile, null, null);
    }

    /**
     * As above; with {@code blockForSize} non-null (`--optimize size` on a target with the blocked
     * compact kernel: its kernel costs) the convolutions and dense layers are then put in that kernel's
     * form where that saves code, after every pass that fuses into them; with {@code weightQuant}
     * non-null the weighted layers keep integer weights (weights-only quantization), also last, as it
     * needs the final layers. The blocked kernel is float-only, so the two never run together.
     */
    public static PassManager standard(String modelFile, KernelCosts blockForSize, WeightQuant weightQuant) {
        if (blockForSize != null && weightQuant != null) {
            throw new IllegalArgumentException("the blocked float kernel and weights-only quantization exclude each other");
        }
        List<Pass> passes = new java.util.ArrayList<>(List.of(
                Pass.check("validate-graph", g -> ValidateGraph.run(g, modelFile)),
                new Pass("dead-code-elimination", DeadCodeElimination::run),
                Pass.check("supported-ops", SupportedOps::require),
                new Pass("shape-inference", g -> ShapeInference.run(g, modelFile)),
                new Pass("fold-batch-norm", FoldBatchNorm::run),
                new Pass("pretranspose-matmul-weights", PretransposeMatMulWeights::run),
                new Pass("fuse-epilogues", FuseEpilogues::run)));
        if (blockForSize != null) {
            passes.add(new Pass("block-for-size", g -> BlockForSize.run(g, modelFile, blockForSize)));
        }
        if (weightQuant != null) {
            passes.add(new Pass("quantize-weights", g -> QuantizeWeights.run(g, weightQuant)));
        }
        return new PassManager(passes);
    }

    public List<Pass> passes() {
        return passes;
    }

    public Graph run(Graph loaded, Listener listener) {
        listener.after(0, LOADED, loaded);
        Graph g = loaded;
        for (int i = 0; i < passes.size(); i++) {
            g = passes.get(i).run(g);
            listener.after(i + 1, passes.get(i).name(), g);
        }
        return g;
    }
}
