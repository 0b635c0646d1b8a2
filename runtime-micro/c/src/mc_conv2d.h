/* 2-D convolution, NCHW input and output, weights [out_c][in_c/groups][k_h][k_w] (MindSpore's layout).
 * Covers grouped and depthwise convolution (groups == in_c == out_c) and dilation. */
#ifndef MC_CONV2D_H
#define MC_CONV2D_H

#include "mc_common.h"

typedef struct {
    int32_t batch;
    int32_t in_c, in_h, in_w;
    int32_t out_c, out_h, out_w;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;   /* bottom/right padding is implied by out_h/out_w */
    int32_t groups;
    mc_act act;
} mc_conv2d_params;

/* The compiler knows every shape and calls the fastest entry point that applies, so a model links
 * only the kernels it uses. bias may be NULL; it has out_c elements. */

/* Any convolution: grouped, strided, dilated, padded. */
void mc_conv2d_general_f32(const float *in, const float *weight, const float *bias, float *out,
                           const mc_conv2d_params *p);

/* The same with a fixed kernel width and stride along w and dilation_w == 1 (anything along h,
 * any padding and groups): k_w 5 stride_w 1, k_w 3 stride_w 1, k_w 3 stride_w 2, k_w 4
 * stride_w 2 (no depthwise variant). Their interior
 * columns are unrolled. */
void mc_conv2d_k5s1_f32(const float *in, const float *weight, const float *bias, float *out,
                        const mc_conv2d_params *p);
void mc_conv2d_k3s1_f32(const float *in, const float *weight, const float *bias, float *out,
                        const mc_conv2d_params *p);
void mc_conv2d_k3s2_f32(const float *in, const float *weight, const float *bias, float *out,
                        const mc_conv2d_params *p);
void mc_conv2d_k4s2_f32(const float *in, const float *weight, const float *bias, float *out,
                        const mc_conv2d_params *p);

/* Depthwise: groups == in_c, so each output plane reads one input plane (any channel multiplier
 * out_c / in_c); any stride, dilation and padding. */
void mc_conv2d_depthwise_f32(const float *in, const float *weight, const float *bias, float *out,
                             const mc_conv2d_params *p);

/* Depthwise with k_w / stride_w fixed as above (dilation_w == 1). */
void mc_conv2d_depthwise_k5s1_f32(const float *in, const float *weight, const float *bias,
                                  float *out, const mc_conv2d_params *p);
void mc_conv2d_depthwise_k3s1_f32(const float *in, const float *weight, const float *bias,
                                  float *out, const mc_conv2d_params *p);
void mc_conv2d_depthwise_k3s2_f32(const float *in, const float *weight, const float *bias,
                                  float *out, const mc_conv2d_params *p);

/* Depthwise 3x3 with stride 1 / 2 along both axes, dilation 1, padding at most 1 on every side
 * (pad_top, pad_left <= 1, (out_h - 1) * stride - pad_top + 3 <= in_h + 1 and the same along w),
 * in_h >= 2 and in_w >= 2; any channel multiplier. */
void mc_conv2d_depthwise_3x3s1_f32(const float *in, const float *weight, const float *bias,
                                   float *out, const mc_conv2d_params *p);
void mc_conv2d_depthwise_3x3s2_f32(const float *in, const float *weight, const float *bias,
                                   float *out, const mc_conv2d_params *p);

/* Pointwise: 1x1 kernel, stride 1, no padding, groups 1, so out_h == in_h and out_w == in_w; a
 * matrix product per batch item. */
void mc_conv2d_pointwise_f32(const float *in, const float *weight, const float *bias, float *out,
                             const mc_conv2d_params *p);

/* Strided pointwise: 1x1 kernel, stride_w 2 (any stride_h), no padding, groups 1 (a ResNet
 * shortcut). out_h/out_w as given: every output reads input (oh * stride_h, 2 * ow). */
void mc_conv2d_pointwise_s2_f32(const float *in, const float *weight, const float *bias,
                                float *out, const mc_conv2d_params *p);

/* Any shape in plain loops: the smallest code (`--optimize size`). */
void mc_conv2d_compact_f32(const float *in, const float *weight, const float *bias, float *out,
                           const mc_conv2d_params *p);

/* A dense layer, a [m][k] times b stored [n][k] (plus bias[n], which may be NULL), on the compact
 * convolution: `--optimize size` then links one kernel for convolutions and dense layers. */
void mc_matmul_dense_compact_f32(const float *a, const float *b, const float *bias, float *out, int32_t m,
                                 int32_t k, int32_t n, mc_act act);

/* The blocked compact kernel (`--optimize size`, groups 1, dilation 1, batch 1): a convolution, or a
 * dense layer as one whose kernel spans its whole 1 x k input, with an optional max pool fused into
 * its epilogue. The compiler stores the weights in blocks of MC_BLOCK_LANES output channels, tap by
 * tap: block b holds, for each input channel, kernel row and kernel column, the weights of its
 * channels side by side ([out_c / lanes][in_c][k_h][k_w][lanes]; the last block has out_c mod lanes
 * channels, or lanes), followed by lanes - (last block's channels) zeros, because every tap loads a
 * full block's lanes. Fields are 16-bit (the compiler uses this kernel only where they fit): a
 * layer's parameters are 28 bytes of flash. */
#define MC_BLOCK_LANES 8
typedef struct {
    int16_t in_c, in_h, in_w;
    int16_t out_c, out_h, out_w;   /* the convolution's output, before pooling */
    int16_t k_h, k_w, stride_h, stride_w, pad_top, pad_left;
    int16_t pool;                  /* a fused max pool, window = stride = pool (1: none) */
    uint8_t act;                   /* mc_act, applied before the pool */
    uint8_t bias_last;             /* 1: sum from zero, bias added last (dense layers); 0: sum from the bias (convolutions) */
} mc_conv2d_blocked_params;

void mc_conv2d_blocked_f32(const float *in, const float *weight, const float *bias, float *out,
                           const mc_conv2d_blocked_params *p);

#endif
