package org.microcodegen.lower;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry picks the specialised kernel where its predicate holds and the reference kernel elsewhere. */
class KernelRegistryTest {
    /** x [1, 4, 8, 8] convolved with a constant [4, 4 / groups, k, k] weight; every tensor of {@code dtype}. */
    private static Graph conv(DType dtype, int groups, int k, int stride, int pad) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.of(dtype, Shape.of(1, 4, 8, 8))));
        Shape w = Shape.of(4, 4 / groups, k, k);
        t.put("w", new Tensor("w", TensorType.of(dtype, w), new ConstData(dtype, new byte[(int) w.elementCount() * dtype.byteSize()]), "w"));
        Conv2D op = new Conv2D(Pair.of(stride), Pair.of(1), new Padding.Explicit(pad, pad, pad, pad), groups);
        int out = (8 + 2 * pad - k) / stride + 1;
        t.put("y", Tensor.value("y", TensorType.of(dtype, Shape.of(1, 4, out, out))));
        Node n = new Node("y", "Conv2D", List.of("x", "w"), List.of("y"), op, "Default/conv-op1", List.of());
        return new Graph("g", t, List.of(n), List.of("x"), List.of("y"));
    }

    private static String kernel(Graph g, String target) {
        return Lowerer.lower(g, g.nodes().get(0), org.microcodegen.target.Target.byName(target).kernels(), "m.mindir").call().kernel().function();
    }

    private static String kernel(Graph g, String target, Optimize mode) {
        return Lowerer.lower(g, g.nodes().get(0), org.microcodegen.target.Target.byName(target).kernels(), "m.mindir", mode)
                .call().kernel().function();
    }

    @Test
    void sizeModePicksTheCompactKernelForEveryShapeAndSpeedModeTheSpecialisedOne() {
        for (Graph g : List.of(conv(DType.FLOAT32, 1, 5, 1, 0), conv(DType.FLOAT32, 4, 3, 1, 1), conv(DType.FLOAT32, 1, 1, 1, 0),
                conv(DType.FLOAT32, 2, 2, 1, 0))) {
            assertEquals("mc_conv2d_compact_f32", kernel(g, "cortex-m4", Optimize.SIZE));
        }
        assertEquals("mc_conv2d_k5s1_f32", kernel(conv(DType.FLOAT32, 1, 5, 1, 0), "cortex-m4", Optimize.SPEED));
        assertEquals("mc_conv2d_general_f32", kernel(conv(DType.FLOAT32, 2, 2, 1, 0), "cortex-m4", Optimize.SPEED),
                "without a specialised kernel speed takes the fast general one, not the compact one");
    }

    @Test
    void balancedTakesASpecialisedKernelOnlyWhereItSavesTenInstructionsPerByteItAdds() {
        // Cortex-M4 table. 4x8x8 -> 4x4x4, 5x5: 6,400 MACs; k5s1 adds 3128 - 1216 bytes over the compact
        // kernel and saves 6.31 - 2.97 instructions per MAC: 21,376 >= 10 * 1,912, so it pays.
        assertEquals("mc_conv2d_k5s1_f32", kernel(conv(DType.FLOAT32, 1, 5, 1, 0), "cortex-m4", Optimize.BALANCED));
        // Depthwise 5x5: 1,600 MACs. depthwise_k5s1 adds 812 bytes and saves 5,344 < 8,120: not worth it;
        // depthwise_f32 is 452 bytes smaller than the compact kernel: taken.
        assertEquals("mc_conv2d_depthwise_f32", kernel(conv(DType.FLOAT32, 4, 5, 1, 0), "cortex-m4", Optimize.BALANCED));
        assertEquals("mc_conv2d_depthwise_k5s1_f32", kernel(conv(DType.FLOAT32, 4, 5, 1, 0), "cortex-m4", Optimize.SPEED));
        KernelCosts m4 = KernelCosts.of("cortex-m4");
        double extra = m4.bytes("mc_conv2d_k5s1_f32").getAsDouble() - m4.bytes("mc_conv2d_compact_f32").getAsDouble();
        double saved = m4.instructionsPerUnit("mc_conv2d_compact_f32").getAsDouble() - m4.instructionsPerUnit("mc_conv2d_k5s1_f32").getAsDouble();
        long breakEven = (long) Math.ceil(KernelCosts.INSTRUCTIONS_PER_BYTE * extra / saved);
        assertTrue(m4.pays("mc_conv2d_k5s1_f32", "mc_conv2d_compact_f32", breakEven));
        assertFalse(m4.pays("mc_conv2d_k5s1_f32", "mc_conv2d_compact_f32", breakEven - 1));
        assertEquals("conv2d", kernel(conv(DType.FLOAT32, 4, 3, 1, 1), "java", Optimize.SIZE), "Java has one kernel: every mode takes it");
    }

    @Test
    void specialisedConvolutionKernelsWhereTheirShapesApply() {
        assertEquals("mc_conv2d_depthwise_3x3s1_f32", kernel(conv(DType.FLOAT32, 4, 3, 1, 1), "host"));
        assertEquals("mc_conv2d_depthwise_3x3s2_f32", kernel(conv(DType.FLOAT32, 4, 3, 2, 1), "cortex-m4"));
        assertEquals("mc_conv2d_depthwise_k3s1_f32", kernel(conv(DType.FLOAT32, 4, 3, 1, 2), "host"), "padding 2: not the 3x3 kernel");
        assertEquals("mc_conv2d_pointwise_f32", kernel(conv(DType.FLOAT32, 1, 1, 1, 0), "host"));
        assertEquals("mc_conv2d_k5s1_f32", kernel(conv(DType.FLOAT32, 1, 5, 1, 0), "host"));
        assertEquals("mc_conv2d_general_f32", kernel(conv(DType.FLOAT32, 2, 2, 1, 0), "host"), "the reference kernel catches the rest");
        assertEquals("conv2d", kernel(conv(DType.FLOAT32, 4, 3, 1, 1), "java"), "Java has one method for every shape");
    }

    @Test
    void noKernelForTheDtypesIsOneLineNamingNodeOpDtypesAndTarget() {
        CompileException e = assertThrows(CompileException.class, () -> kernel(conv(DType.INT8, 1, 3, 1, 0), "cortex-m4"));
        assertEquals("Conv2D at node Default/conv-op1 in m.mindir: no kernel for Conv2D on int8, int8 -> int8 for target cortex-m4",
                e.getMessage());
    }
}
