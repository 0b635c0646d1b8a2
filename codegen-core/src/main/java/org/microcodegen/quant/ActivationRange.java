package org.microcodegen.quant;

import org.microcodegen.ir.DType;

/**
 * A fused activation as a clamp in the output's quantized domain: TFLite's
 * CalculateActivationRangeQuantized. The bounds 0, 6, -1 and 1 are quantized in float
 * ({@code zeroPoint + (int) round(f / scale)}, round half away from zero) and intersected with the
 * range of the output type.
 */
public final class ActivationRange {
    /** TfLiteFusedActivation kinds that have a quantized range. */
    public enum Kind { NONE, RELU, RELU6, RELU_N1_TO_1 }

    private ActivationRange() {
    }

    /** Returns {act_min, act_max} for an INT8, UINT8 or INT16 output. */
    public static int[] of(Kind kind, float scale, int zeroPoint, DType type) {
        int qmin;
        int qmax;
        switch (type) {
            case INT8 -> { qmin = -128; qmax = 127; }
            case UINT8 -> { qmin = 0; qmax = 255; }
            case INT16 -> { qmin = -32768; qmax = 32767; }
            default -> throw new IllegalArgumentException("no quantized activation range for "
                    + type.displayName());
        }
        return switch (kind) {
            case NONE -> new int[] {qmin, qmax};
            case RELU -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)), qmax};
            case RELU6 -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)),
                    Math.min(qmax, quantize(6f, scale, zeroPoint))};
            case RELU_N1_TO_1 -> new int[] {Math.max(qmin, quantize(-1f, scale, zeroPoint)),
                    Math.min(qmax, quantize(1f, scale, zeroPoint))};
        };
    }

    /**
     * zeroPoint + (int32) roundf(f / scale), the division and rounding in float as in TFLite. A
     * quotient beyond int32 (a pathological scale) saturates here; in C++ that cast is undefined.
     */
    static int quantize(float f, float scale, int zeroPoint) {
        float q = f / scale;
        return zeroPoint + (int) (float) QuantizedMultiplier.roundHalfAwayFromZero(q);
    }
}
