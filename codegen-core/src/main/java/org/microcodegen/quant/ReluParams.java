package org.microcodegen.quant;

import org.microcodegen.ir.DType;

/**
 * mc_qrelu_params / QActivation.ReluParams for RELU, RELU6 and RELU_N1_TO_1 (int8, int16), as
 * TFLite's ReluPrepare and QuantizedReluX compute them: the multiplier of inScale / outScale (a float
 * division in LiteRT, double in TFLM, see {@link Reference}), and the bounds
 * outZeroPoint + roundf(bound / outScale), limited to the type (no upper bound for RELU).
 */
public record ReluParams(int inZeroPoint, int outZeroPoint, int multiplier, int shift, int actMin, int actMax) {

    /** The three clamps TFLite has as standalone ops. */
    public enum Kind {
        RELU(0.0f, Float.POSITIVE_INFINITY),
        RELU6(0.0f, 6.0f),
        RELU_N1_TO_1(-1.0f, 1.0f);

        final float min;
        final float max;

        Kind(float min, float max) {
            this.min = min;
            this.max = max;
        }
    }

    public static ReluParams derive(Kind kind, float inScale, int inZeroPoint, float outScale, int outZeroPoint,
                                    DType dtype, Reference reference) {
        final int typeMin;
        final int typeMax;
        switch (dtype) {
            case INT8 -> {
                typeMin = -128;
                typeMax = 127;
            }
            case INT16 -> {
                typeMin = -32768;
                typeMax = 32767;
            }
            default -> throw new IllegalArgumentException("quantized " + kind + " takes int8 or int16, not "
                    + dtype.displayName());
        }
        final double real = reference == Reference.LITERT
                ? (double) (inScale / outScale)
                : (double) inScale / (double) outScale;
        final QuantizedMultiplier m = QuantizedMultiplier.of(real);
        final int actMin = Math.max(typeMin, outZeroPoint + (int) roundf(kind.min / outScale));
        final int actMax = kind.max == Float.POSITIVE_INFINITY
                ? typeMax
                : Math.min(typeMax, outZeroPoint + (int) roundf(kind.max / outScale));
        return new ReluParams(inZeroPoint, outZeroPoint, m.multiplier(), m.shift(), actMin, actMax);
    }

    /** C's roundf: half away from zero (|x| + 0.5 is exact in double for every float x). */
    static float roundf(float x) {
        return (float) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
    }
}
