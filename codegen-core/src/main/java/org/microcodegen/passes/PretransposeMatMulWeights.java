package org.microcodegen.passes;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores a MatMul's constant right operand transposed, [N][K], and marks it transpose_b, when the
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
            if (n.opType().equals("MatMul") && n.inputs().size() >= 2 && !transposed(n)) {
                Tensor b = g.tensor(n.input(1));
                if (b.isConstant() && b.type().dtype() == DType.FLOAT32 && b.type().shape().rank() == 2) {
                    Tensor bt = transpose(b, TensorNames.fresh(tensors, b.name() + "/transposed"));
                    tensors.put(bt.name(), bt);
                    List<String> inputs = new ArrayList<>(n.inputs());
                    inputs.set(1, bt.name());
                    rewritten = n.withInputs(inputs).withOpType(n.opType(), n.attrs().with("transpose_b", true));
                    changed = true;
                }
            }
            nodes.add(rewritten);
        }
        return changed ? DeadCodeElimination.run(g.withNodes(nodes, tensors)) : g;
    }

    private static boolean transposed(Node n) {
        return n.attrs().getBool("transpose_b", false) || n.attrs().getBool("transpose_x2", false);
    }

    /** [K][N] -> [N][K]. The source name is kept so the generated array still says which parameter it is. */
    private static Tensor transpose(Tensor b, String name) {
        int k = b.type().shape().dim(0);
        int n = b.type().shape().dim(1);
        float[] v = b.data().asFloats();
        float[] t = new float[v.length];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                t[j * k + i] = v[i * n + j];
            }
        }
        return new Tensor(name, TensorType.of(DType.FLOAT32, Shape.of(n, k)), ConstData.ofFloats(t), b.sourceName());
    }
}
