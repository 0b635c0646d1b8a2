/* 2-D max and average pooling, NHWC (TFLite's AVERAGE_POOL_2D and MAX_POOL_2D), for int8, int16 and
 * float32, bit for bit TFLite's reference kernels (reference_ops / reference_integer_ops pooling.h).
 *
 * Only the window cells inside the input count: an average divides by the number of cells inside
 * the input (TFLite never counts padding), and a max starts from the type's lowest value. The integer
 * average rounds half away from zero. The result is clamped to [act_min, act_max], the fused
 * activation's range in the output's quantized domain (the output has the input's scale and zero
 * point in TFLite, so no requantization happens). A window entirely in the padding (TFLite refuses
 * such a model) gives the average 0 and the max the type's lowest value, each clamped. */
#ifndef MC_POOL2D_NHWC_H
#define MC_POOL2D_NHWC_H

#include "mc_common.h"

typedef struct {
    int32_t batch, in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;       /* bottom/right padding is implied by out_h/out_w */
    int32_t act_min, act_max;        /* quantized fused-activation range */
} mc_qpool2d_params;

typedef struct {
    int32_t batch, in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;
    float act_min, act_max;          /* -FLT_MAX/FLT_MAX (or +-inf) when no activation is fused */
} mc_pool2d_nhwc_params;

void mc_avgpool2d_nhwc_s8(const int8_t *in, int8_t *out, const mc_qpool2d_params *p);
void mc_avgpool2d_nhwc_s16(const int16_t *in, int16_t *out, const mc_qpool2d_params *p);
void mc_maxpool2d_nhwc_s8(const int8_t *in, int8_t *out, const mc_qpool2d_params *p);
void mc_maxpool2d_nhwc_s16(const int16_t *in, int16_t *out, const mc_qpool2d_params *p);
void mc_avgpool2d_nhwc_f32(const float *in, float *out, const mc_pool2d_nhwc_params *p);
void mc_maxpool2d_nhwc_f32(const float *in, float *out, const mc_pool2d_nhwc_params *p);

#endif
