package org.microcodegen.runtime;

/**
 * out = in with its axes permuted: output axis i is input axis perm[i] (mc_transpose.c). The output
 * is walked in order; output axis i moves through the input by the input stride of axis perm[i].
 */
public final class Transpose {
    private Transpose() {
    }

    /** mc_transpose_params. */
    public static final class Params {
        int rank;
        int[] inDims = new int[0];
        int[] perm = new int[0];

        public Params rank(int v) { rank = v; return this; }
        public Params inDims(int... v) { inDims = v.clone(); return this; }
        public Params perm(int... v) { perm = v.clone(); return this; }
    }

    /** The input offset of output row r (all output axes but the last). */
    private static int sourceRow(Params p, int r, int inOff) {
        int src = inOff;
        int rem = r;
        for (int d = p.rank - 2; d >= 0; --d) {
            final int dim = p.inDims[p.perm[d]];
            src += (rem % dim) * Index.stride(p.inDims, p.rank, p.perm[d]);
            rem /= dim;
        }
        return src;
    }

    private static int rows(Params p) {
        int rows = 1;
        for (int d = 0; d < p.rank - 1; ++d) {
            rows *= p.inDims[p.perm[d]];
        }
        return rows;
    }

    public static void transpose(float[] in, int inOff, float[] out, int outOff, Params p) {
        final int rows = rows(p);
        final int n = p.inDims[p.perm[p.rank - 1]];
        final int s = Index.stride(p.inDims, p.rank, p.perm[p.rank - 1]);
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }

    /** int8 tensors (mc_transpose_8bit). */
    public static void transpose(byte[] in, int inOff, byte[] out, int outOff, Params p) {
        final int rows = rows(p);
        final int n = p.inDims[p.perm[p.rank - 1]];
        final int s = Index.stride(p.inDims, p.rank, p.perm[p.rank - 1]);
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }

    /** int16 tensors (mc_transpose_16bit). */
    public static void transpose(short[] in, int inOff, short[] out, int outOff, Params p) {
        final int rows = rows(p);
        final int n = p.inDims[p.perm[p.rank - 1]];
        final int s = Index.stride(p.inDims, p.rank, p.perm[p.rank - 1]);
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }

    /** int32 tensors (mc_transpose_32bit). */
    public static void transpose(int[] in, int inOff, int[] out, int outOff, Params p) {
        final int rows = rows(p);
        final int n = p.inDims[p.perm[p.rank - 1]];
        final int s = Index.stride(p.inDims, p.rank, p.perm[p.rank - 1]);
        for (int r = 0, o = outOff; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
        }
    }
}
