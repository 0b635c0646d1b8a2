/* The requantization of the optimized integer kernels: mc_requantize (mc_quant.h) bit for bit, in
 * fewer instructions, for the multipliers TFLite's QuantizeMultiplier produces (multiplier m >= 0;
 * shift in [-31, 30]). One multiply-accumulate onto a constant the kernel prepares once per channel,
 * and one arithmetic shift of the high word.
 *
 * Notation: x the accumulator, shifted left first when shift > 0 (x' = x * 2^shift, wrapping around
 * as TFLite's does), P = x' * m, e = max(0, -shift) the right shift, floor(a / b) for b > 0 the
 * integer floor; nested floors of divisions by positive integers compose:
 * floor((floor(a / b) + c) / d) = floor((a + c * b) / (b * d)) for integer c.
 *
 * Double rounding (gemmlowp; TFLite Micro). Its saturating rounding doubling high multiply
 * H = round(P / 2^31), ties away from zero, adds 1 - 2^30 to negative products before a truncating
 * division. That equals floor((P + 2^30) / 2^31) for every product: for P = -k < 0,
 * trunc((-k + 1 - 2^30) / 2^31) = -floor((k + 2^30 - 1) / 2^31) = floor((-k + 2^30) / 2^31); and it
 * saturates only for INT32_MIN * INT32_MIN, which m >= 0 never meets.
 *   e = 0: H itself, bits 31..62 of P + 2^30 (|P| <= 2^62, so H fits 32 bits).
 *   e >= 1: the rounding divide by 2^e adds one to floor(H / 2^e) when the remainder exceeds
 *   2^(e-1) - 1 (H >= 0) or 2^(e-1) (H < 0), i.e. it is floor((H + 2^(e-1) - [H < 0]) / 2^e), and
 *   by the composition rule
 *       floor((P + 2^30 + (2^(e-1) - [H < 0]) * 2^31) / 2^(31+e)).
 *   [H < 0] may be replaced by [x' < 0]: both are 0 for P >= 0 (m >= 0, so P < 0 only if x' < 0),
 *   both 1 for P < -2^30, and for -2^30 <= P < 0 with x' < 0 we have H = 0, where either choice
 *   gives floor((0 + 2^(e-1) - [.]) / 2^e) = 0 since e >= 1. So the result is
 *       floor((P + K - [x' < 0] * 2^31) / 2^(31+e)),  K = 2^30 + 2^(30+e),
 *   one SMLAL onto K - [x < 0] * 2^31 (no overflow: |P| <= 2^62 and 0 < K <= 2^30 + 2^61), and the
 *   high word shifted right by e - 1 (floor(q / 2^(31+e)) = floor(floor(q / 2^32) / 2^(e-1))).
 * Single rounding (LiteRT's reference kernels): floor((x * m + 2^(30+e)) / 2^(31+e)), for e >= 1
 * the same form with K = 2^(30+e) and no sign term; e = 0 (shift >= 0) takes mc_requantize.
 * MC_ROUND_FLOAT takes mc_requantize.
 *
 * A kernel that requantizes many sums per channel calls mc_rq_of once per channel and mc_rq_apply
 * per sum; one that requantizes a sum at a time calls mc_requantize_fast. */
#ifndef MC_QREQUANT_H
#define MC_QREQUANT_H

#include "mc_quant.h"
#include "mc_simd.h"

/* One channel's constants. */
typedef struct {
    int32_t mult;
    int32_t shift;   /* > 0: left shift (double rounding; e = 0); <= 0: e = -shift */
    int32_t e1;      /* e - 1 when e >= 1 */
    uint32_t sign;   /* 2^31: subtract 2^31 from K for negative sums (double rounding); else 0 */
    int64_t k;       /* e >= 1: K (above) */
} mc_rq;

/* The constants of (multiplier, shift) for rounding r (double or single). */
static inline mc_rq mc_rq_of(int32_t multiplier, int32_t shift, mc_rounding r) {
    mc_rq q;
    const int32_t e = shift < 0 ? -shift : 0;
    q.mult = multiplier;
    q.shift = shift;
    q.e1 = e > 0 ? e - 1 : 0;
    q.sign = r == MC_ROUND_DOUBLE ? 0x80000000u : 0u;
    {
        /* K in 32-bit halves: 2^(30+e) is bit 31 of the low word for e = 1, bit e - 2 of the high
         * word above */
        const uint32_t b = (uint32_t)1 << q.e1;
        const uint32_t lo = (b << 31) + (q.sign >> 1);   /* + 2^30 for double rounding */
        q.k = (int64_t)(((uint64_t)(b >> 1) << 32) | lo);
    }
    return q;
}

/* Double or single rounding, e >= 1: floor((x * m + K - sign * [x < 0] * 2^31) / 2^(31+e)). The
 * sign term is x's sign bit (masked by q->sign), subtracted from the 64-bit constant: AND, SUBS, SBC. */
static inline int32_t mc_rq_right(int32_t x, const mc_rq *q) {
    const int64_t init = q->k - (int64_t)((uint32_t)x & q->sign);
    const uint64_t acc = (uint64_t)mc_smlal(init, x, q->mult);
    return mc_asr32(mc_wrap_i32((uint32_t)(acc >> 32)), q->e1);
}

/* Double rounding, e = 0: floor((x' * m + 2^30) / 2^31), x' = x * 2^shift wrapped. */
static inline int32_t mc_rq_left(int32_t x, const mc_rq *q) {
    const int32_t shifted = mc_wrap_i32((uint32_t)x << q->shift);
    const uint64_t acc = (uint64_t)mc_smlal((int64_t)1 << 30, shifted, q->mult);
    return mc_wrap_i32((uint32_t)(acc >> 31));
}

/* mc_requantize(x, q's multiplier, q's shift, r) for q = mc_rq_of(.., r) and r double or single;
 * single rounding with shift >= 0 must take mc_requantize (mc_requantize_fast does). */
static inline int32_t mc_rq_apply(int32_t x, const mc_rq *q) {
    return q->shift < 0 ? mc_rq_right(x, q) : mc_rq_left(x, q);
}

/* Double rounding with the output offset folded in, for the kernels' usual epilogue:
 * mc_requantize(x, m, -e) + out_offset for 1 <= e <= 22 and |out_offset| <= 256 (mc_rqo_fits).
 * By the above it is floor((x * m + K - [x < 0] * 2^31) / 2^(31+e)) + out_offset
 * = floor((x * m + K' - [x < 0] * 2^31) / 2^(31+e)), K' = K + out_offset * 2^(31+e): the offset
 * rides in the constant (its high word gains out_offset * 2^(e-1)). No overflow: |x * m| <= 2^62,
 * K <= 2^30 + 2^52 and |out_offset * 2^(31+e)| <= 2^8 * 2^53, so the sum stays inside (-2^63, 2^63)
 * and its high word is exact. Per sum AND, SUBS, SBC, SMLAL, ASR; K' once per channel. */
static inline int mc_rqo_fits(int32_t shift, int32_t out_offset) {
    return shift <= -1 && shift >= -22 && out_offset >= -256 && out_offset <= 256;
}

/* K' for e = e1 + 1. With t = (2 * out_offset + 1) * 2^(e-1) (|t| < 2^31), its high word
 * 2^(e-2) + out_offset * 2^(e-1) is floor(t / 2), and t is odd exactly when e = 1, when the low
 * word gains 2^31: LSL, ASR, ADD. */
static inline int64_t mc_rqo_k(uint32_t e1, int32_t out_offset) {
    const uint32_t t = (uint32_t)(2 * out_offset + 1) << e1;
    const uint32_t k_lo = (t << 31) + ((uint32_t)1 << 30);
    const uint32_t k_hi = (uint32_t)mc_asr32(mc_wrap_i32(t), 1);
    return mc_wrap_i64(((uint64_t)k_hi << 32) | k_lo);
}

static inline int32_t mc_rqo(int32_t x, int32_t multiplier, int64_t k, uint32_t e1) {
    /* plain C for SMLAL: GCC keeps the 64-bit constant in registers across a channel's sums */
    const uint64_t a = (uint64_t)(k - (int64_t)((uint32_t)x & 0x80000000u) + (int64_t)x * multiplier);
    return mc_asr32(mc_wrap_i32((uint32_t)(a >> 32)), (int32_t)e1);
}

/* The same for sums known to be small, in 32-bit arithmetic: mc_requantize(x, m, -e) + out_offset
 * for |x| < 2^30, 1 <= e <= 22 and |out_offset| <= 255, given nudge = mc_rq_small_nudge(e,
 * out_offset).
 *   H = floor((2x * m + 2^31) / 2^32) (the doubling high multiply, above) is SMMULR of 2x, which
 *   fits 32 bits; |H| <= 2^30 since |2x * m| < 2^62.
 *   The rounding divide is floor((H + 2^(e-1) - [H < 0]) / 2^e) (above), and adding out_offset
 *   inside the floor as out_offset * 2^e adds it to the result: floor((H + nudge - [H < 0]) / 2^e)
 *   with nudge = 2^(e-1) + out_offset * 2^e = (2 * out_offset + 1) * 2^(e-1), |nudge| < 2^9 * 2^21;
 *   so H + nudge - 1 stays inside 32 bits.
 * Per sum: LSL, SMMULR, ADD, ADD (with ASR #31), ASR. */
static inline int32_t mc_rq_small_nudge(int32_t e, int32_t out_offset) {
    return mc_wrap_i32((uint32_t)(2 * out_offset + 1) << (e - 1));
}

static inline int32_t mc_rq_small(int32_t x, int32_t multiplier, int32_t nudge, int32_t e) {
    const int32_t h = mc_smmulr(x * 2, multiplier);
    return mc_asr32(h + nudge + (h < 0 ? -1 : 0), e);
}

/* mc_rq_small given x2 = 2x (a kernel whose doubled weights did the doubling) and multiplier >= 0:
 * SMMLAR adds the nudge to H, and -[H < 0] becomes -[x2 < 0]. The two differ only when x2 < 0 <= H,
 * i.e. H = 0 (H < 0 needs x2 * m < -2^31), where floor((nudge - 1) / 2^e) = floor(nudge / 2^e):
 * nudge is an odd multiple of 2^(e-1). Per sum: SMMLAR, ADD (with ASR #31), ASR. */
static inline int32_t mc_rq_small2(int32_t x2, int32_t multiplier, int32_t nudge, int32_t e) {
    return mc_asr32(mc_smmlar(x2, multiplier, nudge) + (x2 < 0 ? -1 : 0), e);
}

/* mc_requantize(x, multiplier, shift, r) for multiplier >= 0. */
static inline int32_t mc_requantize_fast(int32_t x, int32_t multiplier, int32_t shift, mc_rounding r) {
    if (r == MC_ROUND_FLOAT || (r == MC_ROUND_SINGLE && shift >= 0)) {
        return mc_requantize(x, multiplier, shift, r);
    } else {
        const mc_rq q = mc_rq_of(multiplier, shift, r);
        return mc_rq_apply(x, &q);
    }
}

#endif
