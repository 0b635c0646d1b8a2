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

/* bias may be NULL; it has out_c elements. */
void mc_conv2d_f32(const float *in, const float *weight, const float *bias, float *out,
                   const mc_conv2d_params *p);

#endif
