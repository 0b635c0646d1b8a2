package org.microcodegen.runtime;

/**
 * Integer requantization bit for bit as TFLite's reference kernels (mc_quant.h): the accumulator
 * times {@code multiplier * 2^(shift - 31)}, rounded the way the chosen build of TFLite rounds it.
 * {@link #SINGLE} is one rounding of the 64-bit product (TFLITE_SINGLE_ROUNDING, LiteRT's
 * reference kernels); {@link #DOUBLE} is gemmlowp's saturating rounding doubling high multiply
 * followed by a rounding divide by a power of two (TFLite Micro's default). Java's int and long
 * arithmetic wraps and {@code >>} is arithmetic, which is exactly what TFLite relies on.
 */
public final class Quant {
    /** mc_rounding MC_ROUND_SINGLE. */
    public static final int SINGLE = 0;
    /** mc_rounding MC_ROUND_DOUBLE. */
    public static final int DOUBLE = 1;
    /**
     * mc_rounding MC_ROUND_FLOAT: ONNX Runtime's float requantization (MLAS): the int32 sum as a
     * float times the float scale whose bits the multiplier holds, rounded half to even.
     */
    public static final int FLOAT = 2;

    private Quant() {
    }

    public static int clamp(int v, int lo, int hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    /** round(a * b / 2^31), ties away from zero; INT_MIN * INT_MIN saturates to INT_MAX. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : 1 - (1L << 30);
        return (int) ((ab + nudge) / (1L << 31));   // Java division truncates toward zero, as C's
    }

    /** x / 2^exponent rounded to nearest, ties away from zero; 0 <= exponent <= 31. */
    public static int roundingDivideByPot(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** MultiplyByQuantizedMultiplier for an int32 accumulator; shift in [-31, 30], > 0 is a left shift. */
    public static int requantize(int x, int multiplier, int shift, int rounding) {
        if (rounding == FLOAT) {
            float v = (float) x * Float.intBitsToFloat(multiplier);
            v = v < -4194304.0f ? -4194304.0f : (v > 4194304.0f ? 4194304.0f : v);
            return (int) Math.rint(v);
        }
        if (rounding == SINGLE) {
            int totalShift = 31 - shift;
            long round = 1L << (totalShift - 1);
            return (int) (((long) x * multiplier + round) >> totalShift);
        }
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return roundingDivideByPot(saturatingRoundingDoublingHighMul(x << leftShift, multiplier),
                rightShift);
    }

    /**
     * MultiplyByQuantizedMultiplier for an int64 accumulator (16x8 kernels): the multiplier rounded
     * to 16 bits, then one rounding; both TFLite builds agree, rounding is accepted for symmetry.
     */
    public static int requantize64(long x, int multiplier, int shift, int rounding) {
        int reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        long round = 1L << (totalShift - 1);
        return (int) ((x * reduced + round) >> totalShift);
    }

    /**
     * LiteRT's FULLY_CONNECTED 16x8 (mc_requantize64_full): the full multiplier applied to the int64
     * sum with one rounding, in wrapping 64-bit arithmetic. TFLite Micro uses {@link #requantize64}.
     */
    public static int requantize64Full(long x, int multiplier, int shift) {
        int totalShift = 31 - shift;
        long round = 1L << (totalShift - 1);
        return (int) ((x * multiplier + round) >> totalShift);
    }
}
