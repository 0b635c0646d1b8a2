/* int8 depthwise convolution on the Cortex-M4's DSP instructions (mc_simd.h): the results of
 * mc_depthwise_conv2d_nhwc_s8 (TFLite's reference kernel) bit for bit (the general kernel in both
 * roundings, the 3x3 one within its precondition, below), from the same params and the weights in TFLite's stored layout [1][k_h][k_w][out_c].
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

/* 3x3 kernels, dilation 1, any stride and padding (MobileNet's): every pixel through one unrolled
 * path over a ring of three framed rows (mc_qdepthwise.c), 3 x 34 x 8 B = 816 B of stack.
 * Precondition, which it does not check (the compiler's kernel registry gives it only such layers,
 * CKernels.depthwise3x3; everything else takes mc_depthwise_conv2d_nhwc_s8_simd):
 *   - out_c a multiple of 4, and depth_multiplier 1 or a multiple of 4;
 *   - rounding MC_ROUND_DOUBLE, |out_offset| <= 255;
 *   - per output channel: out_mult >= 0, -22 <= out_shift <= -1, and |bias| + 9 * 255 * 128 < 2^29
 *     (the sums' bound, so that the 32-bit epilogue mc_rq_small2 is exact).
 * Reads batch, in_h, in_w, in_c, out_h, out_w, out_c, stride_h, stride_w, pad_top, pad_left,
 * depth_multiplier, in_offset, out_offset, act_min, act_max, out_mult and out_shift of p (not k_h,
 * k_w, dilation_h, dilation_w or rounding, which the precondition fixes). */
void mc_depthwise_conv2d_nhwc_s8_3x3(const int8_t *in, const int8_t *w, const int32_t *bias,
                                     int8_t *out, const mc_qconv2d_params *p);

#endif
