#include "mc_qdepthwise.h"

/* Helpers the entry points inline, so that a block's four sums stay in registers. */
/* ... and the loops that must not be inlined into their caller, so that its registers go to their sums. */
/* (GCC: compiled without scheduling before register allocation, which stretches live ranges until
 * the four sums and the taps' lanes spill to the stack.) */
#if defined(__GNUC__) && !defined(__clang__)
#define MC_QDW_INLINE static inline __attribute__((always_inline))
#define MC_QDW_LOOP static __attribute__((noinline, optimize("no-schedule-insns")))
#elif defined(__GNUC__)
#define MC_QDW_INLINE static inline __attribute__((always_inline))
#define MC_QDW_LOOP static __attribute__((noinline))
#else
#define MC_QDW_INLINE static inline
#define MC_QDW_LOOP static
#endif

/* Element strides between kernel rows and columns, in the input and in the weights. */
typedef struct {
    int32_t x_row, x_col, w_row, w_col;
} steps;

/* The taps of one output pixel that lie inside the input: rows x cols of them, from input element
 * x and weight element w (channel 0), the first being tap number first (row * k_w + column). */
typedef struct {
    int32_t rows, cols, x, w, first;
} window;

static steps steps_of(const mc_qconv2d_params *p) {
    steps s;
    s.x_row = p->dilation_h * p->in_w * p->in_c;
    s.x_col = p->dilation_w * p->in_c;
    s.w_row = p->k_w * p->out_c;
    s.w_col = p->out_c;
    return s;
}

/* First and one-past-last tap k in [0, k_size) with 0 <= origin + k * dilation < size. */
static void valid_taps(int32_t origin, int32_t k_size, int32_t dilation, int32_t size,
                       int32_t *first, int32_t *end) {
    int32_t lo = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
    int32_t hi = k_size;
    if (origin + (k_size - 1) * dilation >= size) {
        hi = size - 1 - origin < 0 ? 0 : (size - 1 - origin) / dilation + 1;
    }
    *first = lo > k_size ? k_size : lo;
    *end = hi < *first ? *first : hi;
}

static window window_of(const mc_qconv2d_params *p, int32_t b, int32_t oh, int32_t ow) {
    const int32_t ih0 = oh * p->stride_h - p->pad_top;
    const int32_t iw0 = ow * p->stride_w - p->pad_left;
    int32_t kh0, kh1, kw0, kw1;
    window t;
    valid_taps(ih0, p->k_h, p->dilation_h, p->in_h, &kh0, &kh1);
    valid_taps(iw0, p->k_w, p->dilation_w, p->in_w, &kw0, &kw1);
    t.rows = kh1 - kh0;
    t.cols = kw1 - kw0;
    if (t.rows == 0 || t.cols == 0) {
        /* no tap inside the input: the sums stay empty, keep the offsets in bounds */
        t.rows = t.cols = t.x = t.w = t.first = 0;
        return t;
    }
    t.x = ((b * p->in_h + ih0 + kh0 * p->dilation_h) * p->in_w + iw0 + kw0 * p->dilation_w) * p->in_c;
    t.first = kh0 * p->k_w + kw0;
    t.w = t.first * p->out_c;
    return t;
}

/* The reference epilogue: + bias, requantize, + output offset, clamp (one copy: it serves the
 * general loops, whose sums cost more than a call). */
MC_QDW_LOOP int8_t output(int32_t acc, int32_t oc, const int32_t *bias, const mc_qconv2d_params *p) {
    if (bias != NULL) {
        acc += bias[oc];
    }
    acc = mc_requantize_fast(acc, p->out_mult[oc], p->out_shift[oc], p->rounding) + p->out_offset;
    return (int8_t)mc_clamp_i32(acc, p->act_min, p->act_max);
}

static void output4(const int32_t *acc, int32_t oc, const int32_t *bias, const mc_qconv2d_params *p,
                    int8_t *out) {
    out[0] = output(acc[0], oc, bias, p);
    out[1] = output(acc[1], oc + 1, bias, p);
    out[2] = output(acc[2], oc + 2, bias, p);
    out[3] = output(acc[3], oc + 3, bias, p);
}

/* One tap of four adjacent channels (multiplier 1): xv and wv hold their four input and weight
 * bytes; off2 the input offset in both 16-bit lanes. Sums: acc[0..3] for bytes 0..3. */
MC_QDW_INLINE void tap4(uint32_t xv, uint32_t wv, uint32_t off2, int32_t *acc) {
    const uint32_t x02 = mc_sadd16(mc_sxtb16(xv), off2);
    const uint32_t x13 = mc_sadd16(mc_sxtb16_ror8(xv), off2);
    const uint32_t w02 = mc_sxtb16(wv);
    const uint32_t w13 = mc_sxtb16_ror8(wv);
    acc[0] = mc_smlabb(x02, w02, acc[0]);
    acc[1] = mc_smlabb(x13, w13, acc[1]);
    acc[2] = mc_smlatt(x02, w02, acc[2]);
    acc[3] = mc_smlatt(x13, w13, acc[3]);
}

/* One tap of four adjacent output channels of one input channel (multiplier 4k): xo holds the
 * input value plus offset in its bottom lane. */
MC_QDW_INLINE void tap4_shared(uint32_t xo, uint32_t wv, int32_t *acc) {
    const uint32_t w02 = mc_sxtb16(wv);
    const uint32_t w13 = mc_sxtb16_ror8(wv);
    acc[0] = mc_smlabb(w02, xo, acc[0]);
    acc[1] = mc_smlabb(w13, xo, acc[1]);
    acc[2] = mc_smlatb(w02, xo, acc[2]);
    acc[3] = mc_smlatb(w13, xo, acc[3]);
}

/* The output channels [oc, oc + 4) of one pixel over its window; multiplier 1 reads input
 * channels [oc, oc + 4), multiplier 4k input channel oc / multiplier. */
MC_QDW_INLINE void block4(const int8_t *in, const int8_t *w, const window *t, const steps *s,
                          int32_t oc, const mc_qconv2d_params *p, uint32_t off2, int32_t *acc) {
    const int32_t m = p->depth_multiplier;
    int32_t r, c;
    acc[0] = acc[1] = acc[2] = acc[3] = 0;
    for (r = 0; r < t->rows; ++r) {
        const int8_t *wr = w + t->w + r * s->w_row + oc;
        if (m == 1) {
            const int8_t *xr = in + t->x + r * s->x_row + oc;
            for (c = 0; c < t->cols; ++c) {
                tap4(mc_read_u32(xr + c * s->x_col), mc_read_u32(wr + c * s->w_col), off2, acc);
            }
        } else {
            const int8_t *xr = in + t->x + r * s->x_row + oc / m;
            for (c = 0; c < t->cols; ++c) {
                const int32_t xo = xr[c * s->x_col] + p->in_offset;
                tap4_shared(mc_pack16(xo, 0), mc_read_u32(wr + c * s->w_col), acc);
            }
        }
    }
}

/* One output channel the plain way (the channels after the last block of four). */
static int32_t sum1(const int8_t *in, const int8_t *w, const window *t, const steps *s, int32_t oc,
                    const mc_qconv2d_params *p) {
    const int8_t *x = in + t->x + oc / p->depth_multiplier;
    int32_t acc = 0;
    int32_t r, c;
    for (r = 0; r < t->rows; ++r) {
        for (c = 0; c < t->cols; ++c) {
            acc += (int32_t)w[t->w + r * s->w_row + c * s->w_col + oc]
                   * ((int32_t)x[r * s->x_row + c * s->x_col] + p->in_offset);
        }
    }
    return acc;
}

/* Every output channel of one pixel, through its window. */
static void pixel(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                  const mc_qconv2d_params *p, const steps *s, const window *t, uint32_t off2) {
    int32_t acc[4];
    int32_t oc = 0;
    if (p->depth_multiplier == 1 || p->depth_multiplier % 4 == 0) {
        for (; oc + 4 <= p->out_c; oc += 4) {
            block4(in, w, t, s, oc, p, off2, acc);
            output4(acc, oc, bias, p, out + oc);
        }
    }
    for (; oc < p->out_c; ++oc) {
        out[oc] = output(sum1(in, w, t, s, oc, p), oc, bias, p);
    }
}

void mc_depthwise_conv2d_nhwc_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias,
                                      int8_t *out, const mc_qconv2d_params *p) {
    const steps s = steps_of(p);
    const uint32_t off2 = mc_pack16(p->in_offset, p->in_offset);
    int32_t b, oh, ow;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const window t = window_of(p, b, oh, ow);
                pixel(in, w, bias, out, p, &s, &t, off2);
                out += p->out_c;
            }
        }
    }
}

/* The 3x3 kernel runs block by block: four output channels over the whole plane, so what a block
 * needs is prepared once per layer instead of once per pixel. */

/* How one output channel's sum becomes its output on the fast path (see output_fast). */
typedef struct {
    int32_t mult;
    int32_t rshift;     /* -shift */
    int32_t nudge;      /* mc_rq_small_nudge: 2^(rshift - 1) + out_offset * 2^rshift */
} out_scale;

typedef struct {
    uint32_t w[9][2];   /* tap 3 * row + column, sign-extended: lanes (channel 0, 2) and (1, 3) */
    int32_t inner[4];   /* bias + in_offset * (sum of the nine weights): interior pixels sum raw inputs */
    int32_t edge[4];    /* bias: border pixels add the offset to each input inside the image */
    out_scale q[4];
    int fast;           /* every channel's sums and constants meet output_fast's bounds */
    int full_range;     /* the activation clamps to [-128, 127] only */
} block3x3;

/* Whether output_fast is exact for this channel, and its constants: double rounding (TFLite Micro's,
 * and LiteRT's for convolutions; single rounding takes the general loop), a right shift, and sums
 * below 2^29 in magnitude (at most |bias| + 9 * 255 * 128), so that the doubled sum fits SMMULR and
 * the nudged quotient 32 bits. */
static int scale_of(int32_t oc, int64_t bias, const mc_qconv2d_params *p, out_scale *q) {
    const int32_t shift = p->out_shift[oc];
    const int64_t bound = (bias < 0 ? -bias : bias) + 9 * 255 * 128;
    q->mult = p->out_mult[oc];
    q->rshift = -shift;
    if (p->rounding != MC_ROUND_DOUBLE || q->mult < 0 || !mc_rq_small_fits(shift, p->out_offset)
        || bound >= ((int64_t)1 << 29)) {
        return 0;
    }
    q->nudge = mc_rq_small_nudge(q->rshift, p->out_offset);
    return 1;
}

/* mc_requantize(acc) + out_offset, clamped, within scale_of's bounds: mc_qrequant.h's mc_rq_small
 * (SMMULR of 2 * acc, then the rounding divide with the offset in its nudge). */
MC_QDW_INLINE int8_t output_fast(int32_t acc, const out_scale *q, const mc_qconv2d_params *p, int full) {
    const int32_t v = mc_rq_small(acc, q->mult, q->nudge, q->rshift);
    return (int8_t)(full ? mc_ssat8(v) : mc_clamp_i32(v, p->act_min, p->act_max));
}

/* Prepares the block of output channels [oc, oc + 4). */
static void block_of(const int8_t *w, const int32_t *bias, int32_t oc, const mc_qconv2d_params *p,
                     block3x3 *k) {
    int32_t j, t;
    k->fast = 1;
    k->full_range = p->act_min == -128 && p->act_max == 127;
    for (t = 0; t < 9; ++t) {
        const uint32_t wv = mc_read_u32(w + t * p->out_c + oc);
        k->w[t][0] = mc_sxtb16(wv);
        k->w[t][1] = mc_sxtb16_ror8(wv);
    }
    for (j = 0; j < 4; ++j) {
        const int32_t b = bias != NULL ? bias[oc + j] : 0;
        int32_t sum = 0;
        for (t = 0; t < 9; ++t) {
            sum += w[t * p->out_c + oc + j];
        }
        k->edge[j] = b;
        /* in wrapping arithmetic, as the reference's sum (a bias near the int32 limits) */
        k->inner[j] = mc_wrap_i32((uint32_t)b + (uint32_t)(sum * p->in_offset));
        k->fast &= scale_of(oc + j, b, p, &k->q[j]);
    }
}

/* The block's four outputs. When the activation's range is all of int8 (ReLU and ReLU6 outputs
 * usually have zero point -128, and ReLU6 a scale of 6/255), SSAT is the whole clamp. */
MC_QDW_INLINE void store4(int32_t a0, int32_t a1, int32_t a2, int32_t a3, const block3x3 *k,
                          const mc_qconv2d_params *p, int8_t *out) {
    if (k->full_range) {
        out[0] = output_fast(a0, &k->q[0], p, 1);
        out[1] = output_fast(a1, &k->q[1], p, 1);
        out[2] = output_fast(a2, &k->q[2], p, 1);
        out[3] = output_fast(a3, &k->q[3], p, 1);
    } else {
        out[0] = output_fast(a0, &k->q[0], p, 0);
        out[1] = output_fast(a1, &k->q[1], p, 0);
        out[2] = output_fast(a2, &k->q[2], p, 0);
        out[3] = output_fast(a3, &k->q[3], p, 0);
    }
}

/* One tap of an interior pixel, raw inputs: multiplier 1 (four input channels in xv's bytes). */
MC_QDW_INLINE void tap_raw(const int8_t *x, const uint32_t *wt, int32_t *a) {
    const uint32_t xv = mc_read_u32(x);
    const uint32_t x02 = mc_sxtb16(xv), x13 = mc_sxtb16_ror8(xv);
    a[0] = mc_smlabb(x02, wt[0], a[0]);
    a[2] = mc_smlatt(x02, wt[0], a[2]);
    a[1] = mc_smlabb(x13, wt[1], a[1]);
    a[3] = mc_smlatt(x13, wt[1], a[3]);
}

/* The same for multiplier 4k: one input value for the four channels, in the bottom lane. */
MC_QDW_INLINE void tap_raw_shared(const int8_t *x, const uint32_t *wt, int32_t *a) {
    const uint32_t xv = (uint32_t)(int32_t)*x;
    a[0] = mc_smlabb(wt[0], xv, a[0]);
    a[2] = mc_smlatb(wt[0], xv, a[2]);
    a[1] = mc_smlabb(wt[1], xv, a[1]);
    a[3] = mc_smlatb(wt[1], xv, a[3]);
}

/* n interior pixels of one output row: x at the first one's top-left tap (its channel oc, or its
 * input channel for multiplier 4k), x_step input elements between pixels, x_row between kernel
 * rows and x_col between kernel columns. The nine taps are spelled out so that the four sums stay
 * in registers. */
MC_QDW_INLINE void interior_pixels(const int8_t *x, int32_t n, int32_t x_step, int32_t x_row,
                                   int32_t x_col, int shared, const block3x3 *k,
                                   const mc_qconv2d_params *p, int8_t *o) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        int32_t a[4];
        const int8_t *x1 = x + x_row, *x2 = x + 2 * x_row;
        a[0] = k->inner[0]; a[1] = k->inner[1]; a[2] = k->inner[2]; a[3] = k->inner[3];
        if (!shared) {
            tap_raw(x, k->w[0], a); tap_raw(x + x_col, k->w[1], a); tap_raw(x + 2 * x_col, k->w[2], a);
            tap_raw(x1, k->w[3], a); tap_raw(x1 + x_col, k->w[4], a); tap_raw(x1 + 2 * x_col, k->w[5], a);
            tap_raw(x2, k->w[6], a); tap_raw(x2 + x_col, k->w[7], a); tap_raw(x2 + 2 * x_col, k->w[8], a);
        } else {
            tap_raw_shared(x, k->w[0], a); tap_raw_shared(x + x_col, k->w[1], a);
            tap_raw_shared(x + 2 * x_col, k->w[2], a); tap_raw_shared(x1, k->w[3], a);
            tap_raw_shared(x1 + x_col, k->w[4], a); tap_raw_shared(x1 + 2 * x_col, k->w[5], a);
            tap_raw_shared(x2, k->w[6], a); tap_raw_shared(x2 + x_col, k->w[7], a);
            tap_raw_shared(x2 + 2 * x_col, k->w[8], a);
        }
        store4(a[0], a[1], a[2], a[3], k, p, o);
        x += x_step;
        o += p->out_c;
    }
}

/* interior_pixels in the input itself. */
MC_QDW_LOOP void interior_row(const int8_t *x, int32_t n, int32_t x_step, const block3x3 *k,
                              const mc_qconv2d_params *p, int8_t *o) {
    const int32_t x_row = p->in_w * p->in_c, x_col = p->in_c;
    const int shared = p->depth_multiplier != 1;
    interior_pixels(x, n, x_step, x_row, x_col, shared, k, p, o);
}

/* The same over a padded plane of four channels per word (plane3x3_padded): rows x_row bytes apart,
 * columns 4. */
MC_QDW_LOOP void padded_row(const int8_t *x, int32_t n, int32_t x_step, int32_t x_row,
                            const block3x3 *k, const mc_qconv2d_params *p, int8_t *o) {
    interior_pixels(x, n, x_step, x_row, 4, 0, k, p, o);
}

/* A border pixel's sums over its taps inside the input (rows x cols of them), the offset added to
 * each input: x at the first tap's input (channel oc, or the block's input channel when shared),
 * wt at that tap's weights. */
MC_QDW_INLINE void border_sums(const int8_t *x, int32_t rows, int32_t cols, int32_t x_row, int32_t x_col,
                               const uint32_t *wt, int shared, int32_t in_offset, uint32_t off2, int32_t *a) {
    int32_t r, c;
    for (r = 0; r < rows; ++r) {
        const int8_t *xc = x;
        const uint32_t *wc = wt;
        for (c = 0; c < cols; ++c) {
            if (!shared) {
                const uint32_t xv = mc_read_u32(xc);
                const uint32_t x02 = mc_sadd16(mc_sxtb16(xv), off2), x13 = mc_sadd16(mc_sxtb16_ror8(xv), off2);
                a[0] = mc_smlabb(x02, wc[0], a[0]);
                a[2] = mc_smlatt(x02, wc[0], a[2]);
                a[1] = mc_smlabb(x13, wc[1], a[1]);
                a[3] = mc_smlatt(x13, wc[1], a[3]);
            } else {
                const uint32_t xv = (uint32_t)(*xc + in_offset);
                a[0] = mc_smlabb(wc[0], xv, a[0]);
                a[2] = mc_smlatb(wc[0], xv, a[2]);
                a[1] = mc_smlabb(wc[1], xv, a[1]);
                a[3] = mc_smlatb(wc[1], xv, a[3]);
            }
            xc += x_col;
            wc += 2;
        }
        x += x_row;
        wt += 6;
    }
}

/* A border pixel: window t's taps; channel as for interior_row. */
MC_QDW_LOOP void border(const int8_t *in, const window *t, int32_t channel, const block3x3 *k,
                        const mc_qconv2d_params *p, uint32_t off2, int8_t *out) {
    const int8_t *x = in + t->x + channel;
    const uint32_t *wt = k->w[t->first];
    const int32_t x_row = p->in_w * p->in_c;
    int32_t a[4];
    a[0] = k->edge[0]; a[1] = k->edge[1]; a[2] = k->edge[2]; a[3] = k->edge[3];
    if (p->depth_multiplier == 1) {
        border_sums(x, t->rows, t->cols, x_row, p->in_c, wt, 0, p->in_offset, off2, a);
    } else {
        border_sums(x, t->rows, t->cols, x_row, p->in_c, wt, 1, p->in_offset, off2, a);
    }
    store4(a[0], a[1], a[2], a[3], k, p, out);
}

/* window_of for a 3x3 kernel with dilation 1, without divisions. */
static window window3x3(const mc_qconv2d_params *p, int32_t b, int32_t oh, int32_t ow) {
    const int32_t ih0 = oh * p->stride_h - p->pad_top, iw0 = ow * p->stride_w - p->pad_left;
    const int32_t kh0 = ih0 < 0 ? -ih0 : 0, kw0 = iw0 < 0 ? -iw0 : 0;
    const int32_t kh1 = ih0 + 3 > p->in_h ? p->in_h - ih0 : 3, kw1 = iw0 + 3 > p->in_w ? p->in_w - iw0 : 3;
    window t;
    t.rows = kh1 - kh0;
    t.cols = kw1 - kw0;
    if (t.rows <= 0 || t.cols <= 0) {
        t.rows = t.cols = t.x = t.w = t.first = 0;
        return t;
    }
    t.x = ((b * p->in_h + ih0 + kh0) * p->in_w + iw0 + kw0) * p->in_c;
    t.first = kh0 * 3 + kw0;
    t.w = t.first * p->out_c;
    return t;
}

/* First and one-past-last output index along one axis whose three taps all lie inside the input. */
static void interior_range(int32_t out_size, int32_t in_size, int32_t stride, int32_t pad, int32_t *lo,
                           int32_t *hi) {
    *lo = (pad + stride - 1) / stride;
    *hi = in_size + pad < 3 ? 0 : (in_size + pad - 3) / stride + 1;
    if (*hi > out_size) {
        *hi = out_size;
    }
    if (*lo > *hi) {
        *lo = *hi;
    }
}

/* Block k (channels [oc, oc + 4)) over every pixel. */
static void plane3x3(const int8_t *in, int8_t *out, const mc_qconv2d_params *p, const block3x3 *k,
                     int32_t oc, uint32_t off2) {
    const int32_t in_ch = p->in_c;
    const int32_t x_col = p->stride_w * in_ch;
    const int32_t channel = p->depth_multiplier == 1 ? oc : oc / p->depth_multiplier;
    int32_t row_lo, row_hi, col_lo, col_hi, b, oh, ow;
    interior_range(p->out_h, p->in_h, p->stride_h, p->pad_top, &row_lo, &row_hi);
    interior_range(p->out_w, p->in_w, p->stride_w, p->pad_left, &col_lo, &col_hi);
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            const int inside = oh >= row_lo && oh < row_hi && col_lo < col_hi;
            int8_t *o = out + ((b * p->out_h + oh) * p->out_w) * p->out_c + oc;
            for (ow = 0; ow < p->out_w; ++ow) {
                if (inside && ow == col_lo) {
                    const int8_t *x = in + ((b * p->in_h + oh * p->stride_h - p->pad_top) * p->in_w
                                            + col_lo * p->stride_w - p->pad_left) * in_ch + channel;
                    interior_row(x, col_hi - col_lo, x_col, k, p, o + col_lo * p->out_c);
                    ow = col_hi - 1;
                } else {
                    const window t = window3x3(p, b, oh, ow);
                    border(in, &t, channel, k, p, off2, o + ow * p->out_c);
                }
            }
        }
    }
}

/* Small planes (person_detect's 6x6 and 3x3 layers) are mostly border pixels, which walk their
 * valid taps and add the input offset to each. Instead the block's four channels are copied, one
 * word per pixel, into a plane framed with the zero point's word, over which every pixel is an
 * interior one: a framed tap reads the zero point, whose raw product w * zp is cancelled by the
 * in_offset * w term of the block's inner constant (in_offset = -zp), so the sums are the same
 * int32 values in wrapping arithmetic. Planes up to MC_QDW_PADDED_MAX words take it: a 12x12 input
 * at stride 1 framed, 784 B of stack (a fixed array: a variable-length one cost GCC more per call),
 * less than the SIMD convolution's lanes at K = 256. */
#define MC_QDW_PADDED_MAX 196

/* The framed plane's size along one axis: the padding before, the input, and what the last
 * window reaches past it. */
static int32_t padded_size(int32_t out_size, int32_t in_size, int32_t stride, int32_t pad) {
    const int32_t reach = (out_size - 1) * stride + 3;
    return reach > pad + in_size ? reach : pad + in_size;
}

static void plane3x3_padded(const int8_t *in, int8_t *out, const mc_qconv2d_params *p,
                            const block3x3 *k, int32_t oc, int32_t ph, int32_t pw) {
    uint32_t plane[MC_QDW_PADDED_MAX];   /* ph * pw of them */
    const uint32_t zeros = (uint32_t)(uint8_t)(int8_t)(-p->in_offset) * 0x01010101u;
    const int32_t x_row = 4 * pw, x_step = 4 * p->stride_w;
    int32_t b, ih, iw, oh, i;
    for (i = 0; i < ph * pw; ++i) {
        plane[i] = zeros;
    }
    for (b = 0; b < p->batch; ++b) {
        const int8_t *x = in + b * p->in_h * p->in_w * p->in_c + oc;
        for (ih = 0; ih < p->in_h; ++ih) {
            uint32_t *row = plane + (p->pad_top + ih) * pw + p->pad_left;
            for (iw = 0; iw < p->in_w; ++iw, x += p->in_c) {
                row[iw] = mc_read_u32(x);
            }
        }
        for (oh = 0; oh < p->out_h; ++oh) {
            padded_row((const int8_t *)(plane + oh * p->stride_h * pw), p->out_w, x_step, x_row, k, p,
                       out + ((b * p->out_h + oh) * p->out_w) * p->out_c + oc);
        }
    }
}

/* Output channel oc pixel by pixel the plain way, with the general requantization: the channels
 * after the last block of four, and blocks whose constants fall outside output_fast's bounds. */
static void plane_general(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                          const mc_qconv2d_params *p, const steps *s, int32_t oc) {
    int32_t b, oh, ow;
    for (b = 0; b < p->batch; ++b) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                const window t = window3x3(p, b, oh, ow);
                out[((b * p->out_h + oh) * p->out_w + ow) * p->out_c + oc] =
                        output(sum1(in, w, &t, s, oc, p), oc, bias, p);
            }
        }
    }
}

void mc_depthwise_conv2d_nhwc_s8_3x3(const int8_t *in, const int8_t *w, const int32_t *bias,
                                     int8_t *out, const mc_qconv2d_params *p) {
    const steps s = steps_of(p);
    const uint32_t off2 = mc_pack16(p->in_offset, p->in_offset);
    const int32_t ph = padded_size(p->out_h, p->in_h, p->stride_h, p->pad_top);
    const int32_t pw = padded_size(p->out_w, p->in_w, p->stride_w, p->pad_left);
    const int small = p->depth_multiplier == 1 && ph * pw <= MC_QDW_PADDED_MAX;
    block3x3 k;
    int32_t oc = 0;
    if (p->depth_multiplier == 1 || p->depth_multiplier % 4 == 0) {
        for (; oc + 4 <= p->out_c; oc += 4) {
            block_of(w, bias, oc, p, &k);
            if (!k.fast) {
                break;
            }
            if (small) {
                plane3x3_padded(in, out, p, &k, oc, ph, pw);
            } else {
                plane3x3(in, out, p, &k, oc, off2);
            }
        }
    }
    for (; oc < p->out_c; ++oc) {
        plane_general(in, w, bias, out, p, &s, oc);
    }
}
