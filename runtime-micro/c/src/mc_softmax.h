/* Softmax along one axis. The tensor is viewed as [outer][axis_len][inner]. Numerically stable
 * (subtracts the maximum along the axis). */
#ifndef MC_SOFTMAX_H
#define MC_SOFTMAX_H

#include "mc_common.h"

void mc_softmax_f32(const float *in, float *out, int32_t outer, int32_t axis_len, int32_t inner);

/* log(softmax(x)) = (x - max) - log(sum(exp(x - max))) along the axis, same layout; in == out works. */
void mc_log_softmax_f32(const float *in, float *out, int32_t outer, int32_t axis_len, int32_t inner);

#endif
