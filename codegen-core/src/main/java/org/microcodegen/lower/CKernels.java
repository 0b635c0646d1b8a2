package org.microcodegen.lower;

import org.microcodegen.ir.DType;
import org.microcodegen.ops.BlockedConv2D;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.ops.Window2D;
import org.microcodegen.quant.Rounding;

import java.util.List;

/**
 * runtime-micro's C kernels (host and Cortex-M targets). A C model links only the entry points it
 * calls (with -ffunction-sections and --gc-sections), so shapes with a specialised entry point get
 * it here, at compile time, instead of a run-time dispatch inside one kernel.
 */
public final class CKernels {
    private static final Signature F32 = Signature.all(DType.FLOAT32);

    private CKernels() {
    }

    public static KernelRegistry registry(String target) {
        KernelRegistry.Builder r = KernelRegistry.builder(target);
        conv(r);
        pool(r, "MaxPool2D", "mc_maxpool2d");
        pool(r, "AvgPool2D", "mc_avgpool2d");
        pool(r, "AdaptiveAvgPool2D", "mc_avgpool2d");
        r.add("MatMul", F32, Shapes.DENSE, Kernel.of("mc_matmul", "mc_matmul_dense_f32")
                .taking("a", "b", "bias", "out", "m", "k", "n", "act"));
        r.add("MatMul", F32, Kernel.of("mc_matmul", "mc_matmul_f32"));
        r.add("MatMul", F32, Kernel.of("mc_matmul", "mc_matmul_compact_f32"));
        // a dense layer on the compact convolution (a 1x1 conv), where the model has convolutions: in
        // size mode the last entry that matches wins, so a CNN links one compact loop for both (a
        // model of dense layers only keeps the smaller mc_matmul_compact_f32)
        r.add("MatMul", F32, Shapes.DENSE_BESIDE_CONV, Kernel.of("mc_conv2d", "mc_matmul_dense_compact_f32")
                .taking("a", "b", "bias", "out", "m", "k", "n", "act"));
        unary(r, "Relu", "mc_relu_f32");
        unary(r, "Relu6", "mc_relu6_f32");
        unary(r, "Sigmoid", "mc_sigmoid_f32");
        unary(r, "Tanh", "mc_tanh_f32");
        unary(r, "HardSwish", "mc_hswish_f32");
        unary(r, "HardSigmoid", "mc_hsigmoid_f32");
        unary(r, "LeakyRelu", "mc_leaky_relu_f32");
        unary(r, "Abs", "mc_abs_f32");
        binary(r, "Add", "mc_add_f32");
        binary(r, "Sub", "mc_sub_f32");
        binary(r, "Mul", "mc_mul_f32");
        binary(r, "Div", "mc_div_f32");
        binary(r, "Maximum", "mc_maximum_f32");
        binary(r, "Minimum", "mc_minimum_f32");
        r.add("BiasAdd", F32, Kernel.of("mc_bias_add", "mc_bias_add_f32"));
        r.add("Softmax", F32, Kernel.of("mc_softmax", "mc_softmax_f32"));
        r.add("LogSoftmax", F32, Kernel.of("mc_softmax", "mc_log_softmax_f32"));
        r.add("BatchNorm", F32, Kernel.of("mc_batchnorm", "mc_batchnorm_f32"));
        r.add("Concat", F32, Kernel.of("mc_concat", "mc_concat_f32"));
        r.add("Pad", F32, Kernel.withParams("mc_pad", "mc_pad_f32", "mc_pad_params"));
        r.add("ReduceMean", F32, Kernel.withParams("mc_reduce", "mc_reduce_mean_f32", "mc_reduce_params"));
        r.add("StridedSlice", F32, Kernel.withParams("mc_strided_slice", "mc_strided_slice_f32", "mc_strided_slice_params"));
        r.add("Transpose", F32, Kernel.withParams("mc_transpose", "mc_transpose_f32", "mc_transpose_params"));
        dspDepthwisePoolAddSoftmax(r);
        integer(r);
        weightsOnly(r);
        r.add(KernelRegistry.COPY, F32, Kernel.of("mc_copy", "mc_copy_f32"));
        copies(r);
        return r.build();
    }

    private static final DType I8 = DType.INT8;
    private static final DType I16 = DType.INT16;

    /** TFLite's integer kernels (reference semantics, bit-exact), and the NHWC float kernels of TFLite models. */
    private static void integer(KernelRegistry.Builder r) {
        Signature s8 = Signature.weighted(I8, I8, DType.INT32);
        Signature s16 = Signature.weighted(I16, I8, DType.INT64);
        Signature f32 = Signature.weighted(DType.FLOAT32, DType.FLOAT32, DType.FLOAT32);
        String conv = "mc_conv2d_nhwc";
        // the SMLAD kernels (mc_conv_simd) first: the same results as the reference kernels on weights packed
        // at compile time; the portable build of the same source on the host
        r.add("Conv2DNhwc", s8, Shapes.SIMD_POINTWISE, simd("mc_conv2d_1x1_s8_simd", "mc_qconv2d_params").narrowing(CParams.QPOINTWISE));
        r.add("Conv2DNhwc", s8, Shapes.SIMD_CONV, simd("mc_conv2d_s8_simd", "mc_qconv2d_params"));
        r.add("Conv2DNhwc", s8, Kernel.withParams(conv, "mc_conv2d_nhwc_s8", "mc_qconv2d_params"));
        r.add("Conv2DNhwc", s16, Kernel.withParams(conv, "mc_conv2d_nhwc_s16", "mc_qconv2d_params"));
        r.add("Conv2DNhwc", f32, Kernel.withParams(conv, "mc_conv2d_nhwc_f32", "mc_conv2d_nhwc_params"));
        r.add("DepthwiseConv2DNhwc", s8, Kernel.withParams(conv, "mc_depthwise_conv2d_nhwc_s8", "mc_qconv2d_params"));
        r.add("DepthwiseConv2DNhwc", s16, Kernel.withParams(conv, "mc_depthwise_conv2d_nhwc_s16", "mc_qconv2d_params"));
        r.add("DepthwiseConv2DNhwc", f32, Kernel.withParams(conv, "mc_depthwise_conv2d_nhwc_f32", "mc_conv2d_nhwc_params"));
        String tc = "mc_transpose_conv";
        r.add("TransposeConv2DNhwc", s8, Kernel.withParams(tc, "mc_transpose_conv_nhwc_s8", "mc_qconv2d_params"));
        r.add("TransposeConv2DNhwc", s16, Kernel.withParams(tc, "mc_transpose_conv_nhwc_s16", "mc_qconv2d_params"));
        r.add("TransposeConv2DNhwc", f32, Kernel.withParams(tc, "mc_transpose_conv_nhwc_f32", "mc_conv2d_nhwc_params"));
        String fc = "mc_fully_connected";
        r.add("FullyConnected", s8, Shapes.SIMD_DENSE, simd("mc_fully_connected_s8_simd", "mc_qfc_params").narrowing(CParams.QFC_SIMD));
        r.add("FullyConnected", s8, Kernel.withParams(fc, "mc_fully_connected_s8", "mc_qfc_params"));
        r.add("FullyConnected", s16, Kernel.withParams(fc, "mc_fully_connected_s16", "mc_qfc_params"));
        r.add("FullyConnected", f32, Kernel.withParams(fc, "mc_fully_connected_f32", "mc_fc_params"));
        String pool = "mc_pool2d_nhwc";
        for (String kind : List.of("Max", "Avg")) {
            String base = "mc_" + kind.toLowerCase(java.util.Locale.ROOT) + "pool2d_nhwc_";
            r.add(kind + "Pool2DNhwc", Signature.all(I8), Kernel.withParams(pool, base + "s8", "mc_qpool2d_params"));
            r.add(kind + "Pool2DNhwc", Signature.all(I16), Kernel.withParams(pool, base + "s16", "mc_qpool2d_params"));
            r.add(kind + "Pool2DNhwc", F32, Kernel.withParams(pool, base + "f32", "mc_pool2d_nhwc_params"));
        }
        for (DType d : List.of(I8, I16)) {
            String s = d == I8 ? "s8" : "s16";
            Signature same = Signature.all(d);
            r.add("Add", same, Kernel.withParams("mc_qbinary", "mc_add_" + s, "mc_qadd_params"));
            r.add("Sub", same, Kernel.withParams("mc_qbinary", "mc_sub_" + s, "mc_qadd_params"));
            r.add("Mul", same, Kernel.withParams("mc_qbinary", "mc_mul_" + s, "mc_qmul_params"));
            r.add("Relu", same, Kernel.withParams("mc_qactivation", "mc_relu_" + s, "mc_qrelu_params"));
            r.add("Relu6", same, Kernel.withParams("mc_qactivation", "mc_relu_" + s, "mc_qrelu_params"));
            r.add("LeakyRelu", same, Kernel.withParams("mc_qactivation", "mc_leaky_relu_" + s, "mc_qleaky_relu_params"));
            r.add("ReduceMean", same, Kernel.withParams("mc_qreduce", "mc_mean_hw_" + s, "mc_qmean_params"));
            r.add("Pad", same, Kernel.withParams("mc_pad", "mc_pad_" + s, "mc_pad_int_params"));
            r.add("Quantize", Signature.exactly(List.of(DType.FLOAT32), List.of(d)),
                    Kernel.withParams("mc_quantize", "mc_quantize_f32_" + s, "mc_affine_params"));
            r.add("Dequantize", Signature.exactly(List.of(d), List.of(DType.FLOAT32)),
                    Kernel.withParams("mc_quantize", "mc_dequantize_" + s + "_f32", "mc_affine_params"));
            for (DType to : List.of(I8, I16, DType.INT32)) {
                String t = to == I8 ? "s8" : to == I16 ? "s16" : "s32";
                if (!(d == I8 && to == DType.INT32)) {
                    r.add("Quantize", Signature.exactly(List.of(d), List.of(to)),
                            Kernel.withParams("mc_quantize", "mc_quantize_" + s + "_" + t, "mc_requantize_params"));
                }
            }
        }
        // moving elements whatever they mean: by element size
        for (DType d : List.of(I8, I16, DType.INT32)) {
            String bits = 8 * d.byteSize() + "bit";
            r.add("Transpose", Signature.all(d), Kernel.withParams("mc_transpose", "mc_transpose_" + bits, "mc_transpose_params"));
            r.add("StridedSlice", Signature.all(d), Kernel.withParams("mc_strided_slice", "mc_strided_slice_" + bits,
                    "mc_strided_slice_params"));
        }
        r.add("Concat", Signature.all(I8), Kernel.of("mc_concat", "mc_concat_s8"));
        r.add("Concat", Signature.all(I16), Kernel.of("mc_concat", "mc_concat_s16"));
        String softmax = "mc_qsoftmax_params";
        r.add("Softmax", Signature.exactly(List.of(I8), List.of(I8)), Kernel.withParams("mc_qsoftmax", "mc_softmax_s8", softmax));
        r.add("Softmax", Signature.exactly(List.of(I8), List.of(I16)), Kernel.withParams("mc_qsoftmax", "mc_softmax_s8_s16", softmax));
        r.add("Softmax", Signature.all(I16), Kernel.withParams("mc_qsoftmax", "mc_softmax_s16", softmax));
        r.add("Sigmoid", Signature.exactly(List.of(I8), List.of(I8)), Kernel.of("mc_qnonlinear", "mc_lut_s8"));
        r.add("Tanh", Signature.exactly(List.of(I8), List.of(I8)), Kernel.of("mc_qnonlinear", "mc_lut_s8"));
        r.add("HardSwish", Signature.all(I8), Kernel.withParams("mc_qnonlinear", "mc_hard_swish_s8", "mc_qhard_swish_params"));
        r.add("Sigmoid", Signature.all(I16), Kernel.withParams("mc_qnonlinear", "mc_logistic_s16", "mc_qsigmoid16_params"));
        r.add("Tanh", Signature.all(I16), Kernel.withParams("mc_qnonlinear", "mc_tanh_s16", "mc_qsigmoid16_params"));
    }

    /** Float layers with integer weights and per-channel scales (weights-only quantization): mc_weights_only. */
    private static void weightsOnly(KernelRegistry.Builder r) {
        for (DType w : WeightsOnlySignature.WEIGHTS) {
            Signature s = new WeightsOnlySignature(w);
            String bits = WeightsOnlySignature.suffix(w);
            r.add("Conv2D", s, WeightsOnlySignature.LAYER, Kernel.withParams("mc_weights_only", "mc_conv2d_wq" + bits + "_f32",
                    "mc_conv2d_params").taking("in", "weight", "scales", "bias", "out", "params"));
            r.add("MatMul", s, WeightsOnlySignature.DENSE_LAYER, Kernel.of("mc_weights_only", "mc_matmul_dense_wq" + bits + "_f32")
                    .taking("a", "b", "scales", "bias", "out", "m", "k", "n", "act"));
        }
    }

    /**
     * The int8 kernels on the Cortex-M4's DSP instructions (portable C definitions of them on the host) for
     * depthwise convolution, average pooling, ADD and softmax, ahead of their reference kernels: each gives
     * the reference kernel's results bit for bit, and its predicate says exactly which shapes it takes.
     */
    private static void dspDepthwisePoolAddSoftmax(KernelRegistry.Builder r) {
        Signature s8 = Signature.weighted(I8, I8, DType.INT32);
        String dw = "mc_qdepthwise";
        r.add("DepthwiseConv2DNhwc", s8, new Shapes.Rule("3x3, dilation 1, blocks of four output channels (depth multiplier 1"
                + " or a multiple of 4), double rounding, every channel's requantization within the 32-bit epilogue's bounds",
                CKernels::depthwise3x3), Kernel.withParams(dw, "mc_depthwise_conv2d_nhwc_s8_3x3", "mc_qconv2d_params")
                .narrowing(CParams.QDEPTHWISE_3X3));
        // one input channel, other windows: an ordinary convolution, on the SMLAD conv kernel (weights
        // transposed when packed): micro_speech's 10x8 layer 0.80 M instructions there (its 8-byte kernel rows
        // widened straight from the input) against 1.63 M on the depthwise kernel below; a 3x3 window is faster
        // on the 3x3 depthwise kernel above (person_detect's first layer 0.64 M against 1.89 M on the conv kernel)
        r.add("DepthwiseConv2DNhwc", s8, Shapes.SIMD_DEPTHWISE_ONE_CHANNEL, Kernel.withParams("mc_conv_simd", "mc_conv2d_s8_simd",
                "mc_qconv2d_params").packing("weight", SimdPackings.CHANNEL_PAIRS_OF_DEPTHWISE)
                .packing("bias", SimdPackings.FOLDED_BIAS_OF_DEPTHWISE));
        r.add("DepthwiseConv2DNhwc", s8, new Shapes.Rule("depth multiplier 1 or a multiple of 4",
                q -> blocksOfFour(((Conv2DNhwc) q.op()).geometry(q.ctx()))),
                Kernel.withParams(dw, "mc_depthwise_conv2d_nhwc_s8_simd", "mc_qconv2d_params"));
        r.add("AvgPool2DNhwc", Signature.all(I8), Kernel.withParams("mc_qpool_simd", "mc_avgpool2d_nhwc_s8_simd", "mc_qpool2d_params"));
        r.add("Add", Signature.all(I8), Kernel.withParams("mc_qadd_fast", "mc_add_s8_fast", "mc_qadd_params"));
        r.add("Softmax", Signature.exactly(List.of(I8), List.of(I8)),
                Kernel.withParams("mc_qsoftmax_fast", "mc_softmax_s8_fast", "mc_qsoftmax_params"));
    }

    /**
     * mc_depthwise_conv2d_nhwc_s8_3x3's precondition (mc_qdepthwise.h), which its code no longer checks: a 3x3 window
     * with dilation 1, output channels in blocks of four that all take the same taps (depth multiplier 1 with a
     * multiple of 4 channels, or a multiple of 4), and per channel the 32-bit epilogue (mc_rq_small2) exact: double
     * rounding, a multiplier >= 0, a right shift of 1 to 22, an output offset in [-255, 255], and sums below 2^29 in
     * magnitude (at most |bias| + 9 x 255 x 128).
     */
    private static boolean depthwise3x3(Query q) {
        Conv2DNhwc.Geometry g = ((Conv2DNhwc) q.op()).geometry(q.ctx());
        Window2D w = g.w();
        if (!(w.kH() == 3 && w.kW() == 3 && w.dilationH() == 1 && w.dilationW() == 1 && blocksOfFour(g) && g.outC() % 4 == 0)) {
            return false;
        }
        if (q.ctx().inputCount() > 2 && !q.ctx().input(2).isConstant()) {
            return false;
        }
        long[] bias = q.ctx().inputCount() > 2 ? q.ctx().constantLongs(2, "bias") : new long[g.outC()];
        ParamsStruct p = q.params();
        if (p == null || p.value("rounding") != Rounding.DOUBLE || Math.abs(p.integer("out_offset")) > 255) {
            return false;
        }
        long[] mult = p.table(ParamsStruct.OUT_MULT).values();
        long[] shift = p.table(ParamsStruct.OUT_SHIFT).values();
        for (int c = 0; c < g.outC(); c++) {
            if (mult[c] < 0 || shift[c] > -1 || shift[c] < -22 || Math.abs(bias[c]) + 9 * 255 * 128 >= 1L << 29) {
                return false;
            }
        }
        return true;
    }

    /** Whether the depthwise SIMD kernels' blocks of four output channels apply (else they take a scalar loop). */
    private static boolean blocksOfFour(Conv2DNhwc.Geometry g) {
        return g.depthMultiplier() == 1 || g.depthMultiplier() % 4 == 0;
    }

    /** An mc_conv_simd kernel: weights in SMLAD channel pairs, the input offset folded into the bias. */
    private static Kernel simd(String function, String paramsType) {
        return Kernel.withParams("mc_conv_simd", function, paramsType)
                .packing("weight", SimdPackings.CHANNEL_PAIRS)
                .packing("bias", SimdPackings.FOLDED_BIAS);
    }

    /**
     * Copying moves bits whatever they mean, so every other dtype is copied by the kernel for its element
     * size (void pointers: any element type converts to them without a cast).
     */
    private static void copies(KernelRegistry.Builder r) {
        for (DType d : DType.values()) {
            if (d != DType.FLOAT32) {
                r.add(KernelRegistry.COPY, Signature.all(d), Kernel.of("mc_copy_bits", "mc_copy_" + 8 * d.byteSize() + "bit"));
            }
        }
    }

    /**
     * mc_conv2d_compact_f32 is the reference kernel, the smallest (`--optimize size`); general_f32 is a
     * faster kernel for any shape and the others specialise it.
     */
    private static void conv(KernelRegistry.Builder r) {
        r.add("Conv2D", F32, Shapes.POINTWISE, conv2d("mc_conv2d_pointwise_f32"));
        r.add("Conv2D", F32, Shapes.POINTWISE_STRIDE_2, conv2d("mc_conv2d_pointwise_s2_f32"));
        r.add("Conv2D", F32, Shapes.depthwise3x3(1), conv2d("mc_conv2d_depthwise_3x3s1_f32"));
        r.add("Conv2D", F32, Shapes.depthwise3x3(2), conv2d("mc_conv2d_depthwise_3x3s2_f32"));
        r.add("Conv2D", F32, Shapes.fixedWidth(5, 1, true), conv2d("mc_conv2d_depthwise_k5s1_f32"));
        r.add("Conv2D", F32, Shapes.fixedWidth(3, 1, true), conv2d("mc_conv2d_depthwise_k3s1_f32"));
        r.add("Conv2D", F32, Shapes.fixedWidth(3, 2, true), conv2d("mc_conv2d_depthwise_k3s2_f32"));
        r.add("Conv2D", F32, Shapes.DEPTHWISE, conv2d("mc_conv2d_depthwise_f32"));
        r.add("Conv2D", F32, Shapes.fixedWidth(5, 1, false), conv2d("mc_conv2d_k5s1_f32"));
        r.add("Conv2D", F32, Shapes.fixedWidth(3, 1, false), conv2d("mc_conv2d_k3s1_f32"));
        r.add("Conv2D", F32, Shapes.fixedWidth(3, 2, false), conv2d("mc_conv2d_k3s2_f32"));
        // the keyword-spotting DS-CNN's first layer (10x4, stride 2); no depthwise variant
        r.add("Conv2D", F32, Shapes.fixedWidth(4, 2, false), conv2d("mc_conv2d_k4s2_f32"));
        r.add("Conv2D", F32, conv2d("mc_conv2d_general_f32"));
        r.add("Conv2D", F32, conv2d("mc_conv2d_compact_f32"));
        // `--optimize size`'s form of convolutions and dense layers (passes.BlockForSize)
        r.add(BlockedConv2D.OP_NAME, F32, Kernel.withParams("mc_conv2d", "mc_conv2d_blocked_f32", "mc_conv2d_blocked_params"));
    }

    private static Kernel conv2d(String function) {
        return Kernel.withParams("mc_conv2d", function, "mc_conv2d_params");
    }

    /** Square 2x2 and 3x3 windows have entry points with the window loops unrolled. */
    private static void pool(KernelRegistry.Builder r, String op, String base) {
        r.add(op, F32, Shapes.squareWindow(2), Kernel.withParams("mc_pool2d", base + "_k2_f32", "mc_pool2d_params"));
        r.add(op, F32, Shapes.squareWindow(3), Kernel.withParams("mc_pool2d", base + "_k3_f32", "mc_pool2d_params"));
        r.add(op, F32, Kernel.withParams("mc_pool2d", base + "_f32", "mc_pool2d_params"));
        r.add(op, F32, Kernel.withParams("mc_pool2d", base + "_compact_f32", "mc_pool2d_params"));
    }

    private static void unary(KernelRegistry.Builder r, String op, String function) {
        r.add(op, F32, Kernel.of("mc_activation", function));
    }

    private static void binary(KernelRegistry.Builder r, String op, String function) {
        r.add(op, F32, Kernel.withParams("mc_binary", function, "mc_bcast"));
    }
}
