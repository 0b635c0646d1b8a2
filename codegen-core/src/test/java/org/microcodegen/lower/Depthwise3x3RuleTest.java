package org.microcodegen.lower;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.quant.Reference;
import org.microcodegen.target.Target;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The registry gives an int8 depthwise layer to mc_depthwise_conv2d_nhwc_s8_3x3 exactly when it meets the kernel's
 * precondition (mc_qdepthwise.h), which the kernel itself no longer checks: a 3x3 window with dilation 1, blocks of four
 * output channels, double rounding, and per channel a multiplier with a right shift of 1 to 22 and a bias whose sums
 * stay below 2^29. Every other layer goes to the general DSP depthwise kernel (or, for one input channel, the SMLAD
 * convolution), whose results are the reference kernel's for any constants.
 */
class Depthwise3x3RuleTest {
    private static final String KERNEL_3X3 = "mc_depthwise_conv2d_nhwc_s8_3x3";
    private static final String GENERAL = "mc_depthwise_conv2d_nhwc_s8_simd";
    /** The largest |bias| the 3x3 kernel takes: |bias| + 9 x 255 x 128 < 2^29. */
    private static final long BIAS_BOUND = (1L << 29) - 9 * 255 * 128 - 1;

    /**
     * x [1, 8, 8, inC] (scale 0.05) through a k x k depthwise of the given multiplier (weight scale 0.01, every bias
     * {@code bias}) to an output of scale {@code outScale}: the multiplier is 0.0005 / outScale.
     */
    private static Graph depthwise(int inC, int multiplier, int k, long bias, float outScale) {
        int outC = inC * multiplier;
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", new TensorType(DType.INT8, Shape.of(1, 8, 8, inC), perTensor(0.05f, -3))));
        byte[] w = new byte[k * k * outC];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) ((i * 37) % 255 - 127);
        }
        List<Integer> zeros = Collections.nCopies(outC, 0);
        t.put("w", new Tensor("w", new TensorType(DType.INT8, Shape.of(1, k, k, outC),
                new Quantization(Collections.nCopies(outC, 0.01f), zeros, 3)), new ConstData(DType.INT8, w), "w"));
        ByteBuffer b = ByteBuffer.allocate(4 * outC).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < outC; c++) {
            b.putInt((int) bias);
        }
        t.put("b", new Tensor("b", new TensorType(DType.INT32, Shape.of(outC), new Quantization(Collections.nCopies(outC, 0.0005f), zeros, 0)),
                new ConstData(DType.INT32, b.array()), "b"));
        t.put("y", Tensor.value("y", new TensorType(DType.INT8, Shape.of(1, 8, 8, outC), perTensor(outScale, 5))));
        Conv2DNhwc op = new Conv2DNhwc(true, Pair.of(1), Pair.of(1), new Padding.Same(), FusedActivation.RELU6);
        Node n = new Node("dw", "DEPTHWISE_CONV_2D", List.of("x", "w", "b"), List.of("y"), op, "net/dw", List.of());
        return new Graph("g", t, List.of(n), List.of("x"), List.of("y"));
    }

    private static Quantization perTensor(float scale, int zeroPoint) {
        return new Quantization(List.of(scale), List.of(zeroPoint), 0);
    }

    private static KernelCall call(Graph g, Reference reference) {
        return Lowerer.lower(g, g.nodes().get(0), Target.byName("cortex-m4").kernels(), "m.tflite", Optimize.SPEED, reference).call();
    }

    private static String kernel(Graph g, Reference reference) {
        return call(g, reference).kernel().function();
    }

    private static String kernel(Graph g) {
        return kernel(g, Reference.LITERT);
    }

    @Test
    void layersWithinThePreconditionTakeThe3x3Kernel() {
        assertEquals(KERNEL_3X3, kernel(depthwise(8, 1, 3, 100, 0.02f)), "MobileNet's: multiplier 1, 8 channels");
        assertEquals(KERNEL_3X3, kernel(depthwise(1, 8, 3, 100, 0.02f)), "person_detect's first layer: one channel, multiplier 8");
        assertEquals(KERNEL_3X3, kernel(depthwise(3, 4, 3, -100, 0.02f)), "multiplier 4 on three channels");
        assertEquals(KERNEL_3X3, kernel(depthwise(8, 1, 3, BIAS_BOUND, 0.02f)), "the largest bias");
        assertEquals(KERNEL_3X3, kernel(depthwise(8, 1, 3, -BIAS_BOUND, 0.02f)), "the most negative bias");
        assertEquals(KERNEL_3X3, kernel(depthwise(8, 1, 3, 100, 0.02f), Reference.TFLM), "TFLM's rounding is double too");
    }

    @Test
    void layersOutsideItTakeTheGeneralKernel() {
        assertEquals(GENERAL, kernel(depthwise(6, 1, 3, 100, 0.02f)), "6 channels: not blocks of four");
        assertEquals(GENERAL, kernel(depthwise(8, 1, 3, BIAS_BOUND + 1, 0.02f)), "a bias whose sums may reach 2^29");
        assertEquals(GENERAL, kernel(depthwise(8, 1, 3, -BIAS_BOUND - 1, 0.02f)), "the same, negative");
        // 0.0005 / 0.0001 = 5 = 0.625 x 2^3: a left shift
        assertEquals(GENERAL, kernel(depthwise(8, 1, 3, 100, 0.0001f)), "a multiplier above 1");
        // 0.0005 / 100000 = 5e-9 = 0.67 x 2^-27: a right shift beyond 22
        assertEquals(GENERAL, kernel(depthwise(8, 1, 3, 100, 100000f)), "a multiplier below 2^-22");
        assertEquals(GENERAL, kernel(depthwise(8, 1, 5, 100, 0.02f)), "a 5x5 window");
        assertEquals("mc_conv2d_s8_simd", kernel(depthwise(1, 8, 3, BIAS_BOUND + 1, 0.02f)),
                "one input channel outside the precondition: the SMLAD convolution");
    }

    @Test
    void the3x3KernelTakesItsCompactStruct() {
        KernelCall c = call(depthwise(8, 1, 3, 100, 0.02f), Reference.LITERT);
        assertEquals("mc_qdepthwise3x3_params", c.kernel().paramsType());
        assertEquals(List.of("out_mult", "out_shift", "batch", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "out_offset",
                        "stride_h", "stride_w", "pad_top", "pad_left", "depth_multiplier", "in_zero", "act_min", "act_max"),
                c.struct().fields().stream().map(ParamsStruct.Field::name).toList());
        assertEquals(-3L, c.struct().integer("in_zero"), "the input zero point, -in_offset");
        assertEquals(3L, c.params().integer("in_offset"));
        assertEquals(1L, c.struct().integer("pad_top"), "SAME on 8 with a 3x3 window");
        assertEquals(c.params().integer("act_max"), c.struct().integer("act_max"), "RELU6's clamp is carried");
    }

    @Test
    void aLayerTooLargeForTheCompactStructTakesTheGeneralKernel() {
        // 65,532 channels: the largest multiple of 4 within uint16_t; 65,536 do not fit out_c (nor in_c), never truncated
        assertEquals(KERNEL_3X3, kernel(depthwise(65532, 1, 3, 100, 0.02f)));
        KernelCall wide = call(depthwise(65536, 1, 3, 100, 0.02f), Reference.LITERT);
        assertEquals(GENERAL, wide.kernel().function(), "65,536 channels");
        assertEquals(65536L, wide.struct().integer("out_c"));
        assertEquals(Optional.of("in_c = 65536 is outside uint16_t"), CParams.QDEPTHWISE_3X3.misfit(wide.params()));
    }
}
