package org.microcodegen.runtime;

/**
 * 2-D convolution, NCHW, weights [outC][inC/groups][kH][kW] (MindSpore's layout), optional bias and
 * fused activation (mc_conv2d.c). Every output is bias + the sum over input channel, kernel row,
 * kernel column (in that order) of the taps that fall inside the input, which is the order all three
 * C paths (general, depthwise, pointwise) use, so the results are bit for bit those of C.
 *
 * <p>Per output row the valid kernel rows are computed once; per kernel column the output columns
 * it reaches, so the innermost loop has no bounds test.
 */
public final class Conv2D {
    private Conv2D() {
    }

    /** mc_conv2d_params. Built once per layer by the generated class; bottom/right padding is implied by outH/outW. */
    public static final class Params {
        int batch;
        int inC;
        int inH;
        int inW;
        int outC;
        int outH;
        int outW;
        int kH;
        int kW;
        int strideH = 1;
        int strideW = 1;
        int dilationH = 1;
        int dilationW = 1;
        int padTop;
        int padLeft;
        int groups = 1;
        int act = Act.NONE;

        public Params batch(int v) { batch = v; return this; }
        public Params inC(int v) { inC = v; return this; }
        public Params inH(int v) { inH = v; return this; }
        public Params inW(int v) { inW = v; return this; }
        public Params outC(int v) { outC = v; return this; }
        public Params outH(int v) { outH = v; return this; }
        public Params outW(int v) { outW = v; return this; }
        public Params kH(int v) { kH = v; return this; }
        public Params kW(int v) { kW = v; return this; }
        public Params strideH(int v) { strideH = v; return this; }
        public Params strideW(int v) { strideW = v; return this; }
        public Params dilationH(int v) { dilationH = v; return this; }
        public Params dilationW(int v) { dilationW = v; return this; }
        public Params padTop(int v) { padTop = v; return this; }
        public Params padLeft(int v) { padLeft = v; return this; }
        public Params groups(int v) { groups = v; return this; }
        public Params act(int v) { act = v; return this; }
    }

    /** The first tap k whose input coordinate start + k * dilation is >= 0 (valid_taps in C). */
    static int firstTap(int start, int dilation) {
        return start < 0 ? (-start + dilation - 1) / dilation : 0;
    }

    /** One past the last tap with start + k * dilation <= size - 1, at least {@code first} (valid_taps in C). */
    static int endTap(int start, int kSize, int dilation, int size, int first) {
        int e = kSize;
        if (start + (kSize - 1) * dilation >= size) {
            e = size - 1 - start < 0 ? 0 : (size - 1 - start) / dilation + 1;
        }
        return e < first ? first : e;
    }

    /** bias may be null; it has outC elements. */
    public static void conv2d(float[] in, int inOff, float[] weight, int weightOff, float[] bias, int biasOff,
                              float[] out, int outOff, Params p) {
        final int inPlane = p.inH * p.inW;
        final int icg = p.inC / p.groups;
        final int ocg = p.outC / p.groups;
        final int wPlane = p.kH * p.kW;
        final int dh = p.dilationH;
        final int dw = p.dilationW;
        final int sw = p.strideW;
        int row = outOff;
        for (int b = 0; b < p.batch; ++b) {
            for (int oc = 0; oc < p.outC; ++oc) {
                final int inGroup = inOff + (b * p.inC + (oc / ocg) * icg) * inPlane;
                final int wOc = weightOff + oc * icg * wPlane;
                final float bv = bias != null ? bias[biasOff + oc] : 0.0f;
                for (int oh = 0; oh < p.outH; ++oh, row += p.outW) {
                    final int ih0 = oh * p.strideH - p.padTop;
                    final int kh0 = firstTap(ih0, dh);
                    final int kh1 = endTap(ih0, p.kH, dh, p.inH, kh0);
                    // The output row is the accumulator: it starts at the bias and every tap adds its
                    // product to the columns it reaches, in the order input channel, kernel row, kernel
                    // column. Each output therefore sums the same taps in the same order as C, while
                    // the innermost loop runs along the row, which the JIT compiles to vector code.
                    for (int ow = 0; ow < p.outW; ++ow) {
                        out[row + ow] = bv;
                    }
                    for (int ic = 0; ic < icg; ++ic) {
                        final int x = inGroup + ic * inPlane;
                        final int w = wOc + ic * wPlane;
                        for (int kh = kh0; kh < kh1; ++kh) {
                            final int xr = x + (ih0 + kh * dh) * p.inW;
                            final int wr = w + kh * p.kW;
                            for (int kw = 0; kw < p.kW; ++kw) {
                                // columns ow whose input column ow * sw - padLeft + kw * dw is inside [0, inW)
                                final int first = kw * dw - p.padLeft;
                                final int owLo = first >= 0 ? 0 : (-first + sw - 1) / sw;
                                final int owHi = Math.min(p.outW, p.inW - 1 - first < 0 ? 0 : (p.inW - 1 - first) / sw + 1);
                                final float wv = weight[wr + kw];
                                final int xs = xr + first;
                                if (sw == 1) {
                                    for (int ow = owLo; ow < owHi; ++ow) {
                                        out[row + ow] += in[xs + ow] * wv;
                                    }
                                } else {
                                    for (int ow = owLo; ow < owHi; ++ow) {
                                        out[row + ow] += in[xs + ow * sw] * wv;
                                    }
                                }
                            }
                        }
                    }
                    if (p.act != Act.NONE) {
                        for (int ow = 0; ow < p.outW; ++ow) {
                            out[row + ow] = Act.apply(out[row + ow], p.act);
                        }
                    }
                }
            }
        }
    }
}
