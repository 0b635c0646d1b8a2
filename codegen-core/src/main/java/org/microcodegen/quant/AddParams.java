package org.microcodegen.quant;

import org.microcodegen.ir.DType;

/**
 * mc_qadd_params / QBinary.AddParams for ADD and SUB (int8, int16), as TFLite's add.cc and sub.cc
 * Prepare compute them (the general path; LiteRT and TFLM agree): both inputs are brought to twice
 * the larger input scale, shifted left by 20 bits (int8) or 15 (int16) for headroom, and the sum is
 * scaled to the output. Every real multiplier is below one (QuantizeMultiplierSmallerThanOneExp), so
 * every shift is <= 0. The activation range is computed separately.
 */
public record AddParams(int leftShift,
                        int in1Offset, int in1Multiplier, int in1Shift,
                        int in2Offset, int in2Multiplier, int in2Shift,
                        int outOffset, int outMultiplier, int outShift) {

    public static AddParams derive(float in1Scale, int in1ZeroPoint, float in2Scale, int in2ZeroPoint,
                                   float outScale, int outZeroPoint, DType dtype) {
        final int leftShift = switch (dtype) {
            case INT8 -> 20;
            case INT16 -> 15;
            default -> throw new IllegalArgumentException("quantized ADD/SUB takes int8 or int16, not " + dtype.displayName());
        };
        // 2 * max(float, float) is exact in float; the ratios are taken in double.
        final double twiceMaxInputScale = 2.0 * (double) Math.max(in1Scale, in2Scale);
        final double realIn1 = (double) in1Scale / twiceMaxInputScale;
        final double realIn2 = (double) in2Scale / twiceMaxInputScale;
        final double realOut = twiceMaxInputScale / ((double) (1 << leftShift) * (double) outScale);
        final QuantizedMultiplier m1 = smallerThanOne(realIn1);
        final QuantizedMultiplier m2 = smallerThanOne(realIn2);
        final QuantizedMultiplier mo = smallerThanOne(realOut);
        return new AddParams(leftShift, -in1ZeroPoint, m1.multiplier(), m1.shift(),
                -in2ZeroPoint, m2.multiplier(), m2.shift(), outZeroPoint, mo.multiplier(), mo.shift());
    }

    /** TFLite's QuantizeMultiplierSmallerThanOneExp: QuantizeMultiplier, which must give a shift <= 0. */
    static QuantizedMultiplier smallerThanOne(double real) {
        final QuantizedMultiplier m = QuantizedMultiplier.of(real);
        if (m.shift() > 0) {
            throw new IllegalArgumentException("scale ratio " + real + " is not below one");
        }
        return m;
    }
}
