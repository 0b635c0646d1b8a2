package org.microcodegen.passes;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.lower.KernelCosts;
import org.microcodegen.ops.BlockedConv2D;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Pool2D;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockForSizeTest {
    private static final Padding VALID = new Padding.Explicit(0, 0, 0, 0);
    private static final KernelCosts M4 = KernelCosts.of("cortex-m4");
    /** A target without measured costs: blocking is then always taken. */
    private static final KernelCosts NO_FIGURES = KernelCosts.of("java");

    /** w[oc][t] = 10 * oc + t: 10 output channels of 2 taps (a 1x1 kernel over 2 input channels). */
    private static float[] weights() {
        float[] w = new float[20];
        for (int oc = 0; oc < 10; oc++) {
            for (int t = 0; t < 2; t++) {
                w[oc * 2 + t] = 10 * oc + t;
            }
        }
        return w;
    }

    /** x[1,2,6,6] -> conv (1x1, 10 channels, groups {@code groups}) -> max pool (window, stride) -> y. */
    private static Graph convPool(int groups, int window, int stride) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        int inC = groups == 1 ? 2 : 10;
        t.put("x", Tensor.value("x", TensorType.f32(1, inC, 6, 6)));
        float[] w = groups == 1 ? weights() : new float[10];
        t.put("w", new Tensor("w", TensorType.f32(10, inC / groups, 1, 1), ConstData.ofFloats(w), "conv.weight"));
        t.put("c", Tensor.value("c", TensorType.f32(1, 10, 6, 6)));
        int out = (6 - window) / stride + 1;
        t.put("y", Tensor.value("y", TensorType.f32(1, 10, out, out)));
        Conv2D conv = new Conv2D(Pair.of(1), Pair.of(1), VALID, groups).withActivation(FusedActivation.RELU);
        Node c = new Node("conv", "Conv2D", List.of("x", "w"), List.of("c"), conv, "Default/conv", List.of());
        Pool2D pool = new Pool2D(Pool2D.Kind.MAX, Pair.of(window), Pair.of(stride), VALID, false);
        Node p = new Node("pool", "MaxPool", List.of("c"), List.of("y"), pool, "Default/pool", List.of());
        return ShapeInference.run(new Graph("g", t, List.of(c, p), List.of("x"), List.of("y")), null);
    }

    @Test
    void weightsGoInBlocksOfEightChannelsTapByTapThenZerosToAFullLastBlock() {
        Graph g = BlockForSize.run(convPool(1, 2, 2), null, M4);
        Tensor w = g.tensor(g.nodes().get(0).input(1));
        float[] want = new float[26];
        int i = 0;
        for (int t = 0; t < 2; t++) {
            for (int oc = 0; oc < 8; oc++) {
                want[i++] = 10 * oc + t;
            }
        }
        for (int t = 0; t < 2; t++) {
            for (int oc = 8; oc < 10; oc++) {
                want[i++] = 10 * oc + t;
            }
        }
        assertArrayEquals(want, w.data().asFloats(), "then 6 zeros: the last block's taps load 8 lanes");
        assertEquals("conv.weight", w.sourceName(), "the generated array keeps the parameter's name");
    }

    @Test
    void aMaxPoolOverNonOverlappingSquareWindowsIsFusedIntoTheConvolution() {
        Graph g = BlockForSize.run(convPool(1, 2, 2), null, M4);
        assertEquals(1, g.nodes().size(), "conv and pool are one call");
        Node n = g.nodes().get(0);
        BlockedConv2D b = assertInstanceOf(BlockedConv2D.class, n.op());
        assertEquals(2, b.pool());
        assertEquals(FusedActivation.RELU, b.activation());
        assertEquals(List.of("y"), n.outputs(), "it writes the pool's output");
        assertTrue(!g.tensors().containsKey("c"), "the convolution's own output no longer exists");
    }

    @Test
    void anOverlappingPoolStaysAPoolAfterTheBlockedConvolution() {
        Graph g = BlockForSize.run(convPool(1, 3, 2), null, M4);
        assertEquals(2, g.nodes().size());
        assertEquals(1, ((BlockedConv2D) g.nodes().get(0).op()).pool());
        assertInstanceOf(Pool2D.class, g.nodes().get(1).op());
    }

    @Test
    void aDepthwiseConvolutionKeepsItsOp() {
        Graph g = convPool(10, 2, 2);
        assertSame(g, BlockForSize.run(g, null, NO_FIGURES));
    }

    /** x[1,2] -> dense 10 (bias) -> y. */
    private static Graph dense() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(1, 2)));
        t.put("b", new Tensor("b", TensorType.f32(10, 2), ConstData.ofFloats(weights()), "fc.weight"));
        t.put("bias", new Tensor("bias", TensorType.f32(10), ConstData.ofFloats(new float[10]), "fc.bias"));
        t.put("y", Tensor.value("y", TensorType.f32(1, 10)));
        Node mm = new Node("fc", "MatMul", List.of("x", "b", "bias"), List.of("y"), new MatMul(false, true), "Default/fc", List.of());
        return ShapeInference.run(new Graph("g", t, List.of(mm), List.of("x"), List.of("y")), null);
    }

    @Test
    void aDenseLayerSumsFromZeroAndAddsItsBiasLast() {
        Graph g = BlockForSize.run(dense(), null, NO_FIGURES);
        BlockedConv2D b = assertInstanceOf(BlockedConv2D.class, g.nodes().get(0).op());
        assertTrue(b.dense() && b.biasLast());
        assertEquals(List.of(1, 1, 2, 2), List.of(b.inC(), b.inH(), b.inW(), b.kW()), "a 1 x k image and kernel");
        assertEquals(20L, b.macCount());
        assertEquals("bias", g.nodes().get(0).input(2));
    }

    @Test
    void aModelOfDenseLayersOnlyKeepsTheSmallerMatMulKernel() {
        Graph g = dense();
        assertSame(g, BlockForSize.run(g, null, M4), "mc_matmul_compact_f32 is a third of the blocked kernel's bytes");
    }
}
