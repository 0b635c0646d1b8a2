package org.microcodegen.passes;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.MatMul;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a MatMul's constant right operand transposed, [N][K], and marks B transposed, when the
 * model keeps it as [K][N] (ops.MatMul on a parameter, as MindSpore 2.0's LeNet does). That is
 * nn.Dense's layout: each output is then a dot product over contiguous memory, the runtime's dense
 * entry point serves every such layer, and a model links one matmul loop instead of two. Each output
 * still sums over k in the same order, so the results are bit for bit the same.
 */
public final class PretransposeMatMulWeights {
    private PretransposeMatMulWeights() {
    }

    public static Graph run(Graph g) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            Node rewritten = n;
            if (n.op() instanceof MatMul mm && n.inputs().size() >= 2 && !mm.transposeB()) {
                Tensor b = g.tensor(n.input(1));
                if (b.isConstant() && b.type().shape().rank() == 2) {
                    Tensor bt = transpose(b, TensorNames.fresh(tensors, b.name() + "/transposed"));
                    tensors.put(bt.name(), bt);
                    List<String> inputs = new ArrayList<>(n.inputs());
                    inputs.set(1, bt.name());
                    rewritten = n.withInputs(inputs).withOp(mm.withTransposeB(true));
                    changed = true;
                }
            }
            nodes.add(rewritten);
        }
        return changed ? DeadCodeElimination.run(g.withNodes(nodes, tensors)) : g;
    }

    /**
     * [K][N] -> [N][K], element by element whatever the dtype: bytes move, values are never converted.
     * The source name is kept so the generated array still says which parameter it is.
     */
    private static Tensor transpose(Tensor b, String name) {
        int k = b.type().shape().dim(0);
        int n = b.type().shape().dim(1);
        DType dtype = b.data().dtype();
        int size = dtype.byteSize();
        byte[] v = b.data().bytes();
        byte[] t = new byte[v.length];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                System.arraycopy(v, (i * n + j) * size, t, (j * k + i) * size, size);
            }
        }
        Quantization q = b.type().quantization();
        // a per-channel quantisation follows its axis to the other side of the transpose
        Quantization moved = q == null || !q.perChannel() ? q : new Quantization(q.scales(), q.zeroPoints(), 1 - q.axis());
        return new Tensor(name, new TensorType(b.type().dtype(), Shape.of(n, k), moved),
                new ConstData(dtype, t), b.sourceName());
    }
}
