package org.microcodegen.passes;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.BatchNorm;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.Op;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds an inference-mode BatchNorm into the Conv2D before it (optionally with a BiasAdd between),
 * which is how nn.Conv2d + nn.BatchNorm2d export. With s = gamma / sqrt(var + eps) per output channel,
 * BN(conv(x, w) + b) = conv(x, w * s) + (b - mean) * s + beta, so the weights and a bias are rewritten
 * at compile time and the BatchNorm disappears: one pass over the activations instead of two, the
 * intermediate tensor's RAM is never needed, and a following ReLU can then fuse into the conv too.
 *
 * <p>Rounding: the folded values are computed in double and rounded once to float32; the result differs
 * from running the two layers in float32 by a few ulps, well inside the conformance tolerance.
 * Runs after shape inference (it needs channel counts) and before {@link FuseEpilogues}.
 */
public final class FoldBatchNorm {
    private FoldBatchNorm() {
    }

    public static Graph run(Graph g) {
        Graph cur = g;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node conv : cur.nodes()) {
                Graph folded = tryFold(cur, conv);
                if (folded != null) {
                    cur = folded;
                    changed = true;
                    break;
                }
            }
        }
        return cur == g ? g : DeadCodeElimination.run(cur);
    }

    private static Graph tryFold(Graph g, Node conv) {
        if (!(conv.op() instanceof Conv2D c) || conv.inputs().size() != 2 || !g.tensor(conv.input(1)).isConstant()
                || c.foldedBatchNorm() != null) {
            return null;
        }
        Node next = FuseEpilogues.soleConsumer(g, conv.output());
        Node biasAdd = null;
        if (next != null && Op.of(next).isChannelBias() && next.input(0).equals(conv.output())
                && g.tensor(next.input(1)).isConstant()) {
            biasAdd = next;
            next = FuseEpilogues.soleConsumer(g, biasAdd.output());
        }
        Node bn = next;
        String bnInput = biasAdd == null ? conv.output() : biasAdd.output();
        if (bn == null || !(bn.op() instanceof BatchNorm norm) || bn.inputs().size() != 5 || bn.outputs().size() != 1
                || !bn.input(0).equals(bnInput)) {
            return null;
        }
        // The arithmetic below is float32's; other dtypes (a quantised model) keep their BatchNorm.
        for (int i = 1; i < 5; i++) {
            if (!g.tensor(bn.input(i)).isConstant() || g.type(bn.input(i)).dtype() != DType.FLOAT32) {
                return null;
            }
        }
        if (g.type(conv.input(1)).dtype() != DType.FLOAT32
                || (biasAdd != null && g.type(biasAdd.input(1)).dtype() != DType.FLOAT32)) {
            return null;
        }
        Tensor w = g.tensor(conv.input(1));
        int outC = w.type().shape().dim(0);
        float[] gamma = g.tensor(bn.input(1)).data().asFloats();
        float[] beta = g.tensor(bn.input(2)).data().asFloats();
        float[] mean = g.tensor(bn.input(3)).data().asFloats();
        float[] var = g.tensor(bn.input(4)).data().asFloats();
        float[] bias = biasAdd == null ? new float[outC] : g.tensor(biasAdd.input(1)).data().asFloats();
        if (gamma.length != outC || beta.length != outC || mean.length != outC || var.length != outC || bias.length != outC
                || w.type().dtype() != DType.FLOAT32) {
            return null;
        }
        double eps = norm.epsilon();
        float[] weights = w.data().asFloats();
        int perChannel = weights.length / outC;
        float[] newWeights = new float[weights.length];
        float[] newBias = new float[outC];
        for (int oc = 0; oc < outC; oc++) {
            double s = gamma[oc] / Math.sqrt((double) var[oc] + eps);
            for (int k = 0; k < perChannel; k++) {
                newWeights[oc * perChannel + k] = (float) (weights[oc * perChannel + k] * s);
            }
            newBias[oc] = (float) ((bias[oc] - (double) mean[oc]) * s + beta[oc]);
        }

        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        String wName = TensorNames.fresh(tensors, conv.name() + "/bn_folded_weight");
        String bName = TensorNames.fresh(tensors, conv.name() + "/bn_folded_bias");
        tensors.put(wName, new Tensor(wName, w.type(), ConstData.ofFloats(newWeights), wName));
        tensors.put(bName, new Tensor(bName, TensorType.of(DType.FLOAT32, Shape.of(outC)), ConstData.ofFloats(newBias), bName));
        Node folded = conv.withInputs(List.of(conv.input(0), wName, bName)).withOutputs(bn.outputs())
                .withOp(c.withFoldedBatchNorm(bn.scope()));
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n == conv) {
                nodes.add(folded);
            } else if (n != bn && n != biasAdd) {
                nodes.add(n);
            }
        }
        return g.withNodes(nodes, tensors);
    }
}
