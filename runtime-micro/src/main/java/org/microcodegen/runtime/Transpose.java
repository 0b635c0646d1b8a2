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

    public static void transpose(float[] in, int inOff, float[] out, int outOff, Params p) {
        final int last = p.rank - 1;
        int rows = 1;
        for (int d = 0; d < last; ++d) {
            rows *= p.inDims[p.perm[d]];
        }
        final int n = p.inDims[p.perm[last]];
        final int s = Index.stride(p.inDims, p.rank, p.perm[last]);
        int o = outOff;
        for (int r = 0; r < rows; ++r) {
            int src = inOff;
            int rem = r;
            for (int d = last - 1; d >= 0; --d) {
                final int dim = p.inDims[p.perm[d]];
                src += (rem % dim) * Index.stride(p.inDims, p.rank, p.perm[d]);
                rem /= dim;
            }
            for (int i = 0; i < n; ++i) {
                out[o + i] = in[src + i * s];
            }
            o += n;
        }
    }
}
