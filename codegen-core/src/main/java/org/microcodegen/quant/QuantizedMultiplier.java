package org.microcodegen.quant;

/**
 * A real scale factor as TFLite's integer kernels apply it: {@code real = multiplier * 2^(shift - 31)}
 * with {@code multiplier} in [2^30, 2^31) (or 0), {@code shift > 0} a left shift. {@link #of(double)}
 * is TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal/quantization_util.cc), to the
 * bit: frexp, the mantissa times 2^31 rounded half away from zero, a mantissa that rounds up to
 * 2^31 halved with the shift raised, and a shift below -31 flushed to (0, 0).
 */
public record QuantizedMultiplier(int multiplier, int shift) {

    /** TFLite's QuantizeMultiplier as TFLite Micro builds it (double rounding, no upper clamp). */
    public static QuantizedMultiplier of(double real) {
        return of(real, false);
    }

    /**
     * QuantizeMultiplier of the given TFLite build: with {@code singleRounding}
     * (TFLITE_SINGLE_ROUNDING, LiteRT's reference kernels) a shift above 30, which single-rounding
     * requantization cannot apply, saturates to (2^31 - 1, 30).
     */
    public static QuantizedMultiplier of(double real, boolean singleRounding) {
        if (real == 0.0) {
            return new QuantizedMultiplier(0, 0);
        }
        if (Double.isNaN(real) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("cannot quantize the multiplier " + real);
        }
        int shift = frexpExponent(real);
        double q = Math.scalb(real, -shift);                 // in [0.5, 1) (or (-1, -0.5])
        long qFixed = (long) roundHalfAwayFromZero(q * (1L << 31));
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            ++shift;
        }
        if (shift < -31) {
            shift = 0;
            qFixed = 0;
        }
        if (singleRounding && shift > 30) {
            shift = 30;
            qFixed = (1L << 31) - 1;
        }
        return new QuantizedMultiplier((int) qFixed, shift);
    }

    /** The e of C's frexp: |real| = m * 2^e with m in [0.5, 1); real finite and non-zero. */
    static int frexpExponent(double real) {
        int e = Math.getExponent(real);
        if (e == Double.MIN_EXPONENT - 1) {                  // subnormal: normalise first
            return Math.getExponent(real * 0x1p54) - 54 + 1;
        }
        return e + 1;
    }

    /** C's round() (TfLiteRound): ties away from zero. Exact: a double's fraction part is exact. */
    static double roundHalfAwayFromZero(double x) {
        double a = Math.abs(x);
        double t = Math.floor(a);
        if (a - t >= 0.5) {
            t += 1.0;
        }
        return Math.copySign(t, x);
    }

    /** The real value this pair stands for: multiplier * 2^(shift - 31). */
    public double real() {
        return Math.scalb((double) multiplier, shift - 31);
    }
}
