#include "mc_pool2d_nhwc.h"

/* One output pixel at a time: the window's valid rows [kh0, kh1) and columns [kw0, kw1) are found
 * once, then every channel walks them (cells row by row, left to right, the reference's order, which
 * matters for the float sum). */

/* Window cells [*k0, *k1) whose input coordinate start + k lies in [0, size). */
static void valid_cells(int32_t start, int32_t k_size, int32_t size, int32_t *k0, int32_t *k1) {
    int32_t b = start < 0 ? -start : 0;
    int32_t e = start + k_size > size ? size - start : k_size;
    *k0 = b;
    *k1 = e < b ? b : e;
}

/* Integer division of a sum by the cell count, rounding half away from zero (the reference's
 * "acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n"; C99 division truncates toward zero). */
static int32_t rounded_average(int32_t sum, int32_t n) {
    if (n == 0) {
        return 0;
    }
    return sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
}

static int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

#define MC_QPOOL(name, T, LOWEST, IS_MAX)                                                       \
    void name(const T *in, T *out, const mc_qpool2d_params *p) {                                \
        const int32_t c_n = p->channels;                                                        \
        const int32_t row = p->in_w * c_n;                                                      \
        int32_t b, oh, ow, c, kh, kw;                                                           \
        for (b = 0; b < p->batch; ++b) {                                                        \
            const T *img = in + b * p->in_h * row;                                              \
            for (oh = 0; oh < p->out_h; ++oh) {                                                 \
                const int32_t ih0 = oh * p->stride_h - p->pad_top;                              \
                int32_t kh0, kh1;                                                               \
                valid_cells(ih0, p->k_h, p->in_h, &kh0, &kh1);                                  \
                for (ow = 0; ow < p->out_w; ++ow) {                                             \
                    const int32_t iw0 = ow * p->stride_w - p->pad_left;                         \
                    int32_t kw0, kw1;                                                           \
                    valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);                              \
                    for (c = 0; c < c_n; ++c) {                                                 \
                        /* never formed outside the input: the window may lie in the padding */ \
                        const T *x = img + c;                                                   \
                        int32_t acc = IS_MAX ? (LOWEST) : 0;                                    \
                        for (kh = ih0 + kh0; kh < ih0 + kh1; ++kh) {                            \
                            for (kw = iw0 + kw0; kw < iw0 + kw1; ++kw) {                        \
                                const int32_t v = x[kh * row + kw * c_n];                       \
                                if (IS_MAX) {                                                   \
                                    acc = v > acc ? v : acc;                                    \
                                } else {                                                        \
                                    acc += v;                                                   \
                                }                                                               \
                            }                                                                   \
                        }                                                                       \
                        if (!IS_MAX) {                                                          \
                            acc = rounded_average(acc, (kh1 - kh0) * (kw1 - kw0));              \
                        }                                                                       \
                        *out++ = (T)clamp_i32(acc, p->act_min, p->act_max);                     \
                    }                                                                           \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

MC_QPOOL(mc_avgpool2d_nhwc_s8, int8_t, -128, 0)
MC_QPOOL(mc_avgpool2d_nhwc_s16, int16_t, -32768, 0)
MC_QPOOL(mc_maxpool2d_nhwc_s8, int8_t, -128, 1)
MC_QPOOL(mc_maxpool2d_nhwc_s16, int16_t, -32768, 1)

/* Float: the reference sums in float and divides by the cell count converted to float; the max
 * starts from the lowest finite float. Then min(max(v, act_min), act_max). */
static void pool_f32(const float *in, float *out, const mc_pool2d_nhwc_params *p, int is_max) {
    const int32_t c_n = p->channels;
    const int32_t row = p->in_w * c_n;
    int32_t b, oh, ow, c, kh, kw;
    for (b = 0; b < p->batch; ++b) {
        const float *img = in + b * p->in_h * row;
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh0, kh1;
            valid_cells(ih0, p->k_h, p->in_h, &kh0, &kh1);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw0, kw1, cells;
                valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);
                cells = (kh1 - kh0) * (kw1 - kw0);
                for (c = 0; c < c_n; ++c) {
                    const float *x = img + c;
                    float acc = is_max ? -3.40282347e+38f : 0.0f;
                    for (kh = ih0 + kh0; kh < ih0 + kh1; ++kh) {
                        for (kw = iw0 + kw0; kw < iw0 + kw1; ++kw) {
                            const float v = x[kh * row + kw * c_n];
                            if (is_max) {
                                acc = acc < v ? v : acc;
                            } else {
                                acc += v;
                            }
                        }
                    }
                    if (!is_max && cells > 0) {
                        acc = acc / (float)cells;
                    }
                    acc = acc < p->act_min ? p->act_min : acc;
                    *out++ = acc > p->act_max ? p->act_max : acc;
                }
            }
        }
    }
}

void mc_avgpool2d_nhwc_f32(const float *in, float *out, const mc_pool2d_nhwc_params *p) {
    pool_f32(in, out, p, 0);
}

void mc_maxpool2d_nhwc_f32(const float *in, float *out, const mc_pool2d_nhwc_params *p) {
    pool_f32(in, out, p, 1);
}
