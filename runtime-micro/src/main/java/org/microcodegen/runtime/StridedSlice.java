package org.microcodegen.runtime;

/**
 * Strided slice (mc_strided_slice.c): out[i0, i1, ...] = in[begin[0] + i0 * strides[0], ...];
 * strides may be negative (a reversed axis). The output is walked in order, row by row.
 */
public final class StridedSlice {
    private StridedSlice() {
    }

    /** mc_strided_slice_params. */
    public static final class Params {
        int rank;
        int[] inDims = new int[0];
        int[] outDims = new int[0];
        int[] begin = new int[0];
        int[] strides = new int[0];

        public Params rank(int v) { rank = v; return this; }
        public Params inDims(int... v) { inDims = v.clone(); return this; }
        public Params outDims(int... v) { outDims = v.clone(); return this; }
        public Params begin(int... v) { begin = v.clone(); return this; }
        public Params strides(int... v) { strides = v.clone(); return this; }
    }

    public static void stridedSlice(float[] in, int inOff, float[] out, int outOff, Params p) {
        final int last = p.rank - 1;
        int start = inOff;
        for (int d = 0; d < p.rank; ++d) {
            start += p.begin[d] * Index.stride(p.inDims, p.rank, d);
        }
        final int rows = Index.rows(p.outDims, p.rank);
        final int n = p.outDims[last];
        final int s = p.strides[last];
        int o = outOff;
        for (int r = 0; r < rows; ++r) {
            int src = start;
            int rem = r;
            for (int d = last - 1; d >= 0; --d) {
                src += (rem % p.outDims[d]) * p.strides[d] * Index.stride(p.inDims, p.rank, d);
                rem /= p.outDims[d];
            }
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
            o += n;
        }
    }
}
