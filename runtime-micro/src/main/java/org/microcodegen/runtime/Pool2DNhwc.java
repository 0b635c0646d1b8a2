package org.microcodegen.runtime;

/**
 * 2-D max and average pooling, NHWC, for int8 (byte[]), int16 (short[]) and float32
 * (mc_pool2d_nhwc.c), bit for bit TFLite's reference kernels: only cells inside the input count, an
 * integer average rounds half away from zero, a max starts from the type's lowest value, and the
 * result is clamped to the fused activation's range. A window entirely in the padding gives the
 * average 0 and the max the lowest value, each clamped.
 */
public final class Pool2DNhwc {
    private Pool2DNhwc() {
    }

    /** mc_qpool2d_params (actMin/actMax) and mc_pool2d_nhwc_params (actMinF/actMaxF). */
    public static final class Params {
        int batch;
        int inH;
        int inW;
        int channels;
        int outH;
        int outW;
        int kH;
        int kW;
        int strideH = 1;
        int strideW = 1;
        int padTop;
        int padLeft;
        int actMin = Integer.MIN_VALUE;
        int actMax = Integer.MAX_VALUE;
        float actMinF = -Float.MAX_VALUE;
        float actMaxF = Float.MAX_VALUE;

        public Params batch(int v) { batch = v; return this; }
        public Params inH(int v) { inH = v; return this; }
        public Params inW(int v) { inW = v; return this; }
        public Params channels(int v) { channels = v; return this; }
        public Params outH(int v) { outH = v; return this; }
        public Params outW(int v) { outW = v; return this; }
        public Params kH(int v) { kH = v; return this; }
        public Params kW(int v) { kW = v; return this; }
        public Params strideH(int v) { strideH = v; return this; }
        public Params strideW(int v) { strideW = v; return this; }
        public Params padTop(int v) { padTop = v; return this; }
        public Params padLeft(int v) { padLeft = v; return this; }
        public Params actMin(int v) { actMin = v; return this; }
        public Params actMax(int v) { actMax = v; return this; }
        public Params actMinF(float v) { actMinF = v; return this; }
        public Params actMaxF(float v) { actMaxF = v; return this; }
        /** The float kernels' clamp as generated code spells it (the C field names act_min / act_max). */
        public Params actMin(float v) { actMinF = v; return this; }
        public Params actMax(float v) { actMaxF = v; return this; }
    }

    private static final int AVG = 0;
    private static final int MAX = 1;

    public static void avgpool2d(byte[] in, int inOff, byte[] out, int outOff, Params p) {
        pool(in, null, inOff, out, null, outOff, p, AVG, -128);
    }

    public static void maxpool2d(byte[] in, int inOff, byte[] out, int outOff, Params p) {
        pool(in, null, inOff, out, null, outOff, p, MAX, -128);
    }

    public static void avgpool2d(short[] in, int inOff, short[] out, int outOff, Params p) {
        pool(null, in, inOff, null, out, outOff, p, AVG, -32768);
    }

    public static void maxpool2d(short[] in, int inOff, short[] out, int outOff, Params p) {
        pool(null, in, inOff, null, out, outOff, p, MAX, -32768);
    }

    /** The reference's "acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n" (Java division truncates as C's). */
    static int roundedAverage(int sum, int n) {
        if (n == 0) {
            return 0;
        }
        return sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
    }

    /** One of in8/in16 (and out8/out16) is used; the element loop is the same for both widths. */
    private static void pool(byte[] in8, short[] in16, int inOff, byte[] out8, short[] out16, int outOff,
                             Params p, int op, int lowest) {
        final int cn = p.channels;
        final int row = p.inW * cn;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            final int img = inOff + b * p.inH * row;
            for (int oh = 0; oh < p.outH; ++oh) {
                final int ih0 = oh * p.strideH - p.padTop;
                final int h0 = Math.max(ih0, 0);
                final int h1 = Math.min(ih0 + p.kH, p.inH);
                for (int ow = 0; ow < p.outW; ++ow) {
                    final int iw0 = ow * p.strideW - p.padLeft;
                    final int w0 = Math.max(iw0, 0);
                    final int w1 = Math.min(iw0 + p.kW, p.inW);
                    final int cells = Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
                    for (int c = 0; c < cn; ++c) {
                        int acc = op == MAX ? lowest : 0;
                        for (int ih = h0; ih < h1; ++ih) {
                            for (int iw = w0; iw < w1; ++iw) {
                                final int i = img + ih * row + iw * cn + c;
                                final int v = in8 != null ? in8[i] : in16[i];
                                acc = op == MAX ? Math.max(acc, v) : acc + v;
                            }
                        }
                        if (op == AVG) {
                            acc = roundedAverage(acc, cells);
                        }
                        acc = Math.min(Math.max(acc, p.actMin), p.actMax);
                        if (out8 != null) {
                            out8[o++] = (byte) acc;
                        } else {
                            out16[o++] = (short) acc;
                        }
                    }
                }
            }
        }
    }

    public static void avgpool2d(float[] in, int inOff, float[] out, int outOff, Params p) {
        poolF32(in, inOff, out, outOff, p, AVG);
    }

    public static void maxpool2d(float[] in, int inOff, float[] out, int outOff, Params p) {
        poolF32(in, inOff, out, outOff, p, MAX);
    }

    /** Float sum in window order divided by the cell count as a float; max from -Float.MAX_VALUE. */
    private static void poolF32(float[] in, int inOff, float[] out, int outOff, Params p, int op) {
        final int cn = p.channels;
        final int row = p.inW * cn;
        int o = outOff;
        for (int b = 0; b < p.batch; ++b) {
            final int img = inOff + b * p.inH * row;
            for (int oh = 0; oh < p.outH; ++oh) {
                final int ih0 = oh * p.strideH - p.padTop;
                final int h0 = Math.max(ih0, 0);
                final int h1 = Math.min(ih0 + p.kH, p.inH);
                for (int ow = 0; ow < p.outW; ++ow) {
                    final int iw0 = ow * p.strideW - p.padLeft;
                    final int w0 = Math.max(iw0, 0);
                    final int w1 = Math.min(iw0 + p.kW, p.inW);
                    final int cells = Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
                    for (int c = 0; c < cn; ++c) {
                        float acc = op == MAX ? -Float.MAX_VALUE : 0.0f;
                        for (int ih = h0; ih < h1; ++ih) {
                            for (int iw = w0; iw < w1; ++iw) {
                                final float v = in[img + ih * row + iw * cn + c];
                                if (op == MAX) {
                                    acc = acc < v ? v : acc;
                                } else {
                                    acc += v;
                                }
                            }
                        }
                        if (op == AVG && cells > 0) {
                            acc = acc / (float) cells;
                        }
                        acc = acc < p.actMinF ? p.actMinF : acc;
                        out[o++] = acc > p.actMaxF ? p.actMaxF : acc;
                    }
                }
            }
        }
    }
}
