package org.microcodegen.runtime;

/**
 * Weights-only quantization (mc_weights_only.c): float activations, weights stored as integers with one
 * float scale per output channel, w = scales[c] * q, the product formed where the float kernel reads the
 * float weight and summed in the float kernels' order, so a layer gives Conv2D's / MatMul's bits for the
 * dequantized weights. Storage: byte (int8), short (int16), or two 4-bit values per byte (element 2i in
 * the low nibble of byte i, 2i+1 in the high one), over the whole tensor; weight offsets count elements
 * of the stored array (bytes for the packed form, which starts on a byte).
 */
public final class WeightsOnly {
    private WeightsOnly() {
    }

    /** Where a kernel reads integer weight i of a layer. */
    private interface Weights {
        int get(int i);
    }

    private static Weights int8(byte[] w, int off) {
        return i -> w[off + i];
    }

    private static Weights int16(short[] w, int off) {
        return i -> w[off + i];
    }

    /** A nibble as two's complement: (v ^ 8) - 8. */
    private static Weights packed4(byte[] w, int off) {
        return i -> (((w[off + (i >> 1)] >> ((i & 1) << 2)) & 0xF) ^ 8) - 8;
    }

    public static void conv2dW8(float[] in, int inOff, byte[] w, int wOff, float[] scales, int sOff, float[] bias, int biasOff,
                                float[] out, int outOff, Conv2D.Params p) {
        conv2d(in, inOff, int8(w, wOff), scales, sOff, bias, biasOff, out, outOff, p);
    }

    public static void conv2dW16(float[] in, int inOff, short[] w, int wOff, float[] scales, int sOff, float[] bias, int biasOff,
                                 float[] out, int outOff, Conv2D.Params p) {
        conv2d(in, inOff, int16(w, wOff), scales, sOff, bias, biasOff, out, outOff, p);
    }

    public static void conv2dW4(float[] in, int inOff, byte[] w, int wOff, float[] scales, int sOff, float[] bias, int biasOff,
                                float[] out, int outOff, Conv2D.Params p) {
        conv2d(in, inOff, packed4(w, wOff), scales, sOff, bias, biasOff, out, outOff, p);
    }

    public static void matmulDenseW8(float[] a, int aOff, byte[] b, int bOff, float[] scales, int sOff, float[] bias, int biasOff,
                                     float[] out, int outOff, int m, int k, int n, int act) {
        dense(a, aOff, int8(b, bOff), scales, sOff, bias, biasOff, out, outOff, m, k, n, act);
    }

    public static void matmulDenseW16(float[] a, int aOff, short[] b, int bOff, float[] scales, int sOff, float[] bias, int biasOff,
                                      float[] out, int outOff, int m, int k, int n, int act) {
        dense(a, aOff, int16(b, bOff), scales, sOff, bias, biasOff, out, outOff, m, k, n, act);
    }

    public static void matmulDenseW4(float[] a, int aOff, byte[] b, int bOff, float[] scales, int sOff, float[] bias, int biasOff,
                                     float[] out, int outOff, int m, int k, int n, int act) {
        dense(a, aOff, packed4(b, bOff), scales, sOff, bias, biasOff, out, outOff, m, k, n, act);
    }

    /** Every output from its bias over input channel, kernel row, kernel column of the taps inside the input. */
    private static void conv2d(float[] in, int inOff, Weights w, float[] scales, int sOff, float[] bias, int biasOff,
                               float[] out, int outOff, Conv2D.Params p) {
        final int icg = p.inC / p.groups;
        final int ocg = p.outC / p.groups;
        final int plane = p.inH * p.inW;
        final int taps = p.kH * p.kW;
        int o = outOff;
        for (int n = 0; n < p.batch; ++n) {
            for (int oc = 0; oc < p.outC; ++oc) {
                final float scale = scales[sOff + oc];
                final int inG = inOff + (n * p.inC + oc / ocg * icg) * plane;
                final int wOc = oc * icg * taps;
                for (int oh = 0; oh < p.outH; ++oh) {
                    final int ih0 = oh * p.strideH - p.padTop;
                    for (int ow = 0; ow < p.outW; ++ow) {
                        final int iw0 = ow * p.strideW - p.padLeft;
                        float s = bias != null ? bias[biasOff + oc] : 0.0f;
                        for (int ic = 0; ic < icg; ++ic) {
                            final int x = inG + ic * plane;
                            for (int kh = 0; kh < p.kH; ++kh) {
                                final int ih = ih0 + kh * p.dilationH;
                                if (ih < 0 || ih >= p.inH) {
                                    continue;
                                }
                                final int wRow = wOc + (ic * p.kH + kh) * p.kW;
                                for (int kw = 0; kw < p.kW; ++kw) {
                                    final int iw = iw0 + kw * p.dilationW;
                                    if (iw >= 0 && iw < p.inW) {
                                        s += in[x + ih * p.inW + iw] * (scale * (float) w.get(wRow + kw));
                                    }
                                }
                            }
                        }
                        out[o++] = Act.apply(s, p.act);
                    }
                }
            }
        }
    }

    /** Each output a dot product over k from 0, then the bias (MatMul.matmulDense's order). */
    private static void dense(float[] a, int aOff, Weights w, float[] scales, int sOff, float[] bias, int biasOff,
                              float[] out, int outOff, int m, int k, int n, int act) {
        for (int i = 0; i < m; ++i) {
            final int x = aOff + i * k;
            for (int j = 0; j < n; ++j) {
                final float scale = scales[sOff + j];
                float s = 0.0f;
                for (int kk = 0; kk < k; ++kk) {
                    s += a[x + kk] * (scale * (float) w.get(j * k + kk));
                }
                out[outOff + i * n + j] = Act.apply(bias != null ? s + bias[biasOff + j] : s, act);
            }
        }
    }
}
