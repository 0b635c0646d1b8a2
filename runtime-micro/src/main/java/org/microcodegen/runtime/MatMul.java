package org.microcodegen.runtime;

/**
 * out[M][N] = op(a) * op(b) (+ bias[N]), then the fused activation (mc_matmul.c). op(a) is a[M][K],
 * or a[K][M] read transposed; op(b) is b[K][N], or b[N][K] (nn.Dense's layout) read transposed.
 * Each output is a sum over k in order, starting from 0; the bias is added after the sum, as in C.
 */
public final class MatMul {
    private MatMul() {
    }

    /** mc_matmul_dense_f32: nn.Dense's layout, a[M][K] times b[N][K] read transposed. */
    public static void matmulDense(float[] a, int aOff, float[] b, int bOff, float[] bias, int biasOff,
                                   float[] out, int outOff, int m, int k, int n, int act) {
        matmul(a, aOff, b, bOff, bias, biasOff, out, outOff, m, k, n, 0, 1, act);
    }

    public static void matmul(float[] a, int aOff, float[] b, int bOff, float[] bias, int biasOff,
                              float[] out, int outOff, int m, int k, int n, int transposeA, int transposeB, int act) {
        // op(a)[i][kk] = a[i * k + kk], or a[kk * m + i]; op(b)[kk][j] = b[kk * n + j], or b[j * k + kk].
        final int aStep = transposeA != 0 ? m : 1;
        final int bStep = transposeB != 0 ? 1 : n;
        for (int i = 0; i < m; ++i) {
            final int aRow = aOff + (transposeA != 0 ? i : i * k);
            final int o = outOff + i * n;
            for (int j = 0; j < n; ++j) {
                int pa = aRow;
                int pb = bOff + (transposeB != 0 ? j * k : j);
                float s = 0.0f;
                for (int kk = 0; kk < k; ++kk) {
                    s += a[pa] * b[pb];
                    pa += aStep;
                    pb += bStep;
                }
                out[o + j] = Act.apply(bias != null ? s + bias[biasOff + j] : s, act);
            }
        }
    }
}
