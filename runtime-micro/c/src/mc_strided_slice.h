/* Strided slice: out[i0..] = in[begin[0] + i0*strides[0], ...] for every out index; strides may be
 * negative. The compiler resolves masks and negative indices, so begin is always in range. */
#ifndef MC_STRIDED_SLICE_H
#define MC_STRIDED_SLICE_H

#include "mc_common.h"

typedef struct {
    int32_t rank;                     /* 1..MC_MAX_RANK */
    int32_t in_dims[MC_MAX_RANK];
    int32_t out_dims[MC_MAX_RANK];
    int32_t begin[MC_MAX_RANK];
    int32_t strides[MC_MAX_RANK];
} mc_strided_slice_params;

void mc_strided_slice_f32(const float *in, float *out, const mc_strided_slice_params *p);

/* The same for any tensor of 1, 2 or 4-byte elements (int8, int16, int32): the bits are moved. */
void mc_strided_slice_8bit(const void *in, void *out, const mc_strided_slice_params *p);
void mc_strided_slice_16bit(const void *in, void *out, const mc_strided_slice_params *p);
void mc_strided_slice_32bit(const void *in, void *out, const mc_strided_slice_params *p);

#endif
