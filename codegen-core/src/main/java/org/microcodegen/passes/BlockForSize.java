package org.microcodegen.passes;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.lower.KernelCosts;
import org.microcodegen.ops.BlockedConv2D;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.OpContext;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.Window2D;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * `--optimize size` on C targets: turns float convolutions (groups 1, dilation 1, batch 1) and dense
 * layers ([1, k] times a constant [n, k]^T) into {@link BlockedConv2D}, so that a CNN links one small
 * loop for both, and fuses a max pool over non-overlapping square windows that follows a convolution
 * into it (one call and one output write instead of two, and no buffer for the convolution's output).
 * The weights are stored in the kernel's blocked order, a new constant named after the original.
 * Every value is computed as before, in the same order (the max over a window of activated sums is
 * taken in the window's row-major order, as the pooling kernels do), so outputs are unchanged bit for
 * bit. Layers the kernel does not cover keep their op (and the registry's compact kernel for it).
 *
 * It is done only where it saves bytes by the measured kernel costs ({@link #pays}): a model of dense
 * layers only keeps the much smaller mc_matmul_compact_f32, and a model whose depthwise layers keep
 * the compact convolution anyway blocks its other layers only if their smaller parameter structs pay
 * for the blocked kernel.
 */
public final class BlockForSize {
    private BlockForSize() {
    }

    /** sizeof(mc_conv2d_params) and sizeof(mc_conv2d_blocked_params) on the Cortex-M targets. */
    static final int CONV_PARAMS_BYTES = 68;
    static final int BLOCKED_PARAMS_BYTES = 28;
    /** sizeof(mc_pool2d_params), and about what a call costs at its call site (three arguments). */
    static final int POOL_PARAMS_BYTES = 52;
    static final int POOL_CALL_BYTES = 16;

    /** One layer's new form: its op and, if fused, the pool after it. */
    private record Rewrite(BlockedConv2D op, Node pool) {
    }

    /** The graph with its layers blocked, if that saves code by {@code costs} (see {@link #pays}). */
    public static Graph run(Graph g, String modelFile, KernelCosts costs) {
        Map<Node, Rewrite> rewrites = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            OpContext ctx = OpContext.of(g, n, modelFile);
            if (n.op() instanceof Conv2D c && floatWeighted(g, n)) {
                Node pool = fusablePool(g, n);
                BlockedConv2D b = conv(c, ctx, pool == null ? 1 : ((Pool2D) pool.op()).window().h());
                if (b != null) {
                    rewrites.put(n, new Rewrite(b, b.pool() > 1 ? pool : null));
                }
            } else if (n.op() instanceof MatMul m && floatWeighted(g, n)) {
                BlockedConv2D b = dense(m, ctx);
                if (b != null) {
                    rewrites.put(n, new Rewrite(b, null));
                }
            }
        }
        return rewrites.isEmpty() || !pays(g, rewrites, costs) ? g : apply(g, rewrites);
    }

    /**
     * Whether blocking saves code: the compact kernels no layer needs any more (the convolution, the
     * dense layer on it or mc_matmul_compact_f32, max pooling), 40 B per convolution's parameter struct
     * and a pool's struct and call per fused pool, against the blocked kernel's bytes. Kernel bytes
     * are the measured table's (tools/kernel-costs); without it (no figures for the target) it blocks.
     */
    static boolean pays(Graph g, Map<Node, Rewrite> rewrites, KernelCosts costs) {
        Set<Node> fused = new HashSet<>();
        rewrites.values().forEach(r -> {
            if (r.pool() != null) {
                fused.add(r.pool());
            }
        });
        boolean anyConv = g.nodes().stream().anyMatch(n -> n.op() instanceof Conv2D);
        boolean convsLeft = g.nodes().stream().anyMatch(n -> n.op() instanceof Conv2D && !rewrites.containsKey(n));
        boolean matmulsLeft = g.nodes().stream().anyMatch(n -> n.op() instanceof MatMul && !rewrites.containsKey(n));
        boolean anyMatmul = g.nodes().stream().anyMatch(n -> n.op() instanceof MatMul);
        boolean poolsLeft = g.nodes().stream().anyMatch(n -> n.op() instanceof Pool2D p && p.kind() == Pool2D.Kind.MAX && !fused.contains(n));
        double convBytes = bytes(costs, "mc_conv2d_compact_f32");
        double saved = 0;
        if (anyConv && !convsLeft) {
            saved += convBytes;
        }
        if (anyMatmul && !matmulsLeft) {
            // in a model with convolutions the dense layers run on the compact convolution (counted above)
            saved += anyConv ? bytes(costs, "mc_matmul_dense_compact_f32") - convBytes : bytes(costs, "mc_matmul_compact_f32");
        }
        if (!fused.isEmpty() && !poolsLeft) {
            saved += bytes(costs, "mc_maxpool2d_compact_f32");
        }
        long convs = rewrites.values().stream().filter(r -> !r.op().dense()).count();
        saved += convs * (CONV_PARAMS_BYTES - BLOCKED_PARAMS_BYTES) + fused.size() * (POOL_PARAMS_BYTES + POOL_CALL_BYTES);
        return costs.bytes("mc_conv2d_blocked_f32").isEmpty() || saved > bytes(costs, "mc_conv2d_blocked_f32");
    }

    private static double bytes(KernelCosts costs, String function) {
        return costs.bytes(function).orElse(0);
    }

    private static Graph apply(Graph g, Map<Node, Rewrite> rewrites) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        List<Node> nodes = new ArrayList<>();
        Set<Node> fusedPools = new HashSet<>();
        rewrites.values().forEach(r -> {
            if (r.pool() != null) {
                fusedPools.add(r.pool());
            }
        });
        for (Node n : g.nodes()) {
            if (fusedPools.contains(n)) {
                continue;
            }
            Rewrite r = rewrites.get(n);
            if (r == null) {
                nodes.add(n);
                continue;
            }
            BlockedConv2D blocked = r.op();
            Node pool = r.pool();
            Tensor w = g.tensor(n.input(1));
            byte[] data = BlockedConv2D.blockWeights(w.data().bytes(), blocked.outC(),
                    blocked.inC() * blocked.kH() * blocked.kW());
            Tensor bw = new Tensor(TensorNames.fresh(tensors, w.name() + "/blocked"),
                    TensorType.of(DType.FLOAT32, Shape.of(data.length / Float.BYTES)), new ConstData(DType.FLOAT32, data), w.sourceName());
            tensors.put(bw.name(), bw);
            List<String> inputs = new ArrayList<>(n.inputs());
            inputs.set(1, bw.name());
            List<String> outputs = pool == null ? n.outputs() : pool.outputs();
            nodes.add(new Node(n.name(), n.opType(), inputs, outputs, blocked, n.scope(), List.of()));
        }
        return DeadCodeElimination.run(g.withNodes(nodes, tensors));
    }

    /** A float32 layer with a constant weight (input 1) and, if any, a constant bias. */
    private static boolean floatWeighted(Graph g, Node n) {
        if (n.inputs().size() < 2 || n.outputs().size() != 1) {
            return false;
        }
        for (int i = 0; i < n.inputs().size(); i++) {
            Tensor t = g.tensor(n.input(i));
            if (t.type().dtype() != DType.FLOAT32 || (i > 0 && !t.isConstant())) {
                return false;
            }
        }
        return g.type(n.output()).dtype() == DType.FLOAT32;
    }

    /** The MaxPool that alone reads the convolution's output, if its windows are square, unpadded and do not overlap. */
    private static Node fusablePool(Graph g, Node conv) {
        Node next = FuseEpilogues.soleConsumer(g, conv.output());
        if (next == null || !(next.op() instanceof Pool2D p) || p.kind() != Pool2D.Kind.MAX) {
            return null;
        }
        Window2D w = p.window(OpContext.of(g, next, null));
        boolean square = w.kH() == w.kW() && w.strideH() == w.kH() && w.strideW() == w.kW();
        return square && w.unpadded() && w.outH() > 0 && w.outW() > 0 ? next : null;
    }

    private static BlockedConv2D conv(Conv2D c, OpContext ctx, int pool) {
        Conv2D.Geometry geo = c.geometry(ctx);
        Window2D w = geo.w();
        if (geo.batch() != 1 || geo.groups() != 1 || w.dilationH() != 1 || w.dilationW() != 1 || !supported(c.activation())) {
            return null;
        }
        long macs = (long) geo.outC() * w.outH() * w.outW() * geo.inC() * w.kH() * w.kW();
        return fits(new BlockedConv2D(geo.inC(), geo.inH(), geo.inW(), geo.outC(), w.outH() / pool * pool, w.outW() / pool * pool,
                w.kH(), w.kW(), w.strideH(), w.strideW(), w.padTop(), w.padLeft(), pool, false, false, c.activation(), macs));
    }

    private static BlockedConv2D dense(MatMul m, OpContext ctx) {
        MatMul.Dims d = m.dims(ctx);
        if (d.m() != 1 || m.transposeA() || !m.transposeB() || !supported(m.activation())) {
            return null;
        }
        return fits(new BlockedConv2D(1, 1, d.k(), d.n(), 1, 1, 1, d.k(), 1, 1, 0, 0, 1, true, true, m.activation(),
                (long) d.k() * d.n()));
    }

    private static boolean supported(FusedActivation act) {
        return act == FusedActivation.NONE || act == FusedActivation.RELU || act == FusedActivation.RELU6;
    }

    /** The layer if every parameter fits the kernel's 16-bit fields, else null (it keeps its op). */
    private static BlockedConv2D fits(BlockedConv2D b) {
        int[] fields = {b.inC(), b.inH(), b.inW(), b.outC(), b.outH(), b.outW(), b.kH(), b.kW(), b.strideH(), b.strideW(),
                b.padTop(), b.padLeft(), b.pool()};
        for (int f : fields) {
            if (f > BlockedConv2D.MAX_FIELD) {
                return null;
            }
        }
        return b;
    }
}
