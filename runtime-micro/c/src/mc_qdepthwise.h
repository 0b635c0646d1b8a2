/* int8 depthwise convolution on the Cortex-M4's DSP instructions (mc_simd.h): the results of
 * mc_depthwise_conv2d_nhwc_s8 (TFLite's reference kernel) bit for bit, in both roundings, from the
 * same params and the weights in TFLite's stored layout [1][k_h][k_w][out_c].
 *
 * Four output channels at a time: one word load brings four input channels and one four weights;
 * SXTB16 splits each into two pairs of 16-bit lanes, SADD16 adds the input offset to both lanes at
 * once (x + offset lies in [-255, 255]), and SMLABB / SMLATT multiply lane by lane into four
 * separate sums. With a depth multiplier of 4k the four channels of a block read one input value,
 * which SMLABB / SMLATB take from its bottom lane. Channels beyond the last full block take a plain
 * loop. Requantization: mc_qrequant.h. On the host the instructions are mc_simd.h's portable
 * definitions, so the host tests check this source. */
#ifndef MC_QDEPTHWISE_H
#define MC_QDEPTHWISE_H

#include "mc_conv2d_nhwc.h"
#include "mc_qrequant.h"
#include "mc_simd.h"

/* Any kernel size, stride, dilation and padding; depth_multiplier 1 or a multiple of 4. */
void mc_depthwise_conv2d_nhwc_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias,
                                      int8_t *out, const mc_qconv2d_params *p);

/* 3x3 kernels, dilation 1, depth_multiplier 1 (MobileNet's, stride 1 or 2, any padding): the nine
 * taps of every pixel whose window lies inside the input unrolled; border pixels take the general
 * loop. */
void mc_depthwise_conv2d_nhwc_s8_3x3(const int8_t *in, const int8_t *w, const int32_t *bias,
                                     int8_t *out, const mc_qconv2d_params *p);

#endif
