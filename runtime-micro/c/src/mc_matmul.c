#include "mc_matmul.h"

/* Two loop shapes, each computing a few outputs at once so that every value loaded from one
 * operand feeds several accumulators held in registers:
 *   - b given as [N][K] (transpose_b, nn.Dense): out[i][j..j+8) are 8 dot products of the
 *     row a[i] with 8 contiguous rows of b, sharing each load of a;
 *   - b given as [K][N]: out[i][j..j+8) walk K down 8 adjacent columns of b, sharing each load
 *     of a;
 * op(a) is read through a pointer that advances a_step per k (1, or m when transpose_a), so both
 * shapes serve either layout of a. Sums run over k in order; the bias is added after the sum and
 * before the fused activation. */

#if defined(__GNUC__)
#define MC_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define MC_ALWAYS_INLINE static inline
#endif

/* nb (<= 8) dot products of a (stride a_step) with the rows b, b + k, ... (contiguous). */
MC_ALWAYS_INLINE void dot_rows(const float *a, int32_t a_step, const float *b, int32_t k,
                               int32_t nb, float *acc) {
    const float *row[8];
    float s[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    int32_t kk, j;
#pragma GCC unroll 8
    for (j = 0; j < nb; ++j) {
        row[j] = b + j * k;
    }
    for (kk = 0; kk < k; ++kk) {
        const float av = *a;
#pragma GCC unroll 8
        for (j = 0; j < nb; ++j) {
            s[j] += av * row[j][kk];
        }
        a += a_step;
    }
#pragma GCC unroll 8
    for (j = 0; j < nb; ++j) {
        acc[j] = s[j];
    }
}

/* nb (<= 8) adjacent columns of a [K][N] matrix b times a (stride a_step). */
MC_ALWAYS_INLINE void dot_cols(const float *a, int32_t a_step, const float *b, int32_t k,
                               int32_t n, int32_t nb, float *acc) {
    float s[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    int32_t kk, j;
    for (kk = 0; kk < k; ++kk) {
        const float av = *a;
#pragma GCC unroll 8
        for (j = 0; j < nb; ++j) {
            s[j] += av * b[j];
        }
        a += a_step;
        b += n;
    }
#pragma GCC unroll 8
    for (j = 0; j < nb; ++j) {
        acc[j] = s[j];
    }
}

static void store(float *out, const float *acc, const float *bias, int32_t nb, mc_act act) {
    int32_t j;
    for (j = 0; j < nb; ++j) {
        out[j] = mc_apply_act(bias != NULL ? acc[j] + bias[j] : acc[j], act);
    }
}

/* One row of out, for a fixed a_step (the caller passes a constant so that walking a is free). */
MC_ALWAYS_INLINE void matmul_row(const float *ai, int32_t a_step, const float *b, const float *bias,
                                 float *oi, int32_t k, int32_t n, int32_t transpose_b, mc_act act) {
    float acc[8];
    int32_t j = 0;
    if (transpose_b) {
        for (; j + 8 <= n; j += 8) {
            dot_rows(ai, a_step, b + j * k, k, 8, acc);
            store(oi + j, acc, bias != NULL ? bias + j : NULL, 8, act);
        }
        if (j + 4 <= n) {
            dot_rows(ai, a_step, b + j * k, k, 4, acc);
            store(oi + j, acc, bias != NULL ? bias + j : NULL, 4, act);
            j += 4;
        }
        for (; j < n; ++j) {
            dot_rows(ai, a_step, b + j * k, k, 1, acc);
            store(oi + j, acc, bias != NULL ? bias + j : NULL, 1, act);
        }
    } else {
        for (; j + 8 <= n; j += 8) {
            dot_cols(ai, a_step, b + j, k, n, 8, acc);
            store(oi + j, acc, bias != NULL ? bias + j : NULL, 8, act);
        }
        if (j + 4 <= n) {
            dot_cols(ai, a_step, b + j, k, n, 4, acc);
            store(oi + j, acc, bias != NULL ? bias + j : NULL, 4, act);
            j += 4;
        }
        for (; j < n; ++j) {
            dot_cols(ai, a_step, b + j, k, n, 1, acc);
            store(oi + j, acc, bias != NULL ? bias + j : NULL, 1, act);
        }
    }
}

void mc_matmul_f32(const float *a, const float *b, const float *bias, float *out,
                   int32_t m, int32_t k, int32_t n, int32_t transpose_a, int32_t transpose_b,
                   mc_act act) {
    int32_t i;
    for (i = 0; i < m; ++i) {
        /* op(a)[i][kk] = a[i * k + kk], or a[kk * m + i] when transpose_a */
        if (transpose_a) {
            matmul_row(a + i, m, b, bias, out + i * n, k, n, transpose_b, act);
        } else {
            matmul_row(a + i * k, 1, b, bias, out + i * n, k, n, transpose_b, act);
        }
    }
}
