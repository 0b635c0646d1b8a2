/* Matrix product out[M][N] = op(a) * op(b) (+ bias[N]), with an optional fused activation.
 * a is [M][K], or [K][M] when transpose_a; b is [K][N], or [N][K] when transpose_b
 * (nn.Dense exports transpose_b = 1 with weights [out][in]). bias may be NULL. */
#ifndef MC_MATMUL_H
#define MC_MATMUL_H

#include "mc_common.h"

void mc_matmul_f32(const float *a, const float *b, const float *bias, float *out,
                   int32_t m, int32_t k, int32_t n, int32_t transpose_a, int32_t transpose_b,
                   mc_act act);

/* The same with a [M][K] and b [N][K] (transpose_a 0, transpose_b 1: nn.Dense), a model that has
 * only these links only the one loop shape. */
void mc_matmul_dense_f32(const float *a, const float *b, const float *bias, float *out,
                         int32_t m, int32_t k, int32_t n, mc_act act);

/* Any shape and transposition in plain loops: the smallest code (`--optimize size`). */
void mc_matmul_compact_f32(const float *a, const float *b, const float *bias, float *out,
                           int32_t m, int32_t k, int32_t n, int32_t transpose_a, int32_t transpose_b,
                           mc_act act);

#endif
