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
 * one copy, called where finish_channel's shortcut does not apply and by the fully connected layer
 * (its outputs are few next to its MACs). */
static MC_SIMD_NOINLINE int8_t requantize_s8(int32_t acc, int32_t mult, int32_t shift,
                                             mc_rounding rounding, int32_t out_offset,
                                             int32_t act_min, int32_t act_max) {
    acc = mc_requantize_fast(acc, mult, shift, rounding) + out_offset;
    return (int8_t)mc_clamp_i32(acc, act_min, act_max);
}

/* The epilogue of output channel c's sums s0 and s1 (two pixels), written to o and o + next. The
 * usual case (e_limit 22: double rounding, an activation range of all of int8 and |out_offset| <=
 * 256; ReLU and ReLU6 outputs usually have zero point -128, ReLU6 a scale of 6/255; else 0) with a
 * right shift e of 1 to 22 takes mc_qrequant.h's mc_rqo, the output offset folded into the
 * channel's constant, and SSAT for the clamp; every other channel requantize_s8. */
static MC_SIMD_INLINE void finish_channel(int32_t s0, int32_t s1, int32_t c, int8_t *o, int32_t next,
                                          const mc_qconv2d_params *p, int32_t out_offset,
                                          uint32_t e_limit) {
    const int32_t mult = p->out_mult[c], shift = p->out_shift[c];
    const uint32_t e1 = (uint32_t)-1 - (uint32_t)shift;   /* e - 1 */
    if (e1 < e_limit) {
        const int64_t k = mc_rqo_k(e1, out_offset);
        o[0] = (int8_t)mc_ssat8(mc_rqo(s0, mult, k, e1));
        o[next] = (int8_t)mc_ssat8(mc_rqo(s1, mult, k, e1));
    } else {
        o[0] = requantize_s8(s0, mult, shift, p->rounding, out_offset, p->act_min, p->act_max);
        o[next] = requantize_s8(s1, mult, shift, p->rounding, out_offset, p->act_min, p->act_max);
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

/* All output channels of two pixels whose lanes are interleaved per group of four in `lanes`
 * (pixel a's two words, then pixel b's; for one pixel both are its own and pixels is 1); their
 * outputs at o and o + out_c. Per pair of channels four sums: each lane word feeds two SMLADs, and
 * each weight word four multiply-accumulates; the four sums are requantized as soon as they are
 * complete, from registers. */
static MC_SIMD_SCHEDULED void conv_pixel_pair(const int8_t *w, const int32_t *bias, const uint32_t *lanes,
                            int32_t kp, int8_t *o, int32_t pixels, const mc_qconv2d_params *p) {
    const uint32_t *end = lanes + kp;   /* kp / 4 groups of four words */
    const int32_t out_offset = p->out_offset;
    const int fast = p->rounding == MC_ROUND_DOUBLE && p->act_min == -128 && p->act_max == 127
                     && mc_rqo_fits(-1, out_offset);
    /* finish_channel's shortcut: e - 1 below 22 (e in [1, 22]) in the usual case, never otherwise */
    const uint32_t e_limit = fast ? 22u : 0u;
    /* one pixel: its sums stand in the second slot too (its lanes were duplicated), and the
     * second store rewrites the first */
    const int32_t next = pixels == 2 ? p->out_c : 0;
    int32_t c;
    for (c = 0; c < p->out_c; c += 2) {
        const int second = c + 1 < p->out_c;   /* else the partner is the zero channel */
        int32_t sums[4];
        sums[0] = sums[1] = bias[c];
        sums[2] = sums[3] = second ? bias[c + 1] : 0;
        pair_sums(lanes, end, MC_ALIGNED4(w + c * kp), sums);
        finish_channel(sums[0], sums[1], c, o + c, next, p, out_offset, e_limit);
        if (second) {
            finish_channel(sums[2], sums[3], c + 1, o + c + 1, next, p, out_offset, e_limit);
        }
    }
}

void mc_conv2d_1x1_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                           const mc_qconv2d_params *p) {
    const int32_t kp = padded_depth(p->in_c);
    const int32_t pixels = p->batch * p->out_h * p->out_w;
    uint32_t lanes[kp];   /* two pixels, Kp / 2 words each (Kp <= MC_CONV_SIMD_MAX_K) */
    int32_t px;
    for (px = 0; px + 1 < pixels; px += 2) {
        widen(in + px * p->in_c, p->in_c, lanes, 4);
        widen(in + (px + 1) * p->in_c, p->in_c, lanes + 2, 4);
        conv_pixel_pair(w, bias, lanes, kp, out + px * p->out_c, 2, p);
    }
    if (px < pixels) {
        widen(in + px * p->in_c, p->in_c, lanes, 4);
        widen(in + px * p->in_c, p->in_c, lanes + 2, 4);
        conv_pixel_pair(w, bias, lanes, kp, out + px * p->out_c, 1, p);
    }
}

/* The K input values output pixel (oh, ow) of image `image` reads, in weight order (kernel row,
 * kernel column, channel), taps outside the image holding the input zero point. */
static void gather(const int8_t *in, int32_t image, int32_t oh, int32_t ow,
                   const mc_qconv2d_params *p, int8_t *col) {
    const int8_t zero_point = (int8_t)(-p->in_offset);
    const int32_t ih0 = oh * p->stride_h - p->pad_top;
    const int32_t iw0 = ow * p->stride_w - p->pad_left;
    const int32_t row = p->k_w * p->in_c;
    int32_t kh, kw;
    for (kh = 0; kh < p->k_h; ++kh, col += row) {
        const int32_t ih = ih0 + kh * p->dilation_h;
        const int8_t *src;
        if (ih < 0 || ih >= p->in_h) {
            memset(col, zero_point, (size_t)row);
            continue;
        }
        src = in + ((image * p->in_h + ih) * p->in_w) * p->in_c;
        if (p->dilation_w == 1 && iw0 >= 0 && iw0 + p->k_w <= p->in_w) {
            memcpy(col, src + iw0 * p->in_c, (size_t)row);
        } else {
            for (kw = 0; kw < p->k_w; ++kw) {
                const int32_t iw = iw0 + kw * p->dilation_w;
                if (iw < 0 || iw >= p->in_w) {
                    memset(col + kw * p->in_c, zero_point, (size_t)p->in_c);
                } else {
                    memcpy(col + kw * p->in_c, src + iw * p->in_c, (size_t)p->in_c);
                }
            }
        }
    }
}

void mc_conv2d_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                       const mc_qconv2d_params *p) {
    const int32_t k = p->k_h * p->k_w * p->in_c;
    const int32_t kp = padded_depth(k);
    const int32_t per_image = p->out_h * p->out_w;
    const int32_t pixels = p->batch * per_image;
    uint32_t lanes[kp];   /* two pixels, Kp / 2 words each (Kp <= MC_CONV_SIMD_MAX_K) */
    int8_t col[kp];
    int32_t px, i;
    for (px = 0; px < pixels; px += 2) {
        const int32_t n = pixels - px < 2 ? 1 : 2;
        for (i = 0; i < 2; ++i) {
            const int32_t q = px + (i < n ? i : 0);
            const int32_t image = q / per_image, oh = (q % per_image) / p->out_w;
            if (i < n) {
                gather(in, image, oh, q % p->out_w, p, col);
            }
            widen(col, k, lanes + 2 * i, 4);
        }
        conv_pixel_pair(w, bias, lanes, kp, out + px * p->out_c, n, p);
    }
}

/* One group of four inputs (x02, x13: their lanes) against a channel pair's two weight words. */
static inline void fc_group(uint32_t x02, uint32_t x13, const int8_t *wp, int32_t *s0,
                            int32_t *s1) {
    const uint32_t w0 = mc_read_u32(wp), w1 = mc_read_u32(wp + 4);
    *s0 = mc_smlad(mc_sxtb16_ror8(w0), x13, mc_smlad(mc_sxtb16(w0), x02, *s0));
    *s1 = mc_smlad(mc_sxtb16_ror8(w1), x13, mc_smlad(mc_sxtb16(w1), x02, *s1));
}

void mc_fully_connected_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias,
                                int8_t *out, const mc_qfc_params *p) {
    const int32_t kp = padded_depth(p->in_depth);
    const int32_t full = p->in_depth >> 2, rest = p->in_depth & 3;
    int32_t r, o, g;
    for (r = 0; r < p->batches; ++r, out += p->out_depth) {
        const int8_t *x = in + r * p->in_depth;
        /* the last partial group of inputs, completed with zeros (their weights are 0) */
        const uint32_t tail = partial_word(x + 4 * full, rest);
        for (o = 0; o < p->out_depth; o += 2) {
            const int8_t *wp = MC_ALIGNED4(w + o * kp);
            const int8_t *xp = x;
            const int32_t second = o + 1 < p->out_depth;
            int32_t s0 = bias[o], s1 = second ? bias[o + 1] : 0;
            int32_t c;
            for (g = full; g > 0; --g, xp += 4, wp += 8) {
                const uint32_t xv = mc_read_u32(xp);
                fc_group(mc_sxtb16(xv), mc_sxtb16_ror8(xv), wp, &s0, &s1);
            }
            if (rest != 0) {
                fc_group(mc_sxtb16(tail), mc_sxtb16_ror8(tail), wp, &s0, &s1);
            }
            c = p->per_channel ? o : 0;
            out[o] = requantize_s8(s0, p->out_mult[c], p->out_shift[c], p->rounding,
                                   p->out_offset, p->act_min, p->act_max);
            if (second) {
                c = p->per_channel ? o + 1 : 0;
                out[o + 1] = requantize_s8(s1, p->out_mult[c], p->out_shift[c], p->rounding,
                                           p->out_offset, p->act_min, p->act_max);
            }
        }
    }
}
