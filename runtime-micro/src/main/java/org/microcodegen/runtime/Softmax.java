package org.microcodegen.runtime;

/**
 * Softmax along one axis of [outer][axisLen][inner], numerically stable (the row's maximum is
 * subtracted first), as mc_softmax.c. Every pass reads an element before writing it: in place works.
 */
public final class Softmax {
    private Softmax() {
    }

    /** The largest of a row's axisLen elements spaced inner apart from in[x]. */
    private static float rowMax(float[] in, int x, int axisLen, int inner) {
        float max = in[x];
        for (int a = 1; a < axisLen; ++a) {
            if (in[x + a * inner] > max) {
                max = in[x + a * inner];
            }
        }
        return max;
    }

    public static void softmax(float[] in, int inOff, float[] out, int outOff, int outer, int axisLen, int inner) {
        for (int o = 0; o < outer; ++o) {
            for (int i = 0; i < inner; ++i) {
                final int base = o * axisLen * inner + i;
                final int x = inOff + base;
                final int y = outOff + base;
                final float max = rowMax(in, x, axisLen, inner);
                float sum = 0.0f;
                for (int a = 0; a < axisLen; ++a) {
                    final float e = (float) Math.exp(in[x + a * inner] - max);
                    out[y + a * inner] = e;
                    sum += e;
                }
                for (int a = 0; a < axisLen; ++a) {
                    out[y + a * inner] = out[y + a * inner] / sum;
                }
            }
        }
    }

    /** log(softmax(x)) = (x - max) - log(sum(exp(x - max))), as mc_log_softmax_f32; in place works. */
    public static void logSoftmax(float[] in, int inOff, float[] out, int outOff, int outer, int axisLen, int inner) {
        for (int o = 0; o < outer; ++o) {
            for (int i = 0; i < inner; ++i) {
                final int base = o * axisLen * inner + i;
                final int x = inOff + base;
                final int y = outOff + base;
                final float max = rowMax(in, x, axisLen, inner);
                float sum = 0.0f;
                for (int a = 0; a < axisLen; ++a) {
                    sum += (float) Math.exp(in[x + a * inner] - max);
                }
                final float logSum = (float) Math.log(sum);
                for (int a = 0; a < axisLen; ++a) {
                    out[y + a * inner] = (in[x + a * inner] - max) - logSum;
                }
            }
        }
    }
}
