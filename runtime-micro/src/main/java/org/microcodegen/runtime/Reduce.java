package org.microcodegen.runtime;

/**
 * Mean over a set of axes (mc_reduce.c). The input is walked in order and every element is added to
 * the output element it reduces into; an innermost reduced axis is first summed on its own, as in
 * C. The sums are multiplied by 1 / count at the end. The output has the kept axes in order.
 */
public final class Reduce {
    private Reduce() {
    }

    /** mc_reduce_params: reduced[i] != 0 marks a reduced axis. */
    public static final class Params {
        int rank;
        int[] inDims = new int[0];
        int[] reduced = new int[0];

        public Params rank(int v) { rank = v; return this; }
        public Params inDims(int... v) { inDims = v.clone(); return this; }
        public Params reduced(int... v) { reduced = v.clone(); return this; }
    }

    /** Output elements between two steps along kept axis d (0 along a reduced axis). */
    private static int outStride(Params p, int d) {
        if (p.reduced[d] != 0) {
            return 0;
        }
        int s = 1;
        for (int e = d + 1; e < p.rank; ++e) {
            if (p.reduced[e] == 0) {
                s *= p.inDims[e];
            }
        }
        return s;
    }

    public static void reduceMean(float[] in, int inOff, float[] out, int outOff, Params p) {
        final int last = p.rank - 1;
        int outSize = 1;
        int count = 1;
        for (int d = 0; d < p.rank; ++d) {
            if (p.reduced[d] != 0) {
                count *= p.inDims[d];
            } else {
                outSize *= p.inDims[d];
            }
        }
        for (int i = 0; i < outSize; ++i) {
            out[outOff + i] = 0.0f;
        }
        final int rows = Index.rows(p.inDims, p.rank);
        final int n = p.inDims[last];
        int src = inOff;
        for (int r = 0; r < rows; ++r) {
            int dst = outOff;
            int rem = r;
            for (int d = last - 1; d >= 0; --d) {
                dst += (rem % p.inDims[d]) * outStride(p, d);
                rem /= p.inDims[d];
            }
            if (p.reduced[last] != 0) {
                float sum = 0.0f;
                for (int i = 0; i < n; ++i) {
                    sum += in[src + i];
                }
                out[dst] += sum;
            } else {
                for (int i = 0; i < n; ++i) {
                    out[dst + i] += in[src + i];
                }
            }
            src += n;
        }
        final float invCount = 1.0f / (float) count;
        for (int i = 0; i < outSize; ++i) {
            out[outOff + i] *= invCount;
        }
    }
}
