package org.microcodegen.passes;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
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
 */
public final class BlockForSize {
    private BlockForSize() {
    }

    public static Graph run(Graph g, String modelFile) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        List<Node> nodes = new ArrayList<>();
        Set<Node> fusedPools = new HashSet<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            if (fusedPools.contains(n)) {
                continue;
            }
            OpContext ctx = new OpContext(n, tensors, modelFile);
            BlockedConv2D blocked = null;
            Node pool = null;
            if (n.op() instanceof Conv2D c && floatWeighted(g, n)) {
                pool = fusablePool(g, n);
                blocked = conv(c, ctx, pool == null ? 1 : ((Pool2D) pool.op()).window().h());
            } else if (n.op() instanceof MatMul m && floatWeighted(g, n)) {
                blocked = dense(m, ctx);
            }
            if (blocked == null) {
                nodes.add(n);
                continue;
            }
            Tensor w = g.tensor(n.input(1));
            byte[] data = BlockedConv2D.blockWeights(w.data().bytes(), blocked.outC(),
                    blocked.inC() * blocked.kH() * blocked.kW());
            Tensor bw = new Tensor(TensorNames.fresh(tensors, w.name() + "/blocked"),
                    TensorType.of(DType.FLOAT32, Shape.of(data.length / Float.BYTES)), new ConstData(DType.FLOAT32, data), w.sourceName());
            tensors.put(bw.name(), bw);
            List<String> inputs = new ArrayList<>(n.inputs());
            inputs.set(1, bw.name());
            List<String> outputs = pool == null ? n.outputs() : pool.outputs();
            if (pool != null) {
                fusedPools.add(pool);
            }
            nodes.add(new Node(n.name(), n.opType(), inputs, outputs, blocked, n.scope(), List.of()));
            changed = true;
        }
        return changed ? DeadCodeElimination.run(g.withNodes(nodes, tensors)) : g;
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
