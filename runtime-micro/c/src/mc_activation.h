/* Element-wise unary functions over n floats. in == out (in place) is allowed. */
#ifndef MC_ACTIVATION_H
#define MC_ACTIVATION_H

#include "mc_common.h"

void mc_relu_f32(const float *in, float *out, int32_t n);
void mc_relu6_f32(const float *in, float *out, int32_t n);
void mc_sigmoid_f32(const float *in, float *out, int32_t n);
void mc_tanh_f32(const float *in, float *out, int32_t n);
/* x * relu6(x + 3) / 6 */
void mc_hswish_f32(const float *in, float *out, int32_t n);
/* relu6(x + 3) / 6 */
void mc_hsigmoid_f32(const float *in, float *out, int32_t n);
/* x >= 0 ? x : alpha * x */
void mc_leaky_relu_f32(const float *in, float *out, int32_t n, float alpha);
void mc_abs_f32(const float *in, float *out, int32_t n);

#endif
