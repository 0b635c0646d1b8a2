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
import static org.junit.jupiter.api.Assertions.assertThrows;

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
