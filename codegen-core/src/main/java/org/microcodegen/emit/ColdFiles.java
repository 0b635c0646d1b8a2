package org.microcodegen.emit;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.lower.KernelCosts;
import org.microcodegen.lower.Lowering;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The runtime .c files the generated build files compile for size (-Os) rather than speed (-O2): those
 * whose kernel calls run for less than {@link #SHARE} of the models' estimated instructions, from the
 * measured instructions per unit of work of {@link KernelCosts}. On person_detect that is the softmax
 * and the average pool: 276 B less code for 1,126 more instructions of 14.17 M.
 * <p>
 * Why 0.4%: a file's cost at -Os is its share of the inference times its slowdown there, and the
 * budget is 0.2% of a model's instructions. Kernels that run this little slow down by up to about 50%
 * at -Os (measured per file: the int8 softmax and average pool, the float average pool +45%), so a
 * file at 0.4% costs at most 0.2%. (Hot SIMD loops slow down far more, +94 to +140% for the int8
 * convolution, which loses its inlining and unrolling; they are never near the limit.) At 1% the
 * float DS-CNN's average pool, estimated at 0.99%, qualified and cost 0.42%. Measured with the rule
 * on person_detect, micro_speech, kws, ResNet-8, ad01 and the float fixtures: at most +0.05%.
 * <p>
 * Only files with a measured cost for every call qualify: a kernel the table has no instructions for
 * (an activation, a copy) may be hot, so its file stays at -O2, as does a file no layer calls directly
 * (a helper another kernel calls, or nothing at all: the linker drops it). The decision is made on the
 * estimate, not on a measurement, so a compile needs no toolchain and gives the same files everywhere;
 * the results are the same at either level (integer kernels are exact; float kernels keep IEEE
 * semantics at -Os with -ffp-contract=off), so a build that ignores the hint only runs a little larger.
 */
public final class ColdFiles {
    /** A file below this share of the estimated instructions is compiled with -Os. */
    public static final double SHARE = 0.004;
    /** {@link #SHARE} as the build files' comments say it. */
    public static final String SHARE_TEXT = "0.4%";
    /** The flag the build files add for those files. */
    public static final String FLAG = "-Os";

    private ColdFiles() {
    }

    /** The runtime .c files of {@code models} (one output's) to compile for size, sorted by name. */
    public static List<String> of(List<CompiledModel> models) {
        return List.copyOf(shares(models).keySet());
    }

    /**
     * The same files with their estimated share of the instructions (0.001 for 0.1%), by name: every file
     * whose calls all have measured costs and whose share is below {@link #SHARE}.
     */
    public static SortedMap<String, Double> shares(List<CompiledModel> models) {
        Map<String, Double> estimate = new HashMap<>();
        Set<String> unmeasured = new HashSet<>();
        double total = 0;
        for (CompiledModel model : models) {
            Graph g = model.graph();
            KernelCosts costs = model.target().kernels().costs();
            for (Node n : g.nodes()) {
                Lowering l = model.lowerings().get(n);
                if (l.isView()) {
                    if (model.placement().viewNeedsCopy(n)) {
                        unmeasured.add(file(model.target().kernels().copy(g.type(n.output()).dtype()).module()));
                    }
                    continue;
                }
                String file = file(l.call().kernel().module());
                OptionalDouble ipu = costs.instructionsPerUnit(l.call().kernel().function());
                if (ipu.isEmpty()) {
                    unmeasured.add(file);
                    continue;
                }
                double instructions = ipu.getAsDouble() * KernelCosts.work(Op.of(n), n, OpContext.of(g, n, model.sourceFile()));
                estimate.merge(file, instructions, Double::sum);
                total += instructions;
            }
        }
        SortedMap<String, Double> cold = new TreeMap<>();
        for (Map.Entry<String, Double> e : estimate.entrySet()) {
            double share = e.getValue() / total;
            if (!unmeasured.contains(e.getKey()) && share < SHARE) {
                cold.put(e.getKey(), share);
            }
        }
        return cold;
    }

    /** The summary line that names them with their shares, or "" when there are none. */
    public static String summaryLine(List<CompiledModel> models) {
        SortedMap<String, Double> cold = shares(models);
        if (cold.isEmpty()) {
            return "";
        }
        StringBuilder files = new StringBuilder();
        cold.forEach((file, share) -> files.append(String.format(Locale.ROOT, "%s (%.2f%%) ", file, 100 * share)));
        return String.format(Locale.ROOT, "  -Os      %sof the estimated instructions: compiled for size (the build files say how to turn it off)%n",
                files);
    }

    private static String file(String module) {
        return module + ".c";
    }
}
