package org.microcodegen.runtime;

/** out = in + bias broadcast along the channel axis of [outer][channels][inner] (mc_bias_add.c). In place is safe. */
public final class BiasAdd {
    private BiasAdd() {
    }

    public static void biasAdd(float[] in, int inOff, float[] bias, int biasOff, float[] out, int outOff,
                               int outer, int channels, int inner) {
        int p = 0;
        for (int o = 0; o < outer; ++o) {
            for (int c = 0; c < channels; ++c) {
                final float b = bias[biasOff + c];
                for (int i = 0; i < inner; ++i, ++p) {
                    out[outOff + p] = in[inOff + p] + b;
                }
            }
        }
    }
}
