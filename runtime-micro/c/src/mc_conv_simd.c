#include "mc_conv_simd.h"

/* Why the results equal the reference kernels': every sum is the same set of int32 products
 * w * x plus bias + in_offset * sum(w) (the packed bias), which is the reference's
 * sum of w * (x + in_offset) + bias term for term once padded taps read the zero point; SMLAD
 * adds in 32 bits with wrap-around, the reference in int32, so the totals agree in every bit.
 * Padding weights (k >= K, the zero channel of an odd count) are 0 and add nothing. The epilogue
 * is the reference's: requantize, add the output zero point, clamp. */

static int32_t padded_depth(int32_t k) {
    return (k + 3) & ~(int32_t)3;
}

/* The four bytes at x..x+n-1 (n < 4) as one word, the missing bytes 0. */
static uint32_t partial_word(const int8_t *x, int32_t n) {
    uint32_t v = 0;
    int32_t j;
    for (j = 0; j < n; ++j) {
        v |= (uint32_t)(uint8_t)x[j] << (8u * (uint32_t)j);
    }
    return v;
}

/* n int8 values as 16-bit lanes, per group of four: (x0, x2), (x1, x3), written to lanes[0] and
 * lanes[1] of every `stride` words; a last partial group is completed with zeros (their weights
 * are 0). */
static void widen(const int8_t *x, int32_t n, uint32_t *lanes, int32_t stride) {
    int32_t i;
    for (i = 0; i + 4 <= n; i += 4, lanes += stride) {
        const uint32_t v = mc_read_u32(x + i);
        lanes[0] = mc_sxtb16(v);
        lanes[1] = mc_sxtb16_ror8(v);
    }
    if (i < n) {
        const uint32_t v = partial_word(x + i, n - i);
        lanes[0] = mc_sxtb16(v);
        lanes[1] = mc_sxtb16_ror8(v);
    }
}

#if defined(__GNUC__)
#define MC_SIMD_NOINLINE __attribute__((noinline))
#define MC_SIMD_INLINE inline __attribute__((always_inline))
#else
#define MC_SIMD_NOINLINE
#define MC_SIMD_INLINE inline
#endif
/* The inner loop: GCC's scheduling before register allocation stretches its live ranges until the
 * four sums, eight lanes and two pointers no longer fit the Cortex-M4's registers and spill to the
 * stack inside the loop; without it the loop is 32 instructions for 32 MACs. */
#if defined(__GNUC__) && !defined(__clang__)
#define MC_SIMD_LOOP __attribute__((noinline, optimize("no-schedule-insns")))
#define MC_SIMD_SCHEDULED __attribute__((optimize("no-schedule-insns")))
#else
#define MC_SIMD_LOOP MC_SIMD_NOINLINE
#define MC_SIMD_SCHEDULED
#endif

/* The packed weights are emitted word aligned (aligned(8) under GCC), and each channel pair's
 * block is a multiple of four bytes long: telling GCC lets it load two weight words with one
 * LDRD. */
#if defined(__GNUC__)
#define MC_ALIGNED4(ptr) ((const int8_t *)__builtin_assume_aligned((ptr), 4))
#else
#define MC_ALIGNED4(ptr) (ptr)
#endif

/* The reference epilogue of one sum (requantize, + output zero point, clamp), for every rounding:
 * one copy, called where finish_channel's shortcut does not apply (the general convolution only). */
static MC_SIMD_NOINLINE int8_t requantize_s8(int32_t acc, int32_t mult, int32_t shift,
                                             mc_rounding rounding, int32_t out_offset,
                                             int32_t act_min, int32_t act_max) {
    acc = mc_requantize_fast(acc, mult, shift, rounding) + out_offset;
    return (int8_t)mc_clamp_i32(acc, act_min, act_max);
}

/* The epilogue of output channel c's sums s0 and s1 (two pixels), written to o and o + next. The
 * usual case (double rounding, an activation range of all of int8 and |out_offset| <= 256; ReLU and
 * ReLU6 outputs usually have zero point -128, ReLU6 a scale of 6/255) with a right shift e of 1 to
 * 22 (e - 1 below e_limit, 22 in the usual case, else 0) takes mc_qrequant.h's mc_rqo, the output
 * offset folded into the channel's constant, and SSAT for the clamp; every other channel
 * requantize_s8 with slow's rounding and clamp. slow NULL: every channel takes mc_rqo (the caller
 * knows), and the other epilogue is not compiled in. */
static MC_SIMD_INLINE void finish_channel(int32_t s0, int32_t s1, int32_t c, int8_t *o, int32_t next,
                                          const int32_t *mults, const int8_t *shifts,
                                          int32_t out_offset, const mc_qconv2d_params *slow,
                                          uint32_t e_limit) {
    const int32_t mult = mults[c], shift = shifts[c];
    const uint32_t e1 = (uint32_t)-1 - (uint32_t)shift;   /* e - 1 */
    if (slow == NULL || e1 < e_limit) {
        const int64_t k = mc_rqo_k(e1, out_offset);
        o[0] = (int8_t)mc_ssat8(mc_rqo(s0, mult, k, e1));
        o[next] = (int8_t)mc_ssat8(mc_rqo(s1, mult, k, e1));
    } else {
        o[0] = requantize_s8(s0, mult, shift, slow->rounding, out_offset, slow->act_min,
                             slow->act_max);
        o[next] = requantize_s8(s1, mult, shift, slow->rounding, out_offset, slow->act_min,
                                slow->act_max);
    }
}

/* Two 32-bit words from a word-aligned address with one LDRD. */
static inline void read_pair(const void *p, uint32_t *lo, uint32_t *hi) {
    uint32_t v[2];
    memcpy(v, MC_ALIGNED4(p), sizeof v);
    *lo = v[0];
    *hi = v[1];
}

/* One group of four k for a channel pair and a pixel pair: lanes xp[0..1] (pixel a) and xp[2..3]
 * (pixel b), the pair's weight words at wp; s00/s01 channel c's sums for pixels a/b, s10/s11 its
 * partner's. Three LDRD, four SXTB16, eight SMLAD. */
static MC_SIMD_INLINE void group(const uint32_t *xp, const int8_t *wp, int32_t *s00, int32_t *s01,
                                 int32_t *s10, int32_t *s11) {
    uint32_t w0, w1, x02, x13;
    uint32_t v02, v13, u02, u13;
    read_pair(wp, &w0, &w1);
    v02 = mc_sxtb16(w0);
    v13 = mc_sxtb16_ror8(w0);
    u02 = mc_sxtb16(w1);
    u13 = mc_sxtb16_ror8(w1);
    read_pair(xp, &x02, &x13);
    *s00 = mc_smlad(v13, x13, mc_smlad(v02, x02, *s00));
    *s10 = mc_smlad(u13, x13, mc_smlad(u02, x02, *s10));
    read_pair(xp + 2, &x02, &x13);
    *s01 = mc_smlad(v13, x13, mc_smlad(v02, x02, *s01));
    *s11 = mc_smlad(u13, x13, mc_smlad(u02, x02, *s11));
}

/* The four sums of a channel pair and a pixel pair over groups xp .. end (s: channel c's for pixels
 * a and b, then its partner's; in and out). Its own function, so that the inner loop has the
 * registers to itself. */
static MC_SIMD_LOOP void pair_sums(const uint32_t *xp, const uint32_t *end, const int8_t *wp,
                                       int32_t *s) {
    int32_t s00 = s[0], s01 = s[1], s10 = s[2], s11 = s[3];
    if (((end - xp) & 4) != 0) {   /* an odd count of groups: one first, then two per pass */
        group(xp, wp, &s00, &s01, &s10, &s11);
        xp += 4;
        wp += 8;
    }
    for (; xp != end; xp += 8, wp += 16) {
        group(xp, wp, &s00, &s01, &s10, &s11);
        group(xp + 4, wp + 8, &s00, &s01, &s10, &s11);
    }
    s[0] = s00;
    s[1] = s01;
    s[2] = s10;
    s[3] = s11;
}

/* All out_c output channels of two pixels whose lanes are interleaved per group of four in `lanes`
 * (pixel a's two words, then pixel b's; for one pixel both are its own and pixels is 1); their
 * outputs at o and o + out_c. Per pair of channels four sums: each lane word feeds two SMLADs, and
 * each weight word four multiply-accumulates; the four sums are requantized as soon as they are
 * complete, from registers (finish_channel: slow NULL when every channel takes mc_rqo). `groups` is
 * 0 for any Kp (pair_sums' loop, a call per channel pair) or Kp / 4 when the caller knows it to be
 * small: then the groups are unrolled in place, so the sums never leave registers and there is no
 * call (fast_pixel_pair's cases). The parameters come as values, read once by the caller: the
 * output stores (int8_t) may alias any parameter struct as far as GCC knows. */
static MC_SIMD_INLINE void pixel_pair_channels(const int8_t *w, const int32_t *bias,
                                               const uint32_t *lanes, int32_t kp, int8_t *o,
                                               int32_t pixels, int32_t out_c, int32_t out_offset,
                                               const int32_t *mults, const int8_t *shifts,
                                               const mc_qconv2d_params *slow, int32_t groups) {
    const uint32_t *end = lanes + kp;   /* kp / 4 groups of four words */
    /* finish_channel's shortcut where some channels may not take it: e - 1 below 22 (e in
     * [1, 22]) in the usual case, never otherwise */
    const uint32_t e_limit = slow != NULL && slow->rounding == MC_ROUND_DOUBLE
                             && slow->act_min == -128 && slow->act_max == 127
                             && mc_rqo_fits(-1, out_offset) ? 22u : 0u;
    /* one pixel: its sums stand in the second slot too (its lanes were duplicated), and the
     * second store rewrites the first */
    const int32_t next = pixels == 2 ? out_c : 0;
    int32_t c, g;
    for (c = 0; c < out_c; c += 2) {
        const int second = c + 1 < out_c;   /* else the partner is the zero channel */
        const int8_t *wp = MC_ALIGNED4(w + c * kp);
        int32_t sums[4];
        sums[0] = sums[1] = bias[c];
        sums[2] = sums[3] = second ? bias[c + 1] : 0;
        if (groups == 0) {
            pair_sums(lanes, end, wp, sums);
        } else {
            for (g = 0; g < groups; ++g) {
                group(lanes + 4 * g, wp + 8 * g, &sums[0], &sums[1], &sums[2], &sums[3]);
            }
        }
        finish_channel(sums[0], sums[1], c, o + c, next, mults, shifts, out_offset, slow, e_limit);
        if (second) {
            finish_channel(sums[2], sums[3], c + 1, o + c + 1, next, mults, shifts, out_offset,
                           slow, e_limit);
        }
    }
}

/* The outputs of a pixel pair of a layer whose every channel takes mc_rqo's epilogue (the pointwise
 * kernel's precondition; the general convolution's layers where all_channels_fast holds): out_c,
 * out_offset and the tables from q. */
static MC_SIMD_SCHEDULED MC_SIMD_NOINLINE void fast_pixel_pair(const int8_t *w, const int32_t *bias,
                                                               const uint32_t *lanes, int32_t kp,
                                                               int8_t *o, int32_t pixels,
                                                               const mc_qpointwise_params *q) {
    const int32_t out_c = q->out_c, out_offset = q->out_offset;
    const int32_t *mults = q->out_mult;
    const int8_t *shifts = q->out_shift;
    if (kp == 8) {     /* person_detect's conv2d_1_pointwise: 8 MACs per output */
        pixel_pair_channels(w, bias, lanes, 8, o, pixels, out_c, out_offset, mults, shifts, NULL, 2);
    } else {
        pixel_pair_channels(w, bias, lanes, kp, o, pixels, out_c, out_offset, mults, shifts, NULL, 0);
    }
}

/* The same for any other layer (the general convolution's): channel by channel mc_rqo's epilogue
 * or requantize_s8. */
static MC_SIMD_SCHEDULED MC_SIMD_NOINLINE void any_pixel_pair(const int8_t *w, const int32_t *bias,
                                                              const uint32_t *lanes, int32_t kp,
                                                              int8_t *o, int32_t pixels,
                                                              const mc_qconv2d_params *p) {
    pixel_pair_channels(w, bias, lanes, kp, o, pixels, p->out_c, p->out_offset, p->out_mult,
                        p->out_shift, p, 0);
}

/* Whether every channel takes finish_channel's shortcut: checked once per layer of the general
 * convolution, so that its per-pixel loops carry no second epilogue (nor its call's register
 * pressure); the compiler checks it for the pointwise kernel (its precondition). */
static int all_channels_fast(const mc_qconv2d_params *p) {
    int32_t c;
    if (!(p->rounding == MC_ROUND_DOUBLE && p->act_min == -128 && p->act_max == 127
          && mc_rqo_fits(-1, p->out_offset))) {
        return 0;
    }
    for (c = 0; c < p->out_c; ++c) {
        if (!mc_rqo_fits(p->out_shift[c], p->out_offset)) {
            return 0;
        }
    }
    return 1;
}

void mc_conv2d_1x1_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                           const mc_qpointwise_params *p) {
    /* copied out: the lane stores and the calls may change *p as far as GCC knows */
    const int32_t in_c = p->in_c, out_c = p->out_c, pixels = p->pixels;
    const int32_t kp = padded_depth(in_c);
    uint32_t lanes[kp];   /* two pixels, Kp / 2 words each (Kp <= MC_CONV_SIMD_MAX_K) */
    int32_t px;
    for (px = 0; px + 1 < pixels; px += 2) {
        widen(in + px * in_c, in_c, lanes, 4);
        widen(in + (px + 1) * in_c, in_c, lanes + 2, 4);
        fast_pixel_pair(w, bias, lanes, kp, out + px * out_c, 2, p);
    }
    if (px < pixels) {
        widen(in + px * in_c, in_c, lanes, 4);
        widen(in + px * in_c, in_c, lanes + 2, 4);
        fast_pixel_pair(w, bias, lanes, kp, out + px * out_c, 1, p);
    }
}

/* The geometry the gathering path reads per pixel, copied out of the parameters once: the lane
 * stores (uint32_t) may alias the int32_t fields as far as the compiler knows, which would reload
 * them from memory after every store. */
typedef struct {
    int32_t in_h, in_w, in_c, k_h, k_w, dilation_h, dilation_w;
    int32_t row;                /* k_w * in_c: the taps of one kernel row */
    int32_t in_row_step;        /* bytes from one kernel row's input row to the next */
    int32_t cols_contiguous;    /* dilation_w == 1: a kernel row reads contiguous input bytes */
    int32_t wide_rows;          /* an input row holds at least four bytes (one word) */
    int8_t zero_point;          /* what a tap outside the image reads */
    uint32_t zero_word;         /* four zero points */
    uint32_t zero_lanes;        /* four zero points widened: both lane words of a padded group */
} tap_geometry;

static tap_geometry tap_geometry_of(const mc_qconv2d_params *p) {
    tap_geometry g;
    const uint32_t zp = (uint32_t)(uint8_t)(int8_t)(-p->in_offset);
    g.in_h = p->in_h;
    g.in_w = p->in_w;
    g.in_c = p->in_c;
    g.k_h = p->k_h;
    g.k_w = p->k_w;
    g.dilation_h = p->dilation_h;
    g.dilation_w = p->dilation_w;
    g.row = p->k_w * p->in_c;
    g.in_row_step = p->dilation_h * p->in_w * p->in_c;
    g.cols_contiguous = p->dilation_w == 1;
    g.wide_rows = p->in_w * p->in_c >= 4;
    g.zero_point = (int8_t)zp;
    g.zero_word = zp * 0x01010101u;
    g.zero_lanes = mc_sxtb16(zp * 0x01010101u);
    return g;
}

/* One kernel row's k_w * in_c taps in weight order (kernel column, channel) from input row `src`
 * (NULL: a row outside the image), window column iw0, copied to dst, the zero point for columns
 * outside the image. */
static void gather_row(const int8_t *src, int32_t iw0, const tap_geometry *g, int8_t *dst) {
    int32_t kw;
    if (src == NULL) {
        memset(dst, g->zero_point, (size_t)g->row);
    } else if (g->cols_contiguous && iw0 >= 0 && iw0 + g->k_w <= g->in_w) {
        memcpy(dst, src + iw0 * g->in_c, (size_t)g->row);
    } else {
        for (kw = 0; kw < g->k_w; ++kw, dst += g->in_c) {
            const int32_t iw = iw0 + kw * g->dilation_w;
            if (iw < 0 || iw >= g->in_w) {
                memset(dst, g->zero_point, (size_t)g->in_c);
            } else {
                memcpy(dst, src + iw * g->in_c, (size_t)g->in_c);
            }
        }
    }
}

/* The lanes of a pixel whose kernel rows are not a whole number of words (groups of four straddle
 * rows): its K taps gathered into `col` (Kp bytes) in weight order, then widened. */
static MC_SIMD_NOINLINE void gathered_lanes(const int8_t *image, int32_t ih0, int32_t iw0,
                                            const tap_geometry *g, int8_t *col,
                                            uint32_t *lanes) {
    const int32_t in_row = g->in_w * g->in_c;
    int32_t kh, ih;
    for (kh = 0, ih = ih0; kh < g->k_h; ++kh, ih += g->dilation_h) {
        gather_row(ih < 0 || ih >= g->in_h ? NULL : image + ih * in_row, iw0, g, col + kh * g->row);
    }
    widen(col, g->row * g->k_h, lanes, 4);
}

/* `rows` (>= 1) kernel rows of `groups` (>= 1) groups of four taps each, the first at x, the next
 * in_row_step bytes on, widened into lanes[0] and lanes[1] of every four words (as widen). */
static inline void widen_rows(const int8_t *x, int32_t rows, int32_t groups,
                              int32_t in_row_step, uint32_t *lanes) {
    const int32_t skip = in_row_step - 4 * groups;
    do {
        int32_t n = groups;
        do {
            const uint32_t v = mc_read_u32(x);
            x += 4;
            lanes[0] = mc_sxtb16(v);
            lanes[1] = mc_sxtb16_ror8(v);
            lanes += 4;
        } while (--n != 0);
        x += skip;
    } while (--rows != 0);
}

/* One kernel row cut by the image's left or right side, widened as widen_rows does: of its `row`
 * bytes, lo_b .. lo_b + span - 1 are inside the image (src: the first of them), the others read
 * the zero point. Words wholly inside are loaded, wholly outside are the zero point's. A word
 * across one side loads the four image bytes at that side (inside the same input row when it holds
 * at least four bytes) and shifts the zero points in (byte 0 the lowest, as partial_word); one
 * across both sides is put together byte by byte. No copy: a library memcpy of the few bytes of a
 * one-channel row would cost more than the row. */
static void widen_cut_row(const int8_t *src, int32_t lo_b, int32_t span, int32_t row,
                          const tap_geometry *g, uint32_t *lanes) {
    const int32_t hi_b = lo_b + span;
    const uint32_t zeros = g->zero_word;
    int32_t j, b;
    for (j = 0; j < row; j += 4, lanes += 4) {
        uint32_t v;
        if (j >= lo_b && j + 4 <= hi_b) {
            v = mc_read_u32(src + (j - lo_b));
        } else if (j + 4 <= lo_b || j >= hi_b) {
            v = zeros;
        } else if (g->wide_rows && j + 4 <= hi_b) {   /* left side: bytes lo_b - j .. 3 inside */
            const uint32_t outside = 8u * (uint32_t)(lo_b - j);
            v = (mc_read_u32(src) << outside) | (zeros >> (32u - outside));
        } else if (g->wide_rows && j >= lo_b) {       /* right side: bytes 0 .. hi_b - j - 1 */
            const uint32_t inside = 8u * (uint32_t)(hi_b - j);
            v = (mc_read_u32(src + span - 4) >> (32u - inside)) | (zeros << inside);
        } else {
            v = 0;
            for (b = 0; b < 4; ++b) {
                const int32_t t = j + b;
                const uint32_t byte = t >= lo_b && t < hi_b ? (uint8_t)src[t - lo_b] : zeros & 0xFFu;
                v |= byte << (8u * (uint32_t)b);
            }
        }
        lanes[0] = mc_sxtb16(v);
        lanes[1] = mc_sxtb16_ror8(v);
    }
}

/* The columns of a pixel's window inside the image, the same for all its kernel rows: bytes
 * lo_b .. lo_b + span - 1 of each k_w * in_c byte row (contiguous columns); src is the first of
 * them in input row 0 (when none is inside, never read: the row's first byte). */
typedef struct {
    int32_t lo_b, span;
    const int8_t *src;
} window_columns;

static window_columns window_columns_of(const int8_t *image, int32_t iw0, const tap_geometry *g) {
    window_columns w;
    const int32_t lo = iw0 < 0 ? -iw0 : 0;
    const int32_t end = g->in_w - iw0 < g->k_w ? g->in_w - iw0 : g->k_w;
    const int32_t hi = end > lo ? end : lo;
    w.lo_b = lo * g->in_c;
    w.span = (hi - lo) * g->in_c;
    w.src = image + (w.span > 0 ? iw0 + lo : 0) * g->in_c;
    return w;
}

/* The lanes of a pixel whose window is not wholly inside the image, kernel rows a whole number of
 * words: rows outside the image are the zero point's lanes, rows inside widen straight from the
 * input, rows cut by the image's side word by word (widen_cut_row), dilated rows gathered into `col`. */
static MC_SIMD_NOINLINE void border_lanes(const int8_t *image, int32_t ih0, int32_t iw0,
                                          const tap_geometry *g, int8_t *col, uint32_t *lanes) {
    const int32_t row = g->row, groups = g->row >> 2, in_row = g->in_w * g->in_c;
    const window_columns c = window_columns_of(image, iw0, g);
    const int32_t whole = g->cols_contiguous && c.span == row;   /* every column inside */
    int32_t kh, ih, i;
    for (kh = 0, ih = ih0; kh < g->k_h; ++kh, ih += g->dilation_h, lanes += row) {
        if (ih < 0 || ih >= g->in_h) {
            for (i = 0; i < row; i += 4) {
                lanes[i] = lanes[i + 1] = g->zero_lanes;
            }
        } else if (whole) {
            widen_rows(c.src + ih * in_row, 1, groups, 0, lanes);
        } else if (g->cols_contiguous) {
            widen_cut_row(c.src + ih * in_row, c.lo_b, c.span, row, g, lanes);
        } else {   /* dilated */
            gather_row(image + ih * in_row, iw0, g, col);
            widen_rows(col, 1, groups, 0, lanes);
        }
    }
}

/* The lanes of the output pixel whose window starts at input row ih0, column iw0 of `image` (its
 * first byte): the K taps in weight order (kernel row, kernel column, channel), as widen writes
 * them. When a kernel row is a whole number of groups of four (k_w * in_c a multiple of 4:
 * micro_speech's 10x8 window of one channel, any conv of 4n channels) the rows widen straight
 * from the input with no copy: a window inside the image in one pass, others row by row
 * (border_lanes); otherwise the taps are gathered into `col` (Kp bytes) first (gathered_lanes). */
static void pixel_lanes(const int8_t *image, int32_t ih0, int32_t iw0, const tap_geometry *g,
                        int8_t *col, uint32_t *lanes) {
    const int32_t groups = g->row >> 2;
    if ((g->row & 3) != 0) {   /* groups of four straddle kernel rows */
        gathered_lanes(image, ih0, iw0, g, col, lanes);
    } else if (!g->cols_contiguous || iw0 < 0 || iw0 + g->k_w > g->in_w || ih0 < 0
               || ih0 + (g->k_h - 1) * g->dilation_h >= g->in_h) {
        border_lanes(image, ih0, iw0, g, col, lanes);
    } else {
        const int8_t *x = image + (ih0 * g->in_w + iw0) * g->in_c;
        if (groups == 2) {   /* one-channel windows 8 and 4 wide (micro_speech, kws): */
            widen_rows(x, g->k_h, 2, g->in_row_step, lanes);   /* the row's loop unrolled */
        } else if (groups == 1) {
            widen_rows(x, g->k_h, 1, g->in_row_step, lanes);
        } else {
            widen_rows(x, g->k_h, groups, g->in_row_step, lanes);
        }
    }
}

void mc_conv2d_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                       const mc_qconv2d_params *p) {
    const tap_geometry g = tap_geometry_of(p);
    const int32_t kp = padded_depth(p->k_h * p->k_w * p->in_c);
    const int32_t pixels = p->batch * p->out_h * p->out_w;
    const int32_t image_size = p->in_h * p->in_w * p->in_c;
    const int fast = all_channels_fast(p) && p->out_c <= 0xFFFF;
    /* every channel takes mc_rqo's epilogue: the pointwise kernel's, on these parameters */
    mc_qpointwise_params q;
    uint32_t lanes[kp];   /* two pixels, Kp / 2 words each (Kp <= MC_CONV_SIMD_MAX_K) */
    int8_t col[kp];       /* gathered taps, where they are not widened straight from the input */
    /* the next pixel to widen: its image and window origin, walked without divisions */
    const int8_t *image = in;
    int32_t ow = 0, ih0 = -p->pad_top, iw0 = -p->pad_left;
    int32_t px, i;
    q.pixels = 0;   /* not read */
    q.in_c = 0;
    q.out_c = (uint16_t)p->out_c;
    q.out_offset = (int16_t)p->out_offset;
    q.out_mult = p->out_mult;
    q.out_shift = p->out_shift;
    for (px = 0; px < pixels; px += 2) {
        const int32_t n = pixels - px < 2 ? 1 : 2;
        for (i = 0; i < n; ++i) {
            pixel_lanes(image, ih0, iw0, &g, col, lanes + 2 * i);
            iw0 += p->stride_w;
            if (++ow == p->out_w) {
                ow = 0;
                iw0 = -p->pad_left;
                ih0 += p->stride_h;
                if (ih0 == p->out_h * p->stride_h - p->pad_top) {
                    ih0 = -p->pad_top;
                    image += image_size;
                }
            }
        }
        if (n == 1) {   /* one last pixel: its lanes stand in the second slot too */
            for (i = 0; i < kp; i += 4) {
                lanes[i + 2] = lanes[i];
                lanes[i + 3] = lanes[i + 1];
            }
        }
        if (fast) {
            fast_pixel_pair(w, bias, lanes, kp, out + px * p->out_c, n, &q);
        } else {
            any_pixel_pair(w, bias, lanes, kp, out + px * p->out_c, n, p);
        }
    }
}

/* The fully connected layer. Per pass four output rows (two channel pairs, weights at wa and wb)
 * share each input word: one LDR and two SXTB16 of inputs, two LDRD of weights, eight SXTB16 and
 * eight SMLAD per 16 MACs, the input read in place (no stack buffer, any length). */

/* One batch row of inputs: `full` groups of four from x, then the partial group of `rest` inputs
 * as one word (the missing bytes 0: their weights are 0) when rest != 0. */
typedef struct {
    const int8_t *x;
    int32_t full, rest;
    uint32_t tail;
} fc_input;

/* One group of four inputs (word v) against both channel pairs' weight words at wa and wb. */
static MC_SIMD_INLINE void fc_group(uint32_t v, const int8_t *wa, const int8_t *wb, int32_t *s0,
                                    int32_t *s1, int32_t *s2, int32_t *s3) {
    const uint32_t x02 = mc_sxtb16(v), x13 = mc_sxtb16_ror8(v);
    uint32_t w0, w1;
    read_pair(wa, &w0, &w1);
    *s0 = mc_smlad(mc_sxtb16_ror8(w0), x13, mc_smlad(mc_sxtb16(w0), x02, *s0));
    *s1 = mc_smlad(mc_sxtb16_ror8(w1), x13, mc_smlad(mc_sxtb16(w1), x02, *s1));
    read_pair(wb, &w0, &w1);
    *s2 = mc_smlad(mc_sxtb16_ror8(w0), x13, mc_smlad(mc_sxtb16(w0), x02, *s2));
    *s3 = mc_smlad(mc_sxtb16_ror8(w1), x13, mc_smlad(mc_sxtb16(w1), x02, *s3));
}

/* The four sums s[0..3] (out; from bias b[0..3], those of the `left` outputs still to do) of
 * the channel pairs at wa and wb over one row of inputs: four groups per pass, then one at a time
 * the (up to three) groups left and the partial one. Its own function, so that the loop has the
 * registers to itself. */
static MC_SIMD_LOOP void fc_quad_sums(const fc_input *in, const int8_t *wa, const int8_t *wb,
                                      const int32_t *b, int32_t left, int32_t *s) {
    const int8_t *x = in->x;
    int32_t s0 = b[0], s1 = left > 1 ? b[1] : 0, s2 = left > 2 ? b[2] : 0, s3 = left > 3 ? b[3] : 0;
    int32_t n;
    wa = MC_ALIGNED4(wa);
    wb = MC_ALIGNED4(wb);
    for (n = in->full >> 2; n != 0; --n) {
        fc_group(mc_read_u32(x), wa, wb, &s0, &s1, &s2, &s3);
        fc_group(mc_read_u32(x + 4), wa + 8, wb + 8, &s0, &s1, &s2, &s3);
        fc_group(mc_read_u32(x + 8), wa + 16, wb + 16, &s0, &s1, &s2, &s3);
        fc_group(mc_read_u32(x + 12), wa + 24, wb + 24, &s0, &s1, &s2, &s3);
        x += 16;
        wa += 32;
        wb += 32;
    }
    for (n = (in->full & 3) + (in->rest != 0); n != 0; --n) {
        fc_group(n == 1 && in->rest != 0 ? in->tail : mc_read_u32(x), wa, wb, &s0, &s1, &s2, &s3);
        x += 4;
        wa += 8;
        wb += 8;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
}

/* One channel's constants for fc_requantize: multiplier m, e - 1 for the right shift e, and the
 * 64-bit constant with the output offset folded in (mc_qrequant.h's K'; single rounding's K lacks
 * double rounding's 2^30, and its sums no sign term). */
typedef struct {
    int32_t mult;
    uint32_t e1;
    int64_t k;
} fc_rq;

static fc_rq fc_rq_of(int32_t mult, int32_t shift, int32_t out_offset, uint32_t sign) {
    fc_rq q;
    q.mult = mult;
    q.e1 = (uint32_t)-1 - (uint32_t)shift;
    q.k = mc_rqo_k(q.e1, out_offset) - (sign != 0 ? 0 : (int64_t)1 << 30);
    return q;
}

/* mc_requantize(x, m, -e, rounding) + out_offset, saturated to int8: in both roundings the high
 * word of x * m + K' - [x < 0] * sign, shifted right by e - 1 (mc_qrequant.h); SSAT. */
static MC_SIMD_INLINE int8_t fc_requantize(int32_t x, const fc_rq *q, uint32_t sign) {
    const uint64_t a = (uint64_t)(q->k - (int64_t)((uint32_t)x & sign) + (int64_t)x * q->mult);
    return (int8_t)mc_ssat8(mc_asr32(mc_wrap_i32((uint32_t)(a >> 32)), (int32_t)q->e1));
}

void mc_fully_connected_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias,
                                int8_t *out, const mc_qfc_simd_params *p) {
    /* every parameter read once: the int8 output stores may alias the struct as far as GCC knows */
    const int32_t depth = p->in_depth, n = p->out_depth, batches = p->batches;
    const int32_t kp = padded_depth(depth), out_offset = p->out_offset;
    const int32_t per_channel = p->per_channel;
    const int32_t *mults = p->out_mult, *shifts = p->out_shift;
    const uint32_t sign = p->double_rounding ? 0x80000000u : 0u;
    fc_rq q = fc_rq_of(mults[0], shifts[0], out_offset, sign);
    fc_input row;
    int32_t r, o, i;
    row.full = depth >> 2;
    row.rest = depth & 3;
    for (r = 0; r < batches; ++r, out += n) {
        row.x = in + r * depth;
        row.tail = partial_word(row.x + 4 * row.full, row.rest);
        for (o = 0; o < n; o += 4) {
            /* two channel pairs; a last lone pair stands in for both (its sums twice, stored
             * once) */
            const int32_t left = n - o, stop = left < 4 ? left : 4;
            const int8_t *wa = w + o * kp;
            int32_t s[4];
            fc_quad_sums(&row, wa, left > 2 ? wa + 2 * kp : wa, bias + o, left, s);
            for (i = 0; i != stop; ++i) {
                if (per_channel) {
                    q = fc_rq_of(mults[o + i], shifts[o + i], out_offset, sign);
                }
                out[o + i] = fc_requantize(s[i], &q, sign);
            }
        }
    }
}
