#include "mc_transpose_conv.h"

/* The inputs that reach output row (or column) o along one axis: kernel taps k = o + pad - i * s
 * for input rows i in [first, end), k descending as i ascends. */
typedef struct {
    int32_t first, end;    /* input rows i */
    int32_t k_first;       /* the tap of input row `first` */
} reach;

static reach reach_of(int32_t o, int32_t pad, int32_t stride, int32_t k_size, int32_t in_size) {
    const int32_t at = o + pad;            /* i * stride + k == at */
    reach r;
    /* k <= k_size - 1  <=>  i >= (at - k_size + 1) / stride, rounded up; i >= 0 */
    const int32_t lo = at - k_size + 1;
    r.first = lo <= 0 ? 0 : (lo + stride - 1) / stride;
    /* k >= 0  <=>  i <= at / stride; i < in_size */
    r.end = at < 0 ? 0 : at / stride + 1;
    if (r.end > in_size) {
        r.end = in_size;
    }
    if (r.end < r.first) {
        r.end = r.first;
    }
    r.k_first = at - r.first * stride;
    return r;
}

/* The steps between contributing input pixels and their weights, as element offsets (indices, not
 * pointers: a weight offset steps backwards and may pass the start after the last tap). Stepping
 * one input row down moves the tap `stride` kernel rows up. */
typedef struct {
    reach y, x;
    int32_t x_row, w_row;     /* input / weight elements per input row step */
    int32_t x_col, w_col;     /* ... per input column step */
} gather;

static gather gather_of(const mc_conv2d_nhwc_params *g, int32_t oy, int32_t ox) {
    gather t;
    t.y = reach_of(oy, g->pad_top, g->stride_h, g->k_h, g->in_h);
    t.x = reach_of(ox, g->pad_left, g->stride_w, g->k_w, g->in_w);
    t.x_row = g->in_w * g->in_c;
    t.x_col = g->in_c;
    t.w_row = -g->stride_h * g->k_w * g->in_c;
    t.w_col = -g->stride_w * g->in_c;
    return t;
}

/* The geometry of a quantized call in the float struct's shape (only the shared fields are read). */
static mc_conv2d_nhwc_params geometry_of(const mc_qconv2d_params *p) {
    mc_conv2d_nhwc_params g;
    g.batch = p->batch; g.in_h = p->in_h; g.in_w = p->in_w; g.in_c = p->in_c;
    g.out_h = p->out_h; g.out_w = p->out_w; g.out_c = p->out_c;
    g.k_h = p->k_h; g.k_w = p->k_w; g.stride_h = p->stride_h; g.stride_w = p->stride_w;
    g.dilation_h = 1; g.dilation_w = 1; g.pad_top = p->pad_top; g.pad_left = p->pad_left;
    g.depth_multiplier = 1; g.act_min = 0.0f; g.act_max = 0.0f;
    return g;
}

/* Element offsets of the first contributing input pixel (image b) and weight (channel oc). */
static int32_t first_x(const mc_conv2d_nhwc_params *g, const gather *t, int32_t b) {
    return ((b * g->in_h + t->y.first) * g->in_w + t->x.first) * g->in_c;
}

static int32_t first_w(const mc_conv2d_nhwc_params *g, const gather *t, int32_t oc) {
    return ((oc * g->k_h + t->y.k_first) * g->k_w + t->x.k_first) * g->in_c;
}

void mc_transpose_conv_nhwc_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                               const mc_qconv2d_params *p) {
    const mc_conv2d_nhwc_params g = geometry_of(p);
    int32_t b, oy, ox, oc, iy, ix, ic;
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                const gather t = gather_of(&g, oy, ox);
                for (oc = 0; oc < p->out_c; ++oc) {
                    int32_t xr = first_x(&g, &t, b);
                    int32_t wr = first_w(&g, &t, oc);
                    int32_t acc = 0;
                    for (iy = t.y.first; iy < t.y.end; ++iy, xr += t.x_row, wr += t.w_row) {
                        int32_t xc = xr;
                        int32_t wc = wr;
                        for (ix = t.x.first; ix < t.x.end; ++ix, xc += t.x_col, wc += t.w_col) {
                            for (ic = 0; ic < p->in_c; ++ic) {
                                acc += ((int32_t)in[xc + ic] + p->in_offset) * (int32_t)w[wc + ic];
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    acc = mc_requantize(acc, p->out_mult[oc], p->out_shift[oc], p->rounding)
                          + p->out_offset;
                    *out++ = (int8_t)mc_clamp_i32(acc, p->act_min, p->act_max);
                }
            }
        }
    }
}

void mc_transpose_conv_nhwc_s16(const int16_t *in, const int8_t *w, const int64_t *bias,
                                int16_t *out, const mc_qconv2d_params *p) {
    const mc_conv2d_nhwc_params g = geometry_of(p);
    int32_t b, oy, ox, oc, iy, ix, ic;
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                const gather t = gather_of(&g, oy, ox);
                for (oc = 0; oc < p->out_c; ++oc) {
                    int32_t xr = first_x(&g, &t, b);
                    int32_t wr = first_w(&g, &t, oc);
                    int64_t acc = 0;
                    int32_t v;
                    for (iy = t.y.first; iy < t.y.end; ++iy, xr += t.x_row, wr += t.w_row) {
                        int32_t xc = xr;
                        int32_t wc = wr;
                        for (ix = t.x.first; ix < t.x.end; ++ix, xc += t.x_col, wc += t.w_col) {
                            for (ic = 0; ic < p->in_c; ++ic) {
                                acc += (int32_t)in[xc + ic] * (int32_t)w[wc + ic];
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    v = mc_requantize64(acc, p->out_mult[oc], p->out_shift[oc], p->rounding);
                    *out++ = (int16_t)mc_clamp_i32(v, p->act_min, p->act_max);
                }
            }
        }
    }
}

void mc_transpose_conv_nhwc_f32(const float *in, const float *w, const float *bias, float *out,
                                const mc_conv2d_nhwc_params *p) {
    int32_t b, oy, ox, oc, iy, ix, ic;
    for (b = 0; b < p->batch; ++b) {
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                const gather t = gather_of(p, oy, ox);
                for (oc = 0; oc < p->out_c; ++oc) {
                    int32_t xr = first_x(p, &t, b);
                    int32_t wr = first_w(p, &t, oc);
                    float acc = 0.0f;
                    for (iy = t.y.first; iy < t.y.end; ++iy, xr += t.x_row, wr += t.w_row) {
                        int32_t xc = xr;
                        int32_t wc = wr;
                        for (ix = t.x.first; ix < t.x.end; ++ix, xc += t.x_col, wc += t.w_col) {
                            for (ic = 0; ic < p->in_c; ++ic) {
                                acc += in[xc + ic] * w[wc + ic];
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    *out++ = acc < p->act_min ? p->act_min : (acc > p->act_max ? p->act_max : acc);
                }
            }
        }
    }
}
