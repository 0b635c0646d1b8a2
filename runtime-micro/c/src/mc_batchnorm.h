/* Batch normalisation for inference:
 *   out = (in - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + offset[c]
 * The tensor is viewed as [outer][channels][inner] (NCHW: outer = N, inner = H*W). in == out is
 * allowed. */
#ifndef MC_BATCHNORM_H
#define MC_BATCHNORM_H

#include "mc_common.h"

void mc_batchnorm_f32(const float *in, const float *scale, const float *offset,
                      const float *mean, const float *variance, float epsilon, float *out,
                      int32_t outer, int32_t channels, int32_t inner);

#endif
