package org.microcodegen.quant;

/**
 * mc_qhard_swish_params / QNonlinear.HardSwishParams (int8 HARD_SWISH), as TFLite's HardSwishPrepare
 * (kernels/activations.cc) computes them, in single precision where it does: the "hires" input
 * scale inScale / 128, the reluish scale 3 / 32768 (the scale on which 3.0 is 32768), the float
 * quotients hires / outScale and hires / reluish widened to double for QuantizeMultiplier, each Q31
 * multiplier then rounded to Q15 (DownScaleInt32ToInt16Multiplier). Exponents the kernel cannot
 * apply as TFLite does (its 16-bit rounding shift is exact only up to 15 bits) are refused.
 */
public record HardSwishParams(int inZeroPoint, int outZeroPoint, int reluishMultiplier, int reluishExponent,
                              int outMultiplier, int outExponent) {

    public static HardSwishParams derive(float inScale, int inZeroPoint, float outScale, int outZeroPoint) {
        final float hires = (1.0f / 128.0f) * inScale;
        final float reluishScale = 3.0f / 32768.0f;
        final QuantizedMultiplier out = QuantizedMultiplier.of((double) (hires / outScale));
        final QuantizedMultiplier reluish = QuantizedMultiplier.of((double) (hires / reluishScale));
        if (out.shift() > 0 || out.shift() < -15) {
            throw new IllegalArgumentException("HardSwish: the output multiplier's exponent " + out.shift()
                    + " is outside [-15, 0] (input scale " + inScale + ", output scale " + outScale + ")");
        }
        if (reluish.shift() < -15 || reluish.shift() > 30) {
            throw new IllegalArgumentException("HardSwish: the input scale " + inScale + " is outside the supported range");
        }
        return new HardSwishParams(inZeroPoint, outZeroPoint, toQ15(reluish.multiplier()), reluish.shift(),
                toQ15(out.multiplier()), out.shift());
    }

    /** TFLite's DownScaleInt32ToInt16Multiplier: a Q31 multiplier rounded to Q15, saturating at 32767. */
    static int toQ15(int q31) {
        if (q31 >= Integer.MAX_VALUE - (1 << 15)) {
            return 32767;
        }
        return (q31 + (1 << 15)) >> 16;
    }
}
