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

/* The 3x3 kernel runs block by block: four output channels over the whole plane, so that what a
 * block needs is prepared once per layer instead of once per pixel. Every pixel takes one path: the
 * block's channels of the three input rows an output row reads are copied into a ring of three
 * framed rows, over which every window lies inside. A framed pixel holds its four channels already
 * sign-extended into 16-bit lanes, (0, 2) and (1, 3), as SMLABB / SMLATT take them, so that a tap is
 * two LDRDs and four multiplies; with a depth multiplier of 4k the four channels read one input
 * value, which fills every lane. The frame (the padding, and what lies past the input) holds the
 * input zero point, whose product w * zp is cancelled by the in_offset * w term of the block's inner
 * constant (in_offset = -zp): the sums are the reference's int32 values, in wrapping arithmetic. */

/* Framed columns in the ring: an output row is done in strips of as many pixels as fit. 3 rows x 34
 * pixels x 8 B = 816 B of stack (person_detect's firmware needs no more stack than with the kernel
 * before, 1,332 B); its 96- and 48-wide rows take three and two strips, which cost it the same
 * instructions as 40 columns would and 35,000 (0.3%) more than 50. */
#define MC_QDW_COLS 34

/* The block's constants. Word pairs are one 64-bit value (low word first in the pair's name), so
 * that the M4 loads them with one LDRD. */
typedef struct {
    /* the nine weights doubled (see out8), sign-extended, lanes (channel 0, 2) in the low word and
     * (1, 3) in the high word, by kernel row and column; kernel rows 0, 1, 2, 0, 1, so that w[s]
     * serves the ring whose slot 0 holds kernel row s */
    uint64_t w[5][3];
    uint64_t inner[2];  /* channels (0, 1), (2, 3): 2 x (bias + in_offset x (sum of the nine weights)) */
    uint64_t scale[4];  /* per channel: multiplier, mc_rq_small_nudge (see out8) */
    int32_t rshift[4];  /* -shift */
    /* and the rows of the current strip: n output pixels, x_step framed pixels and out_c output
     * bytes apart */
    int32_t n, x_step, out_c;
} block3x3;

/* Two words as one 64-bit value (a framed pixel: lanes (channel 0, 2), (1, 3)), which the M4 moves
 * with one LDRD / STRD. */
static uint64_t words(uint32_t lo, uint32_t hi) {
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t low(uint64_t v) {
    return (uint32_t)v;
}

static uint32_t high(uint64_t v) {
    return (uint32_t)(v >> 32);
}

/* Prepares the block of output channels [oc, oc + 4) of out_c. */
static void block_of(const int8_t *w, const int32_t *bias, int32_t oc, int32_t out_c,
                     const mc_qdepthwise3x3_params *p, block3x3 *k) {
    uint64_t *wk = k->w[0];
    const uint32_t off = (uint32_t)-p->in_zero;   /* in_offset in its bottom lane: |in_offset| <= 128 */
    uint32_t sum02 = 0, sum13 = 0;   /* the nine weights' sums, lanes as the weights' (|sum| <= 1152) */
    int32_t b[4] = {0, 0, 0, 0};
    int32_t j, t;
    for (t = 0; t < 9; ++t) {
        const uint32_t wv = mc_read_u32(w + t * out_c + oc);
        const uint32_t w02 = mc_sxtb16(wv), w13 = mc_sxtb16_ror8(wv);
        wk[t] = words(mc_sadd16(w02, w02), mc_sadd16(w13, w13));
        if (t < 6) {
            wk[t + 9] = wk[t];
        }
        sum02 = mc_sadd16(sum02, w02);
        sum13 = mc_sadd16(sum13, w13);
    }
    /* inner: bias + in_offset x sum, channel j's sum in lane j >> 1 of sum02 (j even) or sum13 */
    if (bias != NULL) {
        b[0] = bias[oc]; b[1] = bias[oc + 1]; b[2] = bias[oc + 2]; b[3] = bias[oc + 3];
    }
    k->inner[0] = words(2u * (uint32_t)mc_smlabb(sum02, off, b[0]), 2u * (uint32_t)mc_smlabb(sum13, off, b[1]));
    k->inner[1] = words(2u * (uint32_t)mc_smlatb(sum02, off, b[2]), 2u * (uint32_t)mc_smlatb(sum13, off, b[3]));
    for (j = 0; j < 4; ++j) {
        const int32_t rshift = -p->out_shift[oc + j];
        k->rshift[j] = rshift;
        k->scale[j] = words((uint32_t)p->out_mult[oc + j], (uint32_t)mc_rq_small_nudge(rshift, p->out_offset));
    }
}

/* mc_requantize(acc) + out_offset saturated to int8, given acc2 = 2 * acc (the doubled weights):
 * mc_rq_small2 (exact under the header's precondition: double rounding, a multiplier >= 0,
 * 1 <= -shift <= 22, |out_offset| <= 255, |acc| < 2^29). */
MC_QDW_INLINE int8_t out8(int32_t acc2, uint64_t scale, int32_t rshift) {
    return (int8_t)mc_ssat8(mc_rq_small2(acc2, mc_wrap_i32(low(scale)), mc_wrap_i32(high(scale)), rshift));
}

/* One tap: x the framed pixel's lanes, w the tap's. */
MC_QDW_INLINE void tap(const uint64_t *x, const uint64_t *w, int32_t *a) {
    const uint64_t xv = *x, wv = *w;
    const uint32_t x02 = low(xv), x13 = high(xv), w02 = low(wv), w13 = high(wv);
    a[0] = mc_smlabb(x02, w02, a[0]);
    a[2] = mc_smlatt(x02, w02, a[2]);
    a[1] = mc_smlabb(x13, w13, a[1]);
    a[3] = mc_smlatt(x13, w13, a[3]);
}

/* The three taps of one kernel row: framed pixels x[0..2], weights w[0..2]. */
MC_QDW_INLINE void taps3(const uint64_t *x, const uint64_t *w, int32_t *a) {
    tap(x, w, a);
    tap(x + 1, w + 1, a);
    tap(x + 2, w + 2, a);
}

/* k->n output pixels of one row (n >= 1) over the ring: x at the first one's top-left framed pixel,
 * w the block's weights for the ring's rotation, o the first output.
 * The nine taps are spelled out so that the four sums stay in registers; the outputs are saturated
 * to int8 (clamp_row narrows them further). */
MC_QDW_LOOP void framed_row(const uint64_t *x, const uint64_t *w, const block3x3 *k, int8_t *o) {
    const uint64_t *end = x + k->n * k->x_step;
    do {
        const uint64_t i01 = k->inner[0], i23 = k->inner[1];
        int32_t a[4];
        a[0] = mc_wrap_i32(low(i01)); a[1] = mc_wrap_i32(high(i01));
        a[2] = mc_wrap_i32(low(i23)); a[3] = mc_wrap_i32(high(i23));
        taps3(x, w, a);
        taps3(x + MC_QDW_COLS, w + 3, a);
        taps3(x + 2 * MC_QDW_COLS, w + 6, a);
        o[0] = out8(a[0], k->scale[0], k->rshift[0]);
        o[1] = out8(a[1], k->scale[1], k->rshift[1]);
        o[2] = out8(a[2], k->scale[2], k->rshift[2]);
        o[3] = out8(a[3], k->scale[3], k->rshift[3]);
        x += k->x_step;
        o += k->out_c;
    } while (x != end);
}

/* Framed pixels [from, to) of a ring row set to the frame's value. */
static void frame(uint64_t *row, int32_t from, int32_t to, uint64_t zero) {
    for (; from < to; ++from) {
        row[from] = zero;
    }
}

/* How input rows become ring rows in one strip of output columns: `width` framed pixels, of which
 * [lo, hi) lie inside the input, from the block's input channel of input pixels in_c bytes apart. */
typedef struct {
    uint64_t zero;      /* the frame: the input zero point in every lane */
    int32_t width, lo, hi, in_c;
    int shared;         /* depth multiplier 4k: one input value for the block's four channels */
} strip;

/* A framed pixel of a block with one input value x: every lane holds it. */
MC_QDW_INLINE void shared_pixel(const int8_t *x, uint64_t *d) {
    const uint32_t v = mc_sxtb16((uint32_t)(uint8_t)*x * 0x00010001u);
    /* both words hold v: stored one at a time (GCC builds the 64-bit value of two equal words with
     * an extra UMULL) */
    memcpy(d, &v, sizeof v);
    memcpy((uint32_t *)d + 1, &v, sizeof v);
}

/* Ring row `row` gets framed pixels [lo, hi) from x on (x NULL: a row outside the input: the frame).
 * The frame around them was written when the strip began. */
MC_QDW_LOOP void frame_row(const int8_t *x, const strip *s, uint64_t *row) {
    uint64_t *d = row + s->lo, *end = row + s->hi;
    const int32_t in_c = s->in_c;
    if (x == NULL) {
        frame(row, s->lo, s->hi, s->zero);
    } else if (!s->shared) {
        /* two pixels a pass, then the odd one */
        for (; d + 2 <= end; d += 2, x += 2 * in_c) {
            const uint32_t v = mc_read_u32(x), u = mc_read_u32(x + in_c);
            d[0] = words(mc_sxtb16(v), mc_sxtb16_ror8(v));
            d[1] = words(mc_sxtb16(u), mc_sxtb16_ror8(u));
        }
        if (d < end) {
            const uint32_t v = mc_read_u32(x);
            *d = words(mc_sxtb16(v), mc_sxtb16_ror8(v));
        }
    } else {
        for (; d + 2 <= end; d += 2, x += 2 * in_c) {
            shared_pixel(x, d);
            shared_pixel(x + in_c, d + 1);
        }
        if (d < end) {
            shared_pixel(x, d);
        }
    }
}

/* The block's n outputs of one row, out_c bytes apart, clamped to [lo, hi] (framed_row saturated
 * them to int8: clamping that is clamping the value). */
static void clamp_row(int8_t *o, int32_t n, int32_t out_c, int32_t lo, int32_t hi) {
    int32_t i, j;
    for (i = 0; i < n; ++i, o += out_c) {
        for (j = 0; j < 4; ++j) {
            o[j] = (int8_t)mc_clamp_i32(o[j], lo, hi);
        }
    }
}

void mc_depthwise_conv2d_nhwc_s8_3x3(const int8_t *in, const int8_t *w, const int32_t *bias,
                                     int8_t *out, const mc_qdepthwise3x3_params *p) {
    /* what the row loop reads, once: the outputs' int8 stores may alias *p (itself passed on the
     * stack), so the loop would load both again for every row. (The other fields in locals too
     * spill to the stack: +72 B of code, +64 B of stack, and more instructions, measured.) */
    const int32_t in_h = p->in_h, stride_h = p->stride_h, pad_top = p->pad_top;
    uint64_t ring[3][MC_QDW_COLS];
    const int32_t span = (MC_QDW_COLS - 3) / p->stride_w + 1;   /* output pixels per strip */
    const int32_t in_row = p->in_w * p->in_c, out_row = p->out_w * p->out_c;
    const uint32_t zp = mc_pack16(p->in_zero, p->in_zero);
    const int clamp = p->act_min > -128 || p->act_max < 127;
    block3x3 k;
    strip s;
    const int8_t *cols;   /* row 0 of the input at the strip's first framed pixel inside it */
    int32_t oc, b, c0, oh, r;
    s.zero = words(zp, zp);
    s.in_c = p->in_c;
    k.x_step = p->stride_w;
    k.out_c = p->out_c;
    s.shared = p->depth_multiplier != 1;
    for (oc = 0; oc < p->out_c; oc += 4) {
        block_of(w, bias, oc, p->out_c, p, &k);
        for (b = 0; b < p->batch; ++b) {
            const int8_t *image = in + b * in_h * in_row + oc / p->depth_multiplier;
            for (c0 = 0; c0 < p->out_w; c0 += span) {
                const int32_t n = p->out_w - c0 < span ? p->out_w - c0 : span;
                const int32_t iw0 = c0 * p->stride_w - p->pad_left;   /* input column of framed pixel 0 */
                int8_t *o = out + (b * p->out_h * p->out_w + c0) * p->out_c + oc;
                int32_t ih = -pad_top;   /* the next input row to frame */
                int32_t slot = 0;        /* its ring row */
                int32_t rot = 0;         /* the kernel row in ring row 0 */
                k.n = n;
                s.width = (n - 1) * p->stride_w + 3;
                s.lo = iw0 < 0 ? -iw0 : 0;
                s.hi = p->in_w - iw0 < s.width ? p->in_w - iw0 : s.width;
                if (s.hi <= s.lo) {
                    s.hi = s.lo;
                    cols = NULL;   /* no pointer formed for a strip outside the input */
                } else {
                    cols = image + (iw0 + s.lo) * p->in_c;
                }
                for (r = 0; r < 3; ++r) {
                    frame(ring[r], 0, s.width, s.zero);
                }
                for (oh = 0; oh < p->out_h; ++oh, o += out_row) {
                    const int32_t top = oh * stride_h - pad_top;   /* the window's top input row */
                    if (ih < top) {
                        /* a stride above 3 skips rows: the window's three are all new, in any slots */
                        ih = top;
                    }
                    for (; ih < top + 3; ++ih) {
                        frame_row(ih >= 0 && ih < in_h && cols != NULL ? cols + ih * in_row : NULL, &s,
                                  ring[slot]);
                        slot = slot == 2 ? 0 : slot + 1;
                        /* ring row `slot` is the oldest now; after the window's rows are in, it holds
                         * the top one, kernel row 0, and ring row 0 kernel row (3 - slot) % 3 */
                        rot = slot == 0 ? 0 : 3 - slot;
                    }
                    framed_row(ring[0], k.w[rot], &k, o);
                    if (clamp) {
                        clamp_row(o, n, p->out_c, p->act_min, p->act_max);
                    }
                }
            }
        }
    }
}
