package org.microcodegen.quant;

/**
 * mc_qmean_params / QReduce.MeanParams (MEAN over H and W, int8 and int16): the multiplier of
 * inScale / outScale with each scale widened to double (reduce.cc's Prepare); the kernel divides by
 * H*W itself.
 */
public record MeanParams(int inZeroPoint, int outZeroPoint, int multiplier, int shift) {

    public static MeanParams derive(float inScale, int inZeroPoint, float outScale, int outZeroPoint) {
        final QuantizedMultiplier m = QuantizedMultiplier.of((double) inScale / (double) outScale);
        return new MeanParams(inZeroPoint, outZeroPoint, m.multiplier(), m.shift());
    }
}
