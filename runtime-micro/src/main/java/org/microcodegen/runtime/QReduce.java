package org.microcodegen.runtime;

/**
 * Quantized MEAN over H and W of an NHWC tensor, int8 (byte[]) and int16 (short[]) (mc_qreduce.c):
 * per batch and channel, sum(q - inZeroPoint) requantized, divided by divisor rounding half away
 * from zero (skipped when it is 1: LiteRT folds 1 / (H*W) into the multiplier), plus outZeroPoint,
 * saturated to the type.
 */
public final class QReduce {
    private QReduce() {
    }

    /** mc_qmean_params. */
    public static final class MeanParams {
        int batch;
        int inH;
        int inW;
        int channels;
        int inZeroPoint;
        int outZeroPoint;
        int mult;
        int shift;
        int divisor = 1;
        int rounding;

        public MeanParams batch(int v) { batch = v; return this; }
        public MeanParams inH(int v) { inH = v; return this; }
        public MeanParams inW(int v) { inW = v; return this; }
        public MeanParams channels(int v) { channels = v; return this; }
        public MeanParams inZeroPoint(int v) { inZeroPoint = v; return this; }
        public MeanParams outZeroPoint(int v) { outZeroPoint = v; return this; }
        public MeanParams mult(int v) { mult = v; return this; }
        public MeanParams shift(int v) { shift = v; return this; }
        public MeanParams divisor(int v) { divisor = v; return this; }
        public MeanParams rounding(int v) { rounding = v; return this; }
    }

    /** One output from a channel's sum of (q - inZeroPoint) over the H*W cells. */
    static int meanOf(int sum, MeanParams p, int lo, int hi) {
        int acc = Quant.requantize(sum, p.mult, p.shift, p.rounding);
        if (p.divisor > 1) {
            acc = Pool2DNhwc.roundedAverage(acc, p.divisor);
        }
        acc += p.outZeroPoint;
        return Math.min(Math.max(acc, lo), hi);
    }

    public static void meanHw(byte[] in, int inOff, byte[] out, int outOff, MeanParams p) {
        final int cells = p.inH * p.inW;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            final int img = inOff + b * cells * p.channels;
            for (int c = 0; c < p.channels; ++c) {
                int sum = 0;
                for (int i = 0; i < cells; ++i) {
                    sum += in[img + i * p.channels + c] - p.inZeroPoint;
                }
                out[o++] = (byte) meanOf(sum, p, -128, 127);
            }
        }
    }

    public static void meanHw(short[] in, int inOff, short[] out, int outOff, MeanParams p) {
        final int cells = p.inH * p.inW;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            final int img = inOff + b * cells * p.channels;
            for (int c = 0; c < p.channels; ++c) {
                int sum = 0;
                for (int i = 0; i < cells; ++i) {
                    sum += in[img + i * p.channels + c] - p.inZeroPoint;
                }
                out[o++] = (short) meanOf(sum, p, -32768, 32767);
            }
        }
    }
}
