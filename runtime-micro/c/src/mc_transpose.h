/* out = in with its axes permuted: out axis i is in axis perm[i]. */
#ifndef MC_TRANSPOSE_H
#define MC_TRANSPOSE_H

#include "mc_common.h"

typedef struct {
    int32_t rank;                    /* 1..MC_MAX_RANK */
    int32_t in_dims[MC_MAX_RANK];
    int32_t perm[MC_MAX_RANK];
} mc_transpose_params;

void mc_transpose_f32(const float *in, float *out, const mc_transpose_params *p);

/* The same for any tensor of 1, 2 or 4-byte elements (int8, int16, int32): the bits are moved. */
void mc_transpose_8bit(const void *in, void *out, const mc_transpose_params *p);
void mc_transpose_16bit(const void *in, void *out, const mc_transpose_params *p);
void mc_transpose_32bit(const void *in, void *out, const mc_transpose_params *p);

#endif
