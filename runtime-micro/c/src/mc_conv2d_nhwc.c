#include "mc_conv2d_nhwc.h"

/* Structure
 * ---------
 * Every kernel here walks the outputs in NHWC order. Per output pixel it works out once which
 * kernel rows and columns fall inside the input (no bounds test per tap), and per output channel
 * it sums over those taps: kernel row, kernel column, then the channels stored contiguously at
 * that tap (all input channels for CONV_2D, the one channel for DEPTHWISE_CONV_2D). That is the
 * order of TFLite's float reference kernels, so the float sums are the reference's to the bit;
 * integer sums do not depend on the order. Conv and depthwise differ only in the strides between
 * taps and in which input channel an output channel reads, so one description (taps) serves both. */

/* The kernel geometry both params structs share. */
typedef struct {
    int32_t in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w;
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
} geometry;

/* The valid taps of one output pixel and how to step through them. */
typedef struct {
    int32_t rows, cols;      /* kernel rows / columns inside the input */
    int32_t depth;           /* contiguous elements summed at each tap */
    int32_t x_row, x_col;    /* input elements between kernel rows / columns */
    int32_t w_row, w_col;    /* weight elements between kernel rows / columns */
    int32_t x;               /* input element offset of the first valid tap (channel 0) */
    int32_t w;               /* weight element offset of the first valid tap (channel 0) */
} taps;

static geometry geometry_q(const mc_qconv2d_params *p) {
    geometry g;
    g.in_h = p->in_h; g.in_w = p->in_w; g.in_c = p->in_c;
    g.out_h = p->out_h; g.out_w = p->out_w; g.out_c = p->out_c;
    g.k_h = p->k_h; g.k_w = p->k_w;
    g.stride_h = p->stride_h; g.stride_w = p->stride_w;
    g.dilation_h = p->dilation_h; g.dilation_w = p->dilation_w;
    g.pad_top = p->pad_top; g.pad_left = p->pad_left;
    return g;
}

static geometry geometry_f(const mc_conv2d_nhwc_params *p) {
    geometry g;
    g.in_h = p->in_h; g.in_w = p->in_w; g.in_c = p->in_c;
    g.out_h = p->out_h; g.out_w = p->out_w; g.out_c = p->out_c;
    g.k_h = p->k_h; g.k_w = p->k_w;
    g.stride_h = p->stride_h; g.stride_w = p->stride_w;
    g.dilation_h = p->dilation_h; g.dilation_w = p->dilation_w;
    g.pad_top = p->pad_top; g.pad_left = p->pad_left;
    return g;
}

/* First and one-past-last tap k in [0, k_size) with 0 <= origin + k * dilation < size. */
static void valid_taps(int32_t origin, int32_t k_size, int32_t dilation, int32_t size,
                       int32_t *first, int32_t *end) {
    int32_t lo = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
    int32_t hi = k_size;
    if (origin + (k_size - 1) * dilation >= size) {
        hi = size - 1 - origin < 0 ? 0 : (size - 1 - origin) / dilation + 1;
    }
    if (lo > k_size) {
        lo = k_size;
    }
    *first = lo;
    *end = hi < lo ? lo : hi;
}

/* The taps of output pixel (oh, ow) of image b; w_tap is the weight elements per kernel tap
 * (in_c for conv, out_c for depthwise) and depth the elements summed per tap. */
static taps pixel_taps(const geometry *g, int32_t b, int32_t oh, int32_t ow, int32_t w_tap,
                       int32_t depth) {
    int32_t ih0 = oh * g->stride_h - g->pad_top;
    int32_t iw0 = ow * g->stride_w - g->pad_left;
    int32_t kh0, kh1, kw0, kw1;
    taps t;
    valid_taps(ih0, g->k_h, g->dilation_h, g->in_h, &kh0, &kh1);
    valid_taps(iw0, g->k_w, g->dilation_w, g->in_w, &kw0, &kw1);
    t.rows = kh1 - kh0;
    t.cols = kw1 - kw0;
    if (t.rows == 0 || t.cols == 0) {
        /* no tap inside the input: keep the offsets in bounds, the sums stay empty */
        kh0 = kw0 = 0;
        ih0 = iw0 = 0;
        t.rows = t.cols = 0;
    }
    t.depth = depth;
    t.x_row = g->dilation_h * g->in_w * g->in_c;
    t.x_col = g->dilation_w * g->in_c;
    t.w_row = g->k_w * w_tap;
    t.w_col = w_tap;
    t.x = ((b * g->in_h + ih0 + kh0 * g->dilation_h) * g->in_w + iw0 + kw0 * g->dilation_w)
          * g->in_c;
    t.w = (kh0 * g->k_w + kw0) * w_tap;
    return t;
}

static int32_t sum_s8(const int8_t *x, const int8_t *w, const taps *t, int32_t in_offset) {
    int32_t acc = 0;
    int32_t r, c, d;
    for (r = 0; r < t->rows; ++r) {
        const int8_t *xr = x + r * t->x_row;
        const int8_t *wr = w + r * t->w_row;
        for (c = 0; c < t->cols; ++c) {
            const int8_t *xc = xr + c * t->x_col;
            const int8_t *wc = wr + c * t->w_col;
            for (d = 0; d < t->depth; ++d) {
                acc += (int32_t)wc[d] * ((int32_t)xc[d] + in_offset);
            }
        }
    }
    return acc;
}

static int64_t sum_s16(const int16_t *x, const int8_t *w, const taps *t) {
    int64_t acc = 0;
    int32_t r, c, d;
    for (r = 0; r < t->rows; ++r) {
        const int16_t *xr = x + r * t->x_row;
        const int8_t *wr = w + r * t->w_row;
        for (c = 0; c < t->cols; ++c) {
            const int16_t *xc = xr + c * t->x_col;
            const int8_t *wc = wr + c * t->w_col;
            for (d = 0; d < t->depth; ++d) {
                acc += (int32_t)wc[d] * (int32_t)xc[d];
            }
        }
    }
    return acc;
}

static float sum_f32(const float *x, const float *w, const taps *t) {
    float acc = 0.0f;
    int32_t r, c, d;
    for (r = 0; r < t->rows; ++r) {
        const float *xr = x + r * t->x_row;
        const float *wr = w + r * t->w_row;
        for (c = 0; c < t->cols; ++c) {
            const float *xc = xr + c * t->x_col;
            const float *wc = wr + c * t->w_col;
            for (d = 0; d < t->depth; ++d) {
                acc += xc[d] * wc[d];
            }
        }
    }
    return acc;
}

/* TFLite's epilogues. */
static int8_t out_s8(int32_t acc, int32_t oc, const mc_qconv2d_params *p) {
    acc = mc_requantize(acc, p->out_mult[oc], p->out_shift[oc], p->rounding) + p->out_offset;
    return (int8_t)mc_clamp_i32(acc, p->act_min, p->act_max);
}

static int16_t out_s16(int64_t acc, int32_t oc, const mc_qconv2d_params *p) {
    const int32_t v = mc_requantize64(acc, p->out_mult[oc], p->out_shift[oc], p->rounding);
    return (int16_t)mc_clamp_i32(v, p->act_min, p->act_max);
}

static float out_f32(float acc, const float *bias, int32_t oc, const mc_conv2d_nhwc_params *p) {
    const float v = acc + (bias != NULL ? bias[oc] : 0.0f);
    return v < p->act_min ? p->act_min : (v > p->act_max ? p->act_max : v);
}

void mc_conv2d_nhwc_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                       const mc_qconv2d_params *p) {
    const geometry g = geometry_q(p);
    const int32_t kernel = p->k_h * p->k_w * p->in_c;
    int32_t b, oh, ow, oc;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const taps t = pixel_taps(&g, b, oh, ow, p->in_c, p->in_c);
                for (oc = 0; oc < p->out_c; ++oc) {
                    int32_t acc = sum_s8(in + t.x, w + oc * kernel + t.w, &t, p->in_offset);
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    *out++ = out_s8(acc, oc, p);
                }
            }
        }
    }
}

void mc_conv2d_nhwc_s16(const int16_t *in, const int8_t *w, const int64_t *bias, int16_t *out,
                        const mc_qconv2d_params *p) {
    const geometry g = geometry_q(p);
    const int32_t kernel = p->k_h * p->k_w * p->in_c;
    int32_t b, oh, ow, oc;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const taps t = pixel_taps(&g, b, oh, ow, p->in_c, p->in_c);
                for (oc = 0; oc < p->out_c; ++oc) {
                    int64_t acc = sum_s16(in + t.x, w + oc * kernel + t.w, &t);
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    *out++ = out_s16(acc, oc, p);
                }
            }
        }
    }
}

void mc_conv2d_nhwc_f32(const float *in, const float *w, const float *bias, float *out,
                        const mc_conv2d_nhwc_params *p) {
    const geometry g = geometry_f(p);
    const int32_t kernel = p->k_h * p->k_w * p->in_c;
    int32_t b, oh, ow, oc;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const taps t = pixel_taps(&g, b, oh, ow, p->in_c, p->in_c);
                for (oc = 0; oc < p->out_c; ++oc) {
                    *out++ = out_f32(sum_f32(in + t.x, w + oc * kernel + t.w, &t), bias, oc, p);
                }
            }
        }
    }
}

/* Depthwise: a tap holds one element per sum (depth 1); output channel oc = ic * m + j reads
 * input channel ic and weight column oc. */
void mc_depthwise_conv2d_nhwc_s8(const int8_t *in, const int8_t *w, const int32_t *bias,
                                 int8_t *out, const mc_qconv2d_params *p) {
    const geometry g = geometry_q(p);
    int32_t b, oh, ow, oc;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const taps t = pixel_taps(&g, b, oh, ow, p->out_c, 1);
                for (oc = 0; oc < p->out_c; ++oc) {
                    const int32_t ic = oc / p->depth_multiplier;
                    int32_t acc = sum_s8(in + t.x + ic, w + t.w + oc, &t, p->in_offset);
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    *out++ = out_s8(acc, oc, p);
                }
            }
        }
    }
}

void mc_depthwise_conv2d_nhwc_s16(const int16_t *in, const int8_t *w, const int64_t *bias,
                                  int16_t *out, const mc_qconv2d_params *p) {
    const geometry g = geometry_q(p);
    int32_t b, oh, ow, oc;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const taps t = pixel_taps(&g, b, oh, ow, p->out_c, 1);
                for (oc = 0; oc < p->out_c; ++oc) {
                    const int32_t ic = oc / p->depth_multiplier;
                    int64_t acc = sum_s16(in + t.x + ic, w + t.w + oc, &t);
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    *out++ = out_s16(acc, oc, p);
                }
            }
        }
    }
}

void mc_depthwise_conv2d_nhwc_f32(const float *in, const float *w, const float *bias, float *out,
                                  const mc_conv2d_nhwc_params *p) {
    const geometry g = geometry_f(p);
    int32_t b, oh, ow, oc;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const taps t = pixel_taps(&g, b, oh, ow, p->out_c, 1);
                for (oc = 0; oc < p->out_c; ++oc) {
                    const int32_t ic = oc / p->depth_multiplier;
                    *out++ = out_f32(sum_f32(in + t.x + ic, w + t.w + oc, &t), bias, oc, p);
                }
            }
        }
    }
}
