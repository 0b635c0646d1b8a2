/* out = in + bias broadcast along the channel axis. The tensor is viewed as
 * [outer][channels][inner]: NCHW gives outer = N, inner = H*W; a [N][C] matrix gives inner = 1.
 * in == out is allowed. */
#ifndef MC_BIAS_ADD_H
#define MC_BIAS_ADD_H

#include "mc_common.h"

void mc_bias_add_f32(const float *in, const float *bias, float *out,
                     int32_t outer, int32_t channels, int32_t inner);

#endif
