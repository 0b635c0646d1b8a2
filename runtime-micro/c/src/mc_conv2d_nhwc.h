/* 2-D convolution and depthwise convolution in TFLite's layout and arithmetic: NHWC activations,
 * int8 (per-channel quantized), int16x8 ("16x8": int16 activations, int8 weights, int64 bias) and
 * float32, bit for bit as TFLite's reference kernels (reference_integer_ops/conv.h,
 * depthwise_conv.h; reference/conv.h, depthwiseconv_float.h).
 *
 * Padding is implicit: taps outside the input contribute nothing (for int8 that is the input zero
 * point, since the offset is added to each in-image tap only). Bottom/right padding follows from
 * out_h/out_w. bias may be NULL; it has out_c elements. */
#ifndef MC_CONV2D_NHWC_H
#define MC_CONV2D_NHWC_H

#include "mc_quant.h"

typedef struct {
    int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
    int32_t depth_multiplier;          /* depthwise: out_c / in_c; 1 otherwise */
    int32_t in_offset;                 /* -(input zero point); 0 for int16 (ignored there) */
    int32_t out_offset;                /* output zero point; 0 for int16 (ignored there) */
    int32_t act_min, act_max;          /* clamp in the output's quantized domain */
    mc_rounding rounding;
    const int32_t *out_mult;           /* [out_c] */
    const int8_t *out_shift;           /* [out_c], each in [-31, 30] */
} mc_qconv2d_params;

typedef struct {
    int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
    int32_t depth_multiplier;
    float act_min, act_max;            /* the fused activation as a clamp (-inf/inf: none) */
} mc_conv2d_nhwc_params;

/* CONV_2D: weights [out_c][k_h][k_w][in_c]. Per output: the sum over kernel row, kernel column and
 * input channel of w * (x + in_offset) in int32, + bias, requantized with the output channel's
 * multiplier and shift, + out_offset, clamped. */
void mc_conv2d_nhwc_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                       const mc_qconv2d_params *p);
/* 16x8: the sum of w * x in int64, + the int64 bias, requantized by mc_requantize64, clamped. */
void mc_conv2d_nhwc_s16(const int16_t *in, const int8_t *w, const int64_t *bias, int16_t *out,
                        const mc_qconv2d_params *p);
/* float: the same sum in that order in float, + bias, clamped to [act_min, act_max]. */
void mc_conv2d_nhwc_f32(const float *in, const float *w, const float *bias, float *out,
                        const mc_conv2d_nhwc_params *p);

/* DEPTHWISE_CONV_2D: weights [1][k_h][k_w][out_c]; output channel oc = ic * depth_multiplier + m
 * reads input channel ic only. */
void mc_depthwise_conv2d_nhwc_s8(const int8_t *in, const int8_t *w, const int32_t *bias,
                                 int8_t *out, const mc_qconv2d_params *p);
void mc_depthwise_conv2d_nhwc_s16(const int16_t *in, const int8_t *w, const int64_t *bias,
                                  int16_t *out, const mc_qconv2d_params *p);
void mc_depthwise_conv2d_nhwc_f32(const float *in, const float *w, const float *bias, float *out,
                                  const mc_conv2d_nhwc_params *p);

#endif
