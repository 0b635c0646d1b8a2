package org.microcodegen.quant;

/**
 * mc_qmul_params / QBinary.MulParams for MUL (int8, int16): offsets are the negated input zero
 * points, the multiplier is in1Scale * in2Scale / outScale, formed in float by LiteRT's mul.cc and
 * in double by TFLM's (see {@link Reference}). The activation range is computed separately.
 */
public record MulParams(int in1Offset, int in2Offset, int outOffset, int outMultiplier, int outShift) {

    public static MulParams derive(float in1Scale, int in1ZeroPoint, float in2Scale, int in2ZeroPoint,
                                   float outScale, int outZeroPoint, Reference reference) {
        final double real = reference == Reference.LITERT
                ? (double) (in1Scale * in2Scale / outScale)
                : (double) in1Scale * (double) in2Scale / (double) outScale;
        final QuantizedMultiplier m = QuantizedMultiplier.of(real);
        return new MulParams(-in1ZeroPoint, -in2ZeroPoint, outZeroPoint, m.multiplier(), m.shift());
    }
}
