package org.microcodegen.ops;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.TensorType;
import org.microcodegen.quant.ActivationRange;
import org.microcodegen.quant.ConvMultipliers;
import org.microcodegen.quant.QuantizedMultiplier;
import org.microcodegen.quant.Reference;
import org.microcodegen.quant.Rounding;

/**
 * The parameter fields that TFLite-style kernels share, in one place: for float data the fused
 * activation as a clamp in real numbers; for int8 and int16 data the offsets, the clamp in the
 * output's quantized domain, the rounding and the requantization multipliers, derived from the
 * tensors' quantization exactly as TFLite derives them (org.microcodegen.quant).
 */
final class IntegerParams {
    private IntegerParams() {
    }

    /**
     * How a requantizing kernel rounds to reproduce the compile's reference. TFLite Micro's default build
     * rounds twice everywhere. LiteRT's reference op resolver was measured against our kernels on its own
     * outputs (tests/fixtures/tflite): its FULLY_CONNECTED rounds once (ad01, hello_world, the fc fixtures
     * differ in the last bit otherwise), its convolutions and every other kernel twice (person_detect, the
     * conv and depthwise fixtures, the int16 softmax).
     */
    static Rounding rounding(OpContext ctx, boolean fullyConnected) {
        if (ctx.reference() == Reference.ONNXRUNTIME) {
            // only the weighted layers (requantizing below) reproduce ONNX Runtime; a near answer is no answer
            throw ctx.error("has no kernel that reproduces ONNX Runtime's integer arithmetic for it");
        }
        return ctx.reference() == Reference.LITERT && fullyConnected ? Rounding.SINGLE : Rounding.DOUBLE;
    }

    static boolean isInteger(TensorType t) {
        return t.dtype() == DType.INT8 || t.dtype() == DType.INT16;
    }

    /** The tensor's single scale and zero point, or an error naming the node when it has none or several. */
    static Quantization perTensor(OpContext ctx, TensorType t, String role) {
        Quantization q = t.quantization();
        if (q == null) {
            throw ctx.error("its " + role + " is " + t.dtype().displayName() + " without quantization parameters");
        }
        if (q.perChannel()) {
            throw ctx.error("its " + role + " has per-channel quantization, which this op does not take");
        }
        return q;
    }

    static int zeroPoint(OpContext ctx, TensorType t, String role) {
        return perTensor(ctx, t, role).zeroPoints().get(0);
    }

    /** The tensor's single scale, which must be positive: the kernels' multipliers divide by it or by a sum of them. */
    static float scale(OpContext ctx, TensorType t, String role) {
        float s = perTensor(ctx, t, role).scales().get(0);
        if (!(s > 0 && Float.isFinite(s))) {
            throw ctx.error("its " + role + " has quantization scale " + s + "; integer kernels need a positive finite scale");
        }
        return s;
    }

    /**
     * act_min and act_max: for float output the activation's real interval, for integer output that
     * interval quantized and intersected with the output type's range.
     */
    static void activationRange(ParamsStruct.Builder p, OpContext ctx, FusedActivation act) {
        TensorType out = ctx.outputType(0);
        if (!isInteger(out)) {
            float[] range = act.realRange();
            p.set("act_min", range[0]).set("act_max", range[1]);
            return;
        }
        Quantization q = perTensor(ctx, out, "output");
        int[] range = ActivationRange.of(kind(act), q.scales().get(0), q.zeroPoints().get(0), out.dtype());
        p.set("act_min", range[0]).set("act_max", range[1]);
    }

    private static ActivationRange.Kind kind(FusedActivation act) {
        return switch (act) {
            case NONE -> ActivationRange.Kind.NONE;
            case RELU -> ActivationRange.Kind.RELU;
            case RELU6 -> ActivationRange.Kind.RELU6;
            case RELU_N1_TO_1 -> ActivationRange.Kind.RELU_N1_TO_1;
        };
    }

    /**
     * The fields of a kernel that multiplies input 0 by the weight operand {@code weightIndex},
     * accumulates and requantizes per output channel (conv, depthwise, transpose conv, fully
     * connected): in_offset, out_offset, rounding, out_mult[c], out_shift[c]; and the activation range.
     * Float data gets only the activation range. A fully connected layer ({@code fullyConnected}) with one
     * weight scale derives its single multiplier as TFLite's FULLY_CONNECTED does (the two scales multiplied
     * in float first), and says per_channel.
     */
    static void requantizing(ParamsStruct.Builder p, OpContext ctx, FusedActivation act, int weightIndex, boolean fullyConnected) {
        TensorType in = ctx.type(0);
        TensorType out = ctx.outputType(0);
        activationRange(p, ctx, act);
        if (!isInteger(in)) {
            return;
        }
        Quantization inQ = perTensor(ctx, in, "input");
        Quantization outQ = perTensor(ctx, out, "output");
        Quantization wQ = ctx.type(weightIndex).quantization();
        if (wQ == null) {
            throw ctx.error("its weight is " + ctx.type(weightIndex).dtype().displayName() + " without quantization parameters");
        }
        int channels = out.shape().dim(out.shape().rank() - 1);
        float[] wScales = new float[wQ.scales().size()];
        for (int i = 0; i < wScales.length; i++) {
            wScales[i] = wQ.scales().get(i);
            if (wQ.zeroPoints().get(i) != 0) {
                throw ctx.error("its weight has zero point " + wQ.zeroPoints().get(i) + "; integer kernels take symmetric weights");
            }
        }
        if (wScales.length != 1 && wScales.length != channels) {
            throw ctx.error("its weight has " + wScales.length + " scales for " + channels + " output channels");
        }
        Rounding rounding;
        int[][] m;
        if (ctx.reference() == Reference.ONNXRUNTIME) {
            rounding = Rounding.FLOAT;
            boolean perTensor = fullyConnected && wScales.length == 1;
            m = ConvMultipliers.onnxRuntime(inQ.scales().get(0), wScales, outQ.scales().get(0), perTensor ? 1 : channels);
            if (fullyConnected) {
                p.set("per_channel", perTensor ? 0 : 1);
            }
        } else {
            rounding = rounding(ctx, fullyConnected);
            if (fullyConnected && wScales.length == 1) {
                QuantizedMultiplier q = ConvMultipliers.perTensor(inQ.scales().get(0), wScales[0], outQ.scales().get(0), rounding);
                m = new int[][] {{q.multiplier()}, {q.shift()}};
                p.set("per_channel", 0);
            } else {
                m = ConvMultipliers.perChannel(inQ.scales().get(0), wScales, outQ.scales().get(0), channels, rounding);
                if (fullyConnected) {
                    p.set("per_channel", 1);
                }
            }
        }
        p.set("in_offset", -inQ.zeroPoints().get(0))
                .set("out_offset", outQ.zeroPoints().get(0))
                .rounding("rounding", rounding)
                .table(ParamsStruct.OUT_MULT, m[0])
                .table(ParamsStruct.OUT_SHIFT, fullyConnected ? DType.INT32 : DType.INT8, shifts(ctx, m[1]));
    }

    /**
     * The per-channel shifts as one byte each (the kernels' {@code const int8_t *out_shift}): TFLite's
     * multipliers have shifts in [-31, 30], so an int32 table would spend three bytes of flash per channel
     * on sign bits. A shift outside a byte (a multiplier above 2^127, double rounding) is refused. Fully
     * connected layers keep int32 shifts: a dense layer has few channels (ad01: 10 B of tables saved), and
     * the byte load cost the SIMD dense kernel's per-output epilogue 2.5 instructions (ad01 +0.7%, measured).
     */
    private static long[] shifts(OpContext ctx, int[] shifts) {
        long[] b = new long[shifts.length];
        for (int i = 0; i < shifts.length; i++) {
            if (shifts[i] < Byte.MIN_VALUE || shifts[i] > Byte.MAX_VALUE) {
                throw ctx.error("its output multiplier of channel " + i + " needs a shift of " + shifts[i]
                        + ", outside the kernels' int8 shift table");
            }
            b[i] = shifts[i];
        }
        return b;
    }
}
