package org.microcodegen.runtime;

/**
 * 2-D max and average pooling, NCHW (mc_pool2d.c). Only the window cells inside the input count:
 * padding never wins a max, and an average divides by the cells inside the input unless
 * countIncludePad is set (then by kH * kW). A window entirely in the padding gives 0. Cells are
 * visited row by row, left to right, as in C.
 */
public final class Pool2D {
    private Pool2D() {
    }

    /** mc_pool2d_params; bottom/right padding is implied by outH/outW. */
    public static final class Params {
        int batch;
        int channels;
        int inH;
        int inW;
        int outH;
        int outW;
        int kH;
        int kW;
        int strideH = 1;
        int strideW = 1;
        int padTop;
        int padLeft;
        int countIncludePad;

        public Params batch(int v) { batch = v; return this; }
        public Params channels(int v) { channels = v; return this; }
        public Params inH(int v) { inH = v; return this; }
        public Params inW(int v) { inW = v; return this; }
        public Params outH(int v) { outH = v; return this; }
        public Params outW(int v) { outW = v; return this; }
        public Params kH(int v) { kH = v; return this; }
        public Params kW(int v) { kW = v; return this; }
        public Params strideH(int v) { strideH = v; return this; }
        public Params strideW(int v) { strideW = v; return this; }
        public Params padTop(int v) { padTop = v; return this; }
        public Params padLeft(int v) { padLeft = v; return this; }
        public Params countIncludePad(int v) { countIncludePad = v; return this; }
    }

    public static void maxpool2d(float[] in, int inOff, float[] out, int outOff, Params p) {
        pool(in, inOff, out, outOff, p, true);
    }

    public static void avgpool2d(float[] in, int inOff, float[] out, int outOff, Params p) {
        pool(in, inOff, out, outOff, p, false);
    }

    private static void pool(float[] in, int inOff, float[] out, int outOff, Params p, boolean max) {
        final int planes = p.batch * p.channels;
        final int inPlane = p.inH * p.inW;
        final float full = (float) (p.kH * p.kW);
        int o = outOff;
        for (int pl = 0; pl < planes; ++pl) {
            final int plane = inOff + pl * inPlane;
            for (int oh = 0; oh < p.outH; ++oh) {
                final int ih0 = oh * p.strideH - p.padTop;
                final int kh0 = ih0 < 0 ? -ih0 : 0;
                final int kh1 = Math.max(kh0, ih0 + p.kH > p.inH ? p.inH - ih0 : p.kH);
                final int rows = kh1 - kh0;
                for (int ow = 0; ow < p.outW; ++ow) {
                    final int iw0 = ow * p.strideW - p.padLeft;
                    final int kw0 = iw0 < 0 ? -iw0 : 0;
                    final int kw1 = Math.max(kw0, iw0 + p.kW > p.inW ? p.inW - iw0 : p.kW);
                    final int cols = kw1 - kw0;
                    if (rows == 0 || cols == 0) {
                        out[o++] = 0.0f;
                        continue;
                    }
                    final int x = plane + (ih0 + kh0) * p.inW + iw0 + kw0;
                    if (max) {
                        float m = in[x];
                        for (int r = 0; r < rows; ++r) {
                            final int row = x + r * p.inW;
                            for (int c = r == 0 ? 1 : 0; c < cols; ++c) {
                                m = in[row + c] > m ? in[row + c] : m;
                            }
                        }
                        out[o++] = m;
                    } else {
                        float s = 0.0f;
                        for (int r = 0; r < rows; ++r) {
                            final int row = x + r * p.inW;
                            for (int c = 0; c < cols; ++c) {
                                s += in[row + c];
                            }
                        }
                        out[o++] = p.countIncludePad != 0 ? s / full : s / (float) (rows * cols);
                    }
                }
            }
        }
    }
}
