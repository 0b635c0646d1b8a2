package org.microcodegen.runtime;

/**
 * Batch normalisation for inference (mc_batchnorm.c): out = (in - mean) * inv_std * scale + offset
 * with inv_std = 1 / sqrt(variance + epsilon) computed once per channel. The tensor is viewed as
 * [outer][channels][inner]. In place is safe.
 */
public final class BatchNorm {
    private BatchNorm() {
    }

    public static void batchnorm(float[] in, int inOff, float[] scale, int scaleOff, float[] offset, int offsetOff,
                                 float[] mean, int meanOff, float[] variance, int varianceOff, float epsilon,
                                 float[] out, int outOff, int outer, int channels, int inner) {
        for (int c = 0; c < channels; ++c) {
            final float m = mean[meanOff + c];
            // sqrt in double then rounded is exactly sqrtf: the square root is correctly rounded either way.
            final float invStd = 1.0f / (float) Math.sqrt(variance[varianceOff + c] + epsilon);
            final float s = scale[scaleOff + c];
            final float b = offset[offsetOff + c];
            for (int o = 0; o < outer; ++o) {
                final int base = (o * channels + c) * inner;
                for (int i = 0; i < inner; ++i) {
                    out[outOff + base + i] = (in[inOff + base + i] - m) * invStd * s + b;
                }
            }
        }
    }
}
