/* Mean over a set of axes. The input has rank dims; reduced[i] != 0 marks a reduced axis. The output
 * holds the kept axes in order (keep_dims does not change the memory layout). */
#ifndef MC_REDUCE_H
#define MC_REDUCE_H

#include "mc_common.h"

typedef struct {
    int32_t rank;                     /* 1..MC_MAX_RANK */
    int32_t in_dims[MC_MAX_RANK];
    int32_t reduced[MC_MAX_RANK];
} mc_reduce_params;

void mc_reduce_mean_f32(const float *in, float *out, const mc_reduce_params *p);

#endif
