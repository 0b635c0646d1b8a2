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

void mc_add_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_sub_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_mul_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_div_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_maximum_f32(const float *a, const float *b, float *out, const mc_bcast *bc);
void mc_minimum_f32(const float *a, const float *b, float *out, const mc_bcast *bc);

#endif
