package org.microcodegen.runtime;

/**
 * Constant padding (mc_pad.c): out has inDims[i] + padBefore[i] + padAfter[i] along axis i, filled
 * with value, and the input in the middle. Each output row (all axes but the last) is either all
 * padding, or padding, one contiguous input row, padding.
 */
public final class Pad {
    private Pad() {
    }

    /** mc_pad_params. */
    public static final class Params {
        int rank;
        int[] inDims = new int[0];
        int[] padBefore = new int[0];
        int[] padAfter = new int[0];
        float value;

        public Params rank(int v) { rank = v; return this; }
        public Params inDims(int... v) { inDims = v.clone(); return this; }
        public Params padBefore(int... v) { padBefore = v.clone(); return this; }
        public Params padAfter(int... v) { padAfter = v.clone(); return this; }
        public Params value(float v) { value = v; return this; }
    }

    private static int outDim(Params p, int d) {
        return p.inDims[d] + p.padBefore[d] + p.padAfter[d];
    }

    public static void pad(float[] in, int inOff, float[] out, int outOff, Params p) {
        final int last = p.rank - 1;
        final float value = p.value;
        int rows = 1;
        for (int d = 0; d < last; ++d) {
            rows *= outDim(p, d);
        }
        final int n = outDim(p, last);
        final int copyBegin = p.padBefore[last];
        final int inW = p.inDims[last];
        final int copyEnd = copyBegin + inW;
        int o = outOff;
        for (int r = 0; r < rows; ++r) {
            boolean inside = true;
            int src = inOff;
            int rem = r;
            for (int d = last - 1; d >= 0; --d) {
                final int c = rem % outDim(p, d) - p.padBefore[d];
                rem /= outDim(p, d);
                if (c < 0 || c >= p.inDims[d]) {
                    inside = false;
                    break;
                }
                src += c * Index.stride(p.inDims, p.rank, d);
            }
            if (inside) {
                for (int i = 0; i < copyBegin; ++i) {
                    out[o + i] = value;
                }
                System.arraycopy(in, src, out, o + copyBegin, inW);
                for (int i = copyEnd; i < n; ++i) {
                    out[o + i] = value;
                }
            } else {
                for (int i = 0; i < n; ++i) {
                    out[o + i] = value;
                }
            }
            o += n;
        }
    }
}
