package org.microcodegen.passes;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.BatchNorm;
import org.microcodegen.ops.BiasAdd;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Refused;
import org.microcodegen.ops.Unary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldBatchNormTest {
    private static final float[] W = {0.5f, -1.25f, 2f, 0.75f};      // [2 out][2 in][1][1]
    private static final float[] BIAS = {0.1f, -0.2f};
    private static final float[] GAMMA = {1.5f, 0.8f};
    private static final float[] BETA = {0.25f, -0.5f};
    private static final float[] MEAN = {0.3f, -0.7f};
    private static final float[] VAR = {2.0f, 0.09f};
    private static final float EPS = 1e-3f;

    /** x -> Conv2D -> [BiasAdd] -> BatchNorm -> ReLU -> y, plus optional extra reader of the conv output. */
    private static Graph graph(boolean withBias, boolean training, boolean convOutputAlsoRead) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(1, 2, 3, 3)));
        constant(t, "w", W, 2, 2, 1, 1);
        constant(t, "b", BIAS, 2);
        constant(t, "gamma", GAMMA, 2);
        constant(t, "beta", BETA, 2);
        constant(t, "mean", MEAN, 2);
        constant(t, "var", VAR, 2);
        for (String v : List.of("c", "cb", "n", "y", "z")) {
            t.put(v, Tensor.value(v, null));
        }
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node("conv", "Conv2D", List.of("x", "w"), List.of("c"), new Conv2D(Pair.of(1), Pair.of(1), Padding.none(), 1),
                "Default/conv-Conv2d/Conv2D-op1", List.of()));
        String bnIn = "c";
        if (withBias) {
            nodes.add(new Node("bias", "BiasAdd", List.of("c", "b"), List.of("cb"), new BiasAdd(), "Default/conv-Conv2d/BiasAdd-op2", List.of()));
            bnIn = "cb";
        }
        // a training-mode BatchNorm is refused by the frontend: the pass must leave it alone
        Op bn = training ? new Refused("training", false) : new BatchNorm(EPS);
        nodes.add(new Node("bn", "BatchNorm", List.of(bnIn, "gamma", "beta", "mean", "var"), List.of("n"), bn,
                "Default/bn-BatchNorm2d/BatchNorm-op3", List.of()));
        nodes.add(new Node("relu", "ReLU", List.of("n"), List.of("y"), new Unary(Unary.Function.RELU), "Default/relu-ReLU/ReLU-op4", List.of()));
        List<String> outputs = new ArrayList<>(List.of("y"));
        if (convOutputAlsoRead) {
            nodes.add(new Node("abs", "Abs", List.of("c"), List.of("z"), new Unary(Unary.Function.ABS), "Default/Abs-op5", List.of()));
            outputs.add("z");
        }
        return new Graph("g", t, nodes, List.of("x"), outputs);
    }

    private static void constant(Map<String, Tensor> t, String name, float[] values, int... dims) {
        t.put(name, new Tensor(name, TensorType.of(DType.FLOAT32, Shape.of(dims)), ConstData.ofFloats(values), name));
    }

    @Test
    void convBiasAddBatchNormBecomesOneConvWithRewrittenWeightsAndBias() {
        Graph g = FoldBatchNorm.run(graph(true, false, false));
        assertEquals(List.of("Conv2D", "ReLU"), g.nodes().stream().map(Node::opType).toList());
        Node conv = g.nodes().get(0);
        assertEquals(3, conv.inputs().size());
        assertEquals("n", conv.output(), "the conv now defines what the BatchNorm defined");
        assertEquals("Default/bn-BatchNorm2d/BatchNorm-op3", ((Conv2D) conv.op()).foldedBatchNorm());
        float[] w = g.tensor(conv.input(1)).data().asFloats();
        float[] b = g.tensor(conv.input(2)).data().asFloats();
        for (int oc = 0; oc < 2; oc++) {
            // Inference BatchNorm: (v - mean) / sqrt(var + eps) * gamma + beta, written out per channel.
            double s = GAMMA[oc] / Math.sqrt(VAR[oc] + (double) EPS);
            for (int k = 0; k < 2; k++) {
                assertEquals((float) (W[oc * 2 + k] * s), w[oc * 2 + k], 0f);
            }
            assertEquals((float) ((BIAS[oc] - MEAN[oc]) * s + BETA[oc]), b[oc], 1e-7f);
        }
        assertTrue(g.tensors().values().stream().noneMatch(t -> t.name().equals("gamma")), "BatchNorm parameters are dead");
    }

    @Test
    void withoutABiasTheFoldedBiasIsBetaMinusScaledMean() {
        Graph g = FoldBatchNorm.run(graph(false, false, false));
        Node conv = g.nodes().get(0);
        float[] b = g.tensor(conv.input(2)).data().asFloats();
        float[] expected = new float[2];
        for (int oc = 0; oc < 2; oc++) {
            expected[oc] = (float) (BETA[oc] - MEAN[oc] * GAMMA[oc] / Math.sqrt(VAR[oc] + (double) EPS));
        }
        assertArrayEquals(expected, b, 1e-7f);
    }

    @Test
    void leavesTheGraphAloneWhenTheConvOutputHasAnotherReader() {
        Graph in = graph(false, false, true);
        assertSame(in, FoldBatchNorm.run(in));
    }

    @Test
    void leavesATrainingModeBatchNormForItsOpToReject() {
        Graph in = graph(true, true, false);
        assertSame(in, FoldBatchNorm.run(in));
    }
}
