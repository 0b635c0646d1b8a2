package org.microcodegen.runtime;

/**
 * TRANSPOSE_CONV, NHWC, weights [outC][kH][kW][inC] (mc_transpose_conv.c), bit for bit as TFLite's
 * reference kernels. Takes Conv2DNhwc's params (in* the op's input, out* its output, padTop/padLeft
 * TFLite's computed padding; dilation and depthMultiplier unused). Each output gathers the input
 * pixels (iy, ix) with iy * stride - pad + ky == oy instead of TFLite's scatter into a scratch
 * accumulator, so nothing is allocated; the float sum keeps TFLite's order (input row, column,
 * channel).
 */
public final class TransposeConv {
    private TransposeConv() {
    }

    /** The input rows reaching output row o: [first, end), the first one's kernel tap kFirst. */
    static int first(int o, int pad, int stride, int kSize) {
        int lo = o + pad - kSize + 1;
        return lo <= 0 ? 0 : (lo + stride - 1) / stride;
    }

    static int end(int o, int pad, int stride, int inSize, int first) {
        int at = o + pad;
        int e = at < 0 ? 0 : Math.min(at / stride + 1, inSize);
        return Math.max(e, first);
    }

    public static void transposeConvS8(byte[] in, int inOff, byte[] w, int wOff, int[] bias, int biasOff,
                                       byte[] out, int outOff, Conv2DNhwc.QParams p) {
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oy = 0; oy < p.outH; ++oy) {
                int y0 = first(oy, p.padTop, p.strideH, p.kH);
                int y1 = end(oy, p.padTop, p.strideH, p.inH, y0);
                for (int ox = 0; ox < p.outW; ++ox) {
                    int x0 = first(ox, p.padLeft, p.strideW, p.kW);
                    int x1 = end(ox, p.padLeft, p.strideW, p.inW, x0);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        int acc = 0;
                        for (int iy = y0; iy < y1; ++iy) {
                            int ky = oy + p.padTop - iy * p.strideH;
                            for (int ix = x0; ix < x1; ++ix) {
                                int kx = ox + p.padLeft - ix * p.strideW;
                                int xi = inOff + ((b * p.inH + iy) * p.inW + ix) * p.inC;
                                int wi = wOff + ((oc * p.kH + ky) * p.kW + kx) * p.inC;
                                for (int ic = 0; ic < p.inC; ++ic) {
                                    acc += (in[xi + ic] + p.inOffset) * w[wi + ic];
                                }
                            }
                        }
                        if (bias != null) {
                            acc += bias[biasOff + oc];
                        }
                        out[o++] = Conv2DNhwc.outS8(acc, oc, p);
                    }
                }
            }
        }
    }

    public static void transposeConvS16(short[] in, int inOff, byte[] w, int wOff, long[] bias, int biasOff,
                                        short[] out, int outOff, Conv2DNhwc.QParams p) {
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oy = 0; oy < p.outH; ++oy) {
                int y0 = first(oy, p.padTop, p.strideH, p.kH);
                int y1 = end(oy, p.padTop, p.strideH, p.inH, y0);
                for (int ox = 0; ox < p.outW; ++ox) {
                    int x0 = first(ox, p.padLeft, p.strideW, p.kW);
                    int x1 = end(ox, p.padLeft, p.strideW, p.inW, x0);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        long acc = 0;
                        for (int iy = y0; iy < y1; ++iy) {
                            int ky = oy + p.padTop - iy * p.strideH;
                            for (int ix = x0; ix < x1; ++ix) {
                                int kx = ox + p.padLeft - ix * p.strideW;
                                int xi = inOff + ((b * p.inH + iy) * p.inW + ix) * p.inC;
                                int wi = wOff + ((oc * p.kH + ky) * p.kW + kx) * p.inC;
                                for (int ic = 0; ic < p.inC; ++ic) {
                                    acc += in[xi + ic] * w[wi + ic];
                                }
                            }
                        }
                        if (bias != null) {
                            acc += bias[biasOff + oc];
                        }
                        out[o++] = Conv2DNhwc.outS16(acc, oc, p);
                    }
                }
            }
        }
    }

    public static void transposeConvF32(float[] in, int inOff, float[] w, int wOff, float[] bias, int biasOff,
                                        float[] out, int outOff, Conv2DNhwc.Params p) {
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oy = 0; oy < p.outH; ++oy) {
                int y0 = first(oy, p.padTop, p.strideH, p.kH);
                int y1 = end(oy, p.padTop, p.strideH, p.inH, y0);
                for (int ox = 0; ox < p.outW; ++ox) {
                    int x0 = first(ox, p.padLeft, p.strideW, p.kW);
                    int x1 = end(ox, p.padLeft, p.strideW, p.inW, x0);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        float acc = 0.0f;
                        for (int iy = y0; iy < y1; ++iy) {
                            int ky = oy + p.padTop - iy * p.strideH;
                            for (int ix = x0; ix < x1; ++ix) {
                                int kx = ox + p.padLeft - ix * p.strideW;
                                int xi = inOff + ((b * p.inH + iy) * p.inW + ix) * p.inC;
                                int wi = wOff + ((oc * p.kH + ky) * p.kW + kx) * p.inC;
                                for (int ic = 0; ic < p.inC; ++ic) {
                                    acc += in[xi + ic] * w[wi + ic];
                                }
                            }
                        }
                        if (bias != null) {
                            acc += bias[biasOff + oc];
                        }
                        out[o++] = acc < p.actMin ? p.actMin : (acc > p.actMax ? p.actMax : acc);
                    }
                }
            }
        }
    }
}
