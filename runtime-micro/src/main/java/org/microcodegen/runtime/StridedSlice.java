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

    /** The input offset of output row r's first element (all output axes but the last). */
    private static int sourceRow(Params p, int r, int inOff) {
        int src = inOff;
        for (int d = 0; d < p.rank; ++d) {
            src += p.begin[d] * Index.stride(p.inDims, p.rank, d);
        }
        int rem = r;
        for (int d = p.rank - 2; d >= 0; --d) {
            src += (rem % p.outDims[d]) * p.strides[d] * Index.stride(p.inDims, p.rank, d);
            rem /= p.outDims[d];
        }
        return src;
    }

    public static void stridedSlice(float[] in, int inOff, float[] out, int outOff, Params p) {
        final int rows = Index.rows(p.outDims, p.rank);
        final int n = p.outDims[p.rank - 1];
        final int s = p.strides[p.rank - 1];
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }

    /** int8 tensors (mc_strided_slice_8bit). */
    public static void stridedSlice(byte[] in, int inOff, byte[] out, int outOff, Params p) {
        final int rows = Index.rows(p.outDims, p.rank);
        final int n = p.outDims[p.rank - 1];
        final int s = p.strides[p.rank - 1];
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }

    /** int16 tensors (mc_strided_slice_16bit). */
    public static void stridedSlice(short[] in, int inOff, short[] out, int outOff, Params p) {
        final int rows = Index.rows(p.outDims, p.rank);
        final int n = p.outDims[p.rank - 1];
        final int s = p.strides[p.rank - 1];
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }

    /** int32 tensors (mc_strided_slice_32bit). */
    public static void stridedSlice(int[] in, int inOff, int[] out, int outOff, Params p) {
        final int rows = Index.rows(p.outDims, p.rank);
        final int n = p.outDims[p.rank - 1];
        final int s = p.strides[p.rank - 1];
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }
}
