/* TRANSPOSE_CONV, NHWC, weights [out_c][k_h][k_w][in_c], bit for bit as TFLite's reference kernels
 * (reference_integer_ops/transpose_conv.h, reference/transpose_conv.h). The params are the conv
 * structs of mc_conv2d_nhwc.h with in_* the op's input and out_* its output; pad_top/pad_left are
 * TFLite's computed padding; dilation and depth_multiplier are not used. bias may be NULL.
 *
 * TFLite scatters every input pixel into an accumulator the size of the output (int32 / int64
 * scratch for the integer kernels). These kernels gather instead: each output sums the input
 * pixels (iy, ix) with iy * stride - pad + ky == oy for some kernel tap, so they need no scratch
 * buffer. Integer sums do not depend on the order; the float sum visits the inputs in TFLite's
 * order (input row, input column, input channel), so it is TFLite's to the bit. */
#ifndef MC_TRANSPOSE_CONV_H
#define MC_TRANSPOSE_CONV_H

#include "mc_conv2d_nhwc.h"

void mc_transpose_conv_nhwc_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                               const mc_qconv2d_params *p);
void mc_transpose_conv_nhwc_s16(const int16_t *in, const int8_t *w, const int64_t *bias,
                                int16_t *out, const mc_qconv2d_params *p);
void mc_transpose_conv_nhwc_f32(const float *in, const float *w, const float *bias, float *out,
                                const mc_conv2d_nhwc_params *p);

#endif
