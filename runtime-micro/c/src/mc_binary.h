/* Element-wise binary operators with NumPy broadcasting.
 *
 * The compiler resolves broadcasting at compile time into an mc_bcast: the output shape and, for each
 * operand, the element stride of every output axis (0 where the operand is broadcast along it). It
 * first merges adjacent axes that behave alike, so a same-shape operation arrives as rank 1 and a
 * scalar operand as a single zero stride. out may alias a or b when that operand is not broadcast. */
#ifndef MC_BINARY_H
#define MC_BINARY_H

#include "mc_common.h"

typedef struct {
    int32_t rank;                     /* 1..MC_MAX_RANK */
    int32_t out_dims[MC_MAX_RANK];
    int32_t a_strides[MC_MAX_RANK];
    int32_t b_strides[MC_MAX_RANK];
} mc_bcast;

/* The rows an mc_bcast walks: every output axis but the last, multiplied out. */
static inline int32_t mc_bcast_rows(const mc_bcast *bc) {
    int32_t rows = 1, d;
    for (d = 0; d < bc->rank - 1; ++d) {
        rows *= bc->out_dims[d];
    }
    return rows;
}

/* Moves the operands' element offsets from one row to the next: an odometer step over axes
 * rank-2 .. 0, idx holding each axis's position (zeroed by the caller before the first row). */
static inline void mc_bcast_next_row(const mc_bcast *bc, int32_t *idx, int32_t *a_off,
                                     int32_t *b_off) {
    int32_t d;
    for (d = bc->rank - 2; d >= 0; --d) {
        *a_off += bc->a_strides[d];
        *b_off += bc->b_strides[d];
        if (++idx[d] < bc->out_dims[d]) {
            return;
        }
        idx[d] = 0;
        *a_off -= bc->a_strides[d] * bc->out_dims[d];
        *b_off -= bc->b_strides[d] * bc->out_dims[d];
    }
}

void mc_add_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_sub_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_mul_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_div_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_maximum_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_minimum_f32(const float *a, const float *b, float *out, const mc_bcast *bc);

#endif
