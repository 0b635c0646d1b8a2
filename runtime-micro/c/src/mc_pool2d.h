/* 2-D max and average pooling, NCHW. */
#ifndef MC_POOL2D_H
#define MC_POOL2D_H

#include "mc_common.h"

typedef struct {
    int32_t batch, channels;
    int32_t in_h, in_w;
    int32_t out_h, out_w;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;   /* bottom/right padding is implied by out_h/out_w */
    /* Average pooling only: 1 divides by k_h*k_w always, 0 by the number of window cells that fall
     * inside the input (padding excluded). Ignored by max pooling, where padding never wins. */
    int32_t count_include_pad;
} mc_pool2d_params;

/* Any window. */
void mc_maxpool2d_f32(const float *in, float *out, const mc_pool2d_params *p);
void mc_avgpool2d_f32(const float *in, float *out, const mc_pool2d_params *p);

/* k_h == k_w == 2, or 3 (any stride and padding): the window loops are unrolled. */
void mc_maxpool2d_k2_f32(const float *in, float *out, const mc_pool2d_params *p);
void mc_maxpool2d_k3_f32(const float *in, float *out, const mc_pool2d_params *p);
void mc_avgpool2d_k2_f32(const float *in, float *out, const mc_pool2d_params *p);
void mc_avgpool2d_k3_f32(const float *in, float *out, const mc_pool2d_params *p);

/* Any window in plain loops: the smallest code (`--optimize size`). */
void mc_maxpool2d_compact_f32(const float *in, float *out, const mc_pool2d_params *p);
void mc_avgpool2d_compact_f32(const float *in, float *out, const mc_pool2d_params *p);

#endif
