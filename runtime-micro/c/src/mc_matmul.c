#include "mc_matmul.h"

/* Each row of out is computed 8 columns at a time: 8 dot products of the row op(a)[i] with 8
 * columns of op(b), sharing each load of a and keeping the 8 sums in registers, so that each
 * element of b costs one load and one multiply-add. Two loop shapes, by the layout of b:
 *   - [N][K] (transpose_b, nn.Dense): the 8 columns are 8 contiguous rows of b, walked by 8
 *     pointers;
 *   - [K][N]: the 8 columns are adjacent, read at fixed offsets from one pointer that moves down
 *     one row of b per step.
 * When n is not a multiple of 8 the last block is moved back to end at column n, recomputing a
 * few columns rather than adding narrower copies of the loop; only n < 8 uses the one-column loop.
 * op(a) is read through a pointer that advances a_step per k (1, or m when transpose_a). Sums run
 * over k in order; the bias is added after the sum and before the fused activation. */

#define BLOCK 8   /* also the count in the unroll pragmas, which keep the 8 sums in registers */

#if defined(__GNUC__)
#define MC_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define MC_ALWAYS_INLINE static inline
#endif

static void store(float *out, const float *sum, const float *bias, int32_t count, mc_act act) {
    int32_t j;
    for (j = 0; j < count; ++j) {
        out[j] = mc_apply_act(bias != NULL ? sum[j] + bias[j] : sum[j], act);
    }
}

/* 8 dot products of a (stride a_step) with the contiguous rows b, b + k, ..., b + 7k. */
MC_ALWAYS_INLINE void dot_rows(const float *a, int32_t a_step, const float *b, int32_t k,
                               float *sum) {
    const float *row[BLOCK];
    float s[BLOCK];
    int32_t kk, j;
#pragma GCC unroll 8
    for (j = 0; j < BLOCK; ++j) {
        row[j] = b + j * k;
        s[j] = 0.0f;
    }
    for (kk = 0; kk < k; ++kk) {
        const float av = *a;
#pragma GCC unroll 8
    for (j = 0; j < BLOCK; ++j) {
            s[j] += av * row[j][kk];
        }
        a += a_step;
    }
#pragma GCC unroll 8
    for (j = 0; j < BLOCK; ++j) {
        sum[j] = s[j];
    }
}

/* 8 adjacent columns of a [K][N] matrix b times a (stride a_step). */
MC_ALWAYS_INLINE void dot_cols(const float *a, int32_t a_step, const float *b, int32_t k,
                               int32_t n, float *sum) {
    float s[BLOCK];
    int32_t kk, j;
#pragma GCC unroll 8
    for (j = 0; j < BLOCK; ++j) {
        s[j] = 0.0f;
    }
    for (kk = 0; kk < k; ++kk) {
        const float av = *a;
#pragma GCC unroll 8
    for (j = 0; j < BLOCK; ++j) {
            s[j] += av * b[j];
        }
        a += a_step;
        b += n;
    }
#pragma GCC unroll 8
    for (j = 0; j < BLOCK; ++j) {
        sum[j] = s[j];
    }
}

/* One dot product of a (stride a_step) with a column of op(b) (stride k_step). */
static float dot(const float *a, int32_t a_step, const float *b, int32_t k_step, int32_t k) {
    float s = 0.0f;
    int32_t kk;
    for (kk = 0; kk < k; ++kk) {
        s += *a * *b;
        a += a_step;
        b += k_step;
    }
    return s;
}

/* One row of out: blocks of 8 columns (the last one moved back to end at n), or single columns
 * when n < 8. Inlined with a constant a_step for plain a, which lets the inner loop step a with a
 * post-incremented load (one instruction fewer per 8 multiply-adds). */
MC_ALWAYS_INLINE void matmul_row(const float *ai, int32_t a_step, const float *b, int32_t transpose_b,
                       const float *bias, float *oi, int32_t k, int32_t n, mc_act act) {
    float sum[BLOCK];
    int32_t j;
    if (n < BLOCK) {
        for (j = 0; j < n; ++j) {
            sum[0] = transpose_b ? dot(ai, a_step, b + j * k, 1, k) : dot(ai, a_step, b + j, n, k);
            store(oi + j, sum, bias != NULL ? bias + j : NULL, 1, act);
        }
        return;
    }
    for (j = 0; j < n; j += BLOCK) {
        if (j > n - BLOCK) {
            j = n - BLOCK;
        }
        if (transpose_b) {
            dot_rows(ai, a_step, b + j * k, k, sum);
        } else {
            dot_cols(ai, a_step, b + j, k, n, sum);
        }
        store(oi + j, sum, bias != NULL ? bias + j : NULL, BLOCK, act);
    }
}

void mc_matmul_f32(const float *a, const float *b, const float *bias, float *out,
                   int32_t m, int32_t k, int32_t n, int32_t transpose_a, int32_t transpose_b,
                   mc_act act) {
    int32_t i;
    for (i = 0; i < m; ++i) {
        /* op(a)[i][kk] = a[i * k + kk], or a[kk * m + i] when transpose_a */
        if (transpose_a) {
            matmul_row(a + i, m, b, transpose_b, bias, out + i * n, k, n, act);
        } else {
            matmul_row(a + i * k, 1, b, transpose_b, bias, out + i * n, k, n, act);
        }
    }
}

void mc_matmul_dense_f32(const float *a, const float *b, const float *bias, float *out,
                         int32_t m, int32_t k, int32_t n, mc_act act) {
    int32_t i;
    for (i = 0; i < m; ++i) {
        matmul_row(a + i * k, 1, b, 1, bias, out + i * n, k, n, act);
    }
}

/* The compact kernel (`--optimize size`): one plain dot product per output, any transposition, the
 * sum in a register; the same order (over k, then the bias) as the blocked kernels, so the same bits. */
void mc_matmul_compact_f32(const float *restrict a, const float *restrict b, const float *restrict bias,
                           float *restrict out, int32_t m, int32_t k, int32_t n, int32_t transpose_a,
                           int32_t transpose_b, mc_act act) {
    /* op(a)[i][kk] = a[i * a_i + kk * a_k], op(b)[kk][j] = b[kk * b_k + j * b_j] */
    const int32_t a_i = transpose_a ? 1 : k, a_k = transpose_a ? m : 1;
    const int32_t b_j = transpose_b ? k : 1, b_k = transpose_b ? 1 : n;
    int32_t i, j, kk;
    for (i = 0; i < m; ++i) {
        for (j = 0; j < n; ++j) {
            const float *x = a + i * a_i;
            const float *y = b + j * b_j;
            float s = 0.0f;
            for (kk = 0; kk < k; ++kk, x += a_k, y += b_k) {
                s += *x * *y;
            }
            *out++ = mc_apply_act(bias != NULL ? s + bias[j] : s, act);
        }
    }
}
