package org.microcodegen.runtime;

/**
 * CONV_2D and DEPTHWISE_CONV_2D in TFLite's layout and arithmetic (mc_conv2d_nhwc.c): NHWC, int8
 * (per-channel requantized), 16x8 (int16 activations, int64 bias) and float32, bit for bit as
 * TFLite's reference kernels and as the C kernels. Per output pixel the valid kernel rows and
 * columns are computed once; each output sums kernel row, kernel column, then the channels at that
 * tap, the order of TFLite's float kernels (integer sums do not depend on it).
 */
public final class Conv2DNhwc {
    private Conv2DNhwc() {
    }

    /** The shape fields both params structs share. */
    public abstract static class Geometry<T extends Geometry<T>> {
        int batch = 1;
        int inH;
        int inW;
        int inC;
        int outH;
        int outW;
        int outC;
        int kH;
        int kW;
        int strideH = 1;
        int strideW = 1;
        int dilationH = 1;
        int dilationW = 1;
        int padTop;
        int padLeft;
        int depthMultiplier = 1;
        /** Per-pixel scratch of the kernels, allocated with the params so that a call allocates nothing. */
        final Taps taps = new Taps();

        abstract T self();

        public T batch(int v) { batch = v; return self(); }
        public T inH(int v) { inH = v; return self(); }
        public T inW(int v) { inW = v; return self(); }
        public T inC(int v) { inC = v; return self(); }
        public T outH(int v) { outH = v; return self(); }
        public T outW(int v) { outW = v; return self(); }
        public T outC(int v) { outC = v; return self(); }
        public T kH(int v) { kH = v; return self(); }
        public T kW(int v) { kW = v; return self(); }
        public T strideH(int v) { strideH = v; return self(); }
        public T strideW(int v) { strideW = v; return self(); }
        public T dilationH(int v) { dilationH = v; return self(); }
        public T dilationW(int v) { dilationW = v; return self(); }
        public T padTop(int v) { padTop = v; return self(); }
        public T padLeft(int v) { padLeft = v; return self(); }
        public T depthMultiplier(int v) { depthMultiplier = v; return self(); }
    }

    /** mc_qconv2d_params: outMult / outShift hold one entry per output channel. */
    public static final class QParams extends Geometry<QParams> {
        int inOffset;
        int outOffset;
        int actMin = -128;
        int actMax = 127;
        int rounding = Quant.SINGLE;
        int[] outMult;
        byte[] outShift;             /* shifts lie in [-31, 30]: one byte each, as the C tables */

        @Override
        QParams self() { return this; }

        public QParams inOffset(int v) { inOffset = v; return this; }
        public QParams outOffset(int v) { outOffset = v; return this; }
        public QParams actMin(int v) { actMin = v; return this; }
        public QParams actMax(int v) { actMax = v; return this; }
        public QParams rounding(int v) { rounding = v; return this; }
        public QParams outMult(int[] v) { outMult = v; return this; }
        public QParams outShift(byte[] v) { outShift = v; return this; }
    }

    /** mc_conv2d_nhwc_params. */
    public static final class Params extends Geometry<Params> {
        float actMin = Float.NEGATIVE_INFINITY;
        float actMax = Float.POSITIVE_INFINITY;

        @Override
        Params self() { return this; }

        public Params actMin(float v) { actMin = v; return this; }
        public Params actMax(float v) { actMax = v; return this; }
    }

    /**
     * The valid taps of one output pixel (pixel_taps in C): rows/cols inside the input, the steps
     * between them in input and weight elements, and the offsets of the first one.
     */
    static final class Taps {
        int rows;
        int cols;
        int depth;
        int xRow;
        int xCol;
        int wRow;
        int wCol;
        int x;
        int w;

        void at(Geometry<?> g, int b, int oh, int ow, int wTap, int depthPerTap) {
            int ih0 = oh * g.strideH - g.padTop;
            int iw0 = ow * g.strideW - g.padLeft;
            int kh0 = first(ih0, g.kH, g.dilationH);
            int kh1 = end(ih0, g.kH, g.dilationH, g.inH, kh0);
            int kw0 = first(iw0, g.kW, g.dilationW);
            int kw1 = end(iw0, g.kW, g.dilationW, g.inW, kw0);
            rows = kh1 - kh0;
            cols = kw1 - kw0;
            if (rows == 0 || cols == 0) {
                rows = 0;
                cols = 0;
                kh0 = 0;
                kw0 = 0;
                ih0 = 0;
                iw0 = 0;
            }
            depth = depthPerTap;
            xRow = g.dilationH * g.inW * g.inC;
            xCol = g.dilationW * g.inC;
            wRow = g.kW * wTap;
            wCol = wTap;
            x = ((b * g.inH + ih0 + kh0 * g.dilationH) * g.inW + iw0 + kw0 * g.dilationW) * g.inC;
            w = (kh0 * g.kW + kw0) * wTap;
        }

        /** First tap k with origin + k * dilation >= 0 (at most kSize). */
        static int first(int origin, int kSize, int dilation) {
            int lo = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
            return Math.min(lo, kSize);
        }

        /** One past the last tap with origin + k * dilation < size, at least first. */
        static int end(int origin, int kSize, int dilation, int size, int first) {
            int hi = kSize;
            if (origin + (kSize - 1) * dilation >= size) {
                hi = size - 1 - origin < 0 ? 0 : (size - 1 - origin) / dilation + 1;
            }
            return Math.max(hi, first);
        }

        int sumS8(byte[] in, int xOff, byte[] wt, int wOff, int inOffset) {
            int acc = 0;
            for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < cols; ++c) {
                    int xc = xOff + r * xRow + c * xCol;
                    int wc = wOff + r * wRow + c * wCol;
                    for (int d = 0; d < depth; ++d) {
                        acc += wt[wc + d] * (in[xc + d] + inOffset);
                    }
                }
            }
            return acc;
        }

        long sumS16(short[] in, int xOff, byte[] wt, int wOff) {
            long acc = 0;
            for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < cols; ++c) {
                    int xc = xOff + r * xRow + c * xCol;
                    int wc = wOff + r * wRow + c * wCol;
                    for (int d = 0; d < depth; ++d) {
                        acc += wt[wc + d] * in[xc + d];
                    }
                }
            }
            return acc;
        }

        float sumF32(float[] in, int xOff, float[] wt, int wOff) {
            float acc = 0.0f;
            for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < cols; ++c) {
                    int xc = xOff + r * xRow + c * xCol;
                    int wc = wOff + r * wRow + c * wCol;
                    for (int d = 0; d < depth; ++d) {
                        acc += in[xc + d] * wt[wc + d];
                    }
                }
            }
            return acc;
        }
    }

    static byte outS8(int acc, int oc, QParams p) {
        int v = Quant.requantize(acc, p.outMult[oc], p.outShift[oc], p.rounding) + p.outOffset;
        return (byte) Quant.clamp(v, p.actMin, p.actMax);
    }

    static short outS16(long acc, int oc, QParams p) {
        int v = Quant.requantize64(acc, p.outMult[oc], p.outShift[oc], p.rounding);
        return (short) Quant.clamp(v, p.actMin, p.actMax);
    }

    static float outF32(float acc, float[] bias, int biasOff, int oc, Params p) {
        float v = acc + (bias != null ? bias[biasOff + oc] : 0.0f);
        return v < p.actMin ? p.actMin : (v > p.actMax ? p.actMax : v);
    }

    /** Weights [outC][kH][kW][inC]; bias (outC) may be null. */
    public static void conv2dS8(byte[] in, int inOff, byte[] w, int wOff, int[] bias, int biasOff,
                                byte[] out, int outOff, QParams p) {
        Taps t = p.taps;
        int kernel = p.kH * p.kW * p.inC;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oh = 0; oh < p.outH; ++oh) {
                for (int ow = 0; ow < p.outW; ++ow) {
                    t.at(p, b, oh, ow, p.inC, p.inC);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        int acc = t.sumS8(in, inOff + t.x, w, wOff + oc * kernel + t.w, p.inOffset);
                        if (bias != null) {
                            acc += bias[biasOff + oc];
                        }
                        out[o++] = outS8(acc, oc, p);
                    }
                }
            }
        }
    }

    /** 16x8: int16 activations, int64 bias (may be null); inOffset/outOffset are not used. */
    public static void conv2dS16(short[] in, int inOff, byte[] w, int wOff, long[] bias, int biasOff,
                                 short[] out, int outOff, QParams p) {
        Taps t = p.taps;
        int kernel = p.kH * p.kW * p.inC;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oh = 0; oh < p.outH; ++oh) {
                for (int ow = 0; ow < p.outW; ++ow) {
                    t.at(p, b, oh, ow, p.inC, p.inC);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        long acc = t.sumS16(in, inOff + t.x, w, wOff + oc * kernel + t.w);
                        if (bias != null) {
                            acc += bias[biasOff + oc];
                        }
                        out[o++] = outS16(acc, oc, p);
                    }
                }
            }
        }
    }

    public static void conv2dF32(float[] in, int inOff, float[] w, int wOff, float[] bias, int biasOff,
                                 float[] out, int outOff, Params p) {
        Taps t = p.taps;
        int kernel = p.kH * p.kW * p.inC;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oh = 0; oh < p.outH; ++oh) {
                for (int ow = 0; ow < p.outW; ++ow) {
                    t.at(p, b, oh, ow, p.inC, p.inC);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        float acc = t.sumF32(in, inOff + t.x, w, wOff + oc * kernel + t.w);
                        out[o++] = outF32(acc, bias, biasOff, oc, p);
                    }
                }
            }
        }
    }

    /** Weights [1][kH][kW][outC]; output channel oc reads input channel oc / depthMultiplier. */
    public static void depthwiseConv2dS8(byte[] in, int inOff, byte[] w, int wOff, int[] bias,
                                         int biasOff, byte[] out, int outOff, QParams p) {
        Taps t = p.taps;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oh = 0; oh < p.outH; ++oh) {
                for (int ow = 0; ow < p.outW; ++ow) {
                    t.at(p, b, oh, ow, p.outC, 1);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        int ic = oc / p.depthMultiplier;
                        int acc = t.sumS8(in, inOff + t.x + ic, w, wOff + t.w + oc, p.inOffset);
                        if (bias != null) {
                            acc += bias[biasOff + oc];
                        }
                        out[o++] = outS8(acc, oc, p);
                    }
                }
            }
        }
    }

    public static void depthwiseConv2dS16(short[] in, int inOff, byte[] w, int wOff, long[] bias,
                                          int biasOff, short[] out, int outOff, QParams p) {
        Taps t = p.taps;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oh = 0; oh < p.outH; ++oh) {
                for (int ow = 0; ow < p.outW; ++ow) {
                    t.at(p, b, oh, ow, p.outC, 1);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        int ic = oc / p.depthMultiplier;
                        long acc = t.sumS16(in, inOff + t.x + ic, w, wOff + t.w + oc);
                        if (bias != null) {
                            acc += bias[biasOff + oc];
                        }
                        out[o++] = outS16(acc, oc, p);
                    }
                }
            }
        }
    }

    public static void depthwiseConv2dF32(float[] in, int inOff, float[] w, int wOff, float[] bias,
                                          int biasOff, float[] out, int outOff, Params p) {
        Taps t = p.taps;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oh = 0; oh < p.outH; ++oh) {
                for (int ow = 0; ow < p.outW; ++ow) {
                    t.at(p, b, oh, ow, p.outC, 1);
                    for (int oc = 0; oc < p.outC; ++oc) {
                        int ic = oc / p.depthMultiplier;
                        float acc = t.sumF32(in, inOff + t.x + ic, w, wOff + t.w + oc);
                        out[o++] = outF32(acc, bias, biasOff, oc, p);
                    }
                }
            }
        }
    }
}
