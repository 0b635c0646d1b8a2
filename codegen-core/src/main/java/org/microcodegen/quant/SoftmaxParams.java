package org.microcodegen.quant;

/**
 * What TFLite's SoftmaxPrepare derives for a quantized SOFTMAX (mc_qsoftmax_params): the input
 * multiplier and shift that rescale an input difference, and for int8 the smallest difference
 * that still counts (diff_min). Exactly TFLite's arithmetic, including its build differences:
 * <ul>
 * <li>int8 input: PreprocessSoftmaxScaling(beta, input_scale, 5), in double, the real multiplier
 * capped at 2^30 - 1 in the single-rounding build and 2^31 - 1 otherwise; diff_min =
 * -CalculateInputRadius(5, shift).</li>
 * <li>int16 input: QuantizeMultiplier(input_scale * beta / (10 / 65535)); LiteRT multiplies the two
 * floats in float, TFLite Micro widens both to double first.</li>
 * </ul>
 */
public record SoftmaxParams(int inputMultiplier, int inputLeftShift, int diffMin) {

    private static final int SCALED_DIFF_INTEGER_BITS = 5;

    /** int8 input (int8 or int16 output). */
    public static SoftmaxParams int8(float beta, float inputScale, Rounding rounding) {
        double maxReal = rounding == Rounding.SINGLE ? (1L << 30) - 1.0 : (1L << 31) - 1.0;
        double real = Math.min((double) beta * (double) inputScale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)),
                maxReal);
        QuantizedMultiplier m = QuantizedMultiplier.of(real, rounding == Rounding.SINGLE);
        return new SoftmaxParams(m.multiplier(), m.shift(), -inputRadius(SCALED_DIFF_INTEGER_BITS, m.shift()));
    }

    /**
     * int16 input. {@code liteRt} selects LiteRT's float product of scale and beta (activations.cc)
     * over TFLite Micro's double one (softmax_common.cc); they differ only when the float product rounds.
     */
    public static SoftmaxParams int16(float beta, float inputScale, Rounding rounding, boolean liteRt) {
        double scaleTimesBeta = liteRt ? (double) (inputScale * beta) : (double) inputScale * (double) beta;
        QuantizedMultiplier m = QuantizedMultiplier.of(scaleTimesBeta / (10.0 / 65535.0),
                rounding == Rounding.SINGLE);
        return new SoftmaxParams(m.multiplier(), m.shift(), 0);
    }

    /** TFLite's CalculateInputRadius(integerBits, leftShift) with 31 total signed bits. */
    static int inputRadius(int integerBits, int leftShift) {
        double maxInputRescaled = 1.0 * ((1 << integerBits) - 1) * (1L << (31 - integerBits))
                / (1L << leftShift);
        return (int) Math.floor(maxInputRescaled);
    }
}
