/* gemmlowp's fixed-point transcendental functions (fixedpoint.h), on raw int32 values, as TFLite's
 * reference kernels use them for SOFTMAX (int8) and TFLite Micro for int8 LOGISTIC/TANH.
 *
 * A value "Qi" has i integer bits and 31 - i fractional bits. The product of two fixed-point
 * values is gemmlowp's saturating rounding doubling high multiply whatever the build's rounding
 * mode, so nothing here depends on mc_rounding. Additions wrap as gemmlowp's int32 ones do.
 * Header-only (static) so every kernel that needs it stays a single .c file. */
#ifndef MC_QFIXEDPOINT_H
#define MC_QFIXEDPOINT_H

#include "mc_quant.h"

/* The softmax kernels run these a few times per row, so they are compiled once each rather than
 * inlined into every caller: code size matters more there than a call. */
#if defined(__GNUC__)
#define MC_FP_OUTLINE static __attribute__((noinline, unused))
#else
#define MC_FP_OUTLINE static inline
#endif

static inline int32_t mc_fp_add(int32_t a, int32_t b) {
    return mc_wrap_i32((uint32_t)a + (uint32_t)b);
}

static inline int32_t mc_fp_sub(int32_t a, int32_t b) {
    return mc_wrap_i32((uint32_t)a - (uint32_t)b);
}

MC_FP_OUTLINE int32_t mc_fp_mul(int32_t a, int32_t b) {
    return mc_saturating_rounding_doubling_high_mul(a, b);
}

/* SaturatingRoundingMultiplyByPOT<exponent> for 0 < exponent < 31: x * 2^exponent, saturated. */
static inline int32_t mc_fp_saturating_shl(int32_t x, int32_t exponent) {
    const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return mc_wrap_i32((uint32_t)x << exponent);
}

/* Count of leading zero bits of a 32-bit value (32 for 0). */
static inline int32_t mc_clz32(uint32_t x) {
    int32_t n = 0;
    if (x == 0u) {
        return 32;
    }
    while ((x & 0x80000000u) == 0u) {
        x <<= 1;
        ++n;
    }
    return n;
}

/* exp(a) for a Q0 value a in [-1/4, 0): Taylor expansion around -1/8. */
static inline int32_t mc_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
    const int32_t constant_term = 1895147668;   /* exp(-1/8) */
    const int32_t constant_1_over_3 = 715827883;
    const int32_t x = mc_fp_add(a, 1 << 28);
    const int32_t x2 = mc_fp_mul(x, x);
    const int32_t x3 = mc_fp_mul(x2, x);
    const int32_t x4 = mc_fp_mul(x2, x2);
    const int32_t x4_over_4 = mc_rounding_divide_by_pot(x4, 2);
    const int32_t poly = mc_rounding_divide_by_pot(
            mc_fp_add(mc_fp_mul(mc_fp_add(x4_over_4, x3), constant_1_over_3), x2), 1);
    return mc_fp_add(constant_term, mc_fp_mul(constant_term, mc_fp_add(x, poly)));
}

/* exp(a) for a <= 0 given in Q(integer_bits), 1 <= integer_bits <= 5; the result is Q0
 * (exp(0) is INT32_MAX, gemmlowp's One()). */
MC_FP_OUTLINE int32_t mc_fp_exp_on_negative_values(int32_t a, int32_t integer_bits) {
    /* exp(-2^e) in Q0 for e = -2 .. 4 */
    static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                           39332535, 720401, 242};
    const int32_t fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t a_mod_quarter_minus_one_quarter =
            mc_fp_sub((int32_t)((uint32_t)a & (uint32_t)(one_quarter - 1)), one_quarter);
    const int32_t remainder = mc_fp_sub(a_mod_quarter_minus_one_quarter, a);
    int32_t result = mc_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(
            mc_fp_saturating_shl(a_mod_quarter_minus_one_quarter, integer_bits));
    int32_t e;
    for (e = -2; e <= 4; ++e) {
        if (integer_bits > e && ((uint32_t)remainder & ((uint32_t)1 << (fractional_bits + e))) != 0u) {
            result = mc_fp_mul(result, multipliers[e + 2]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a Q0 value a in [0, 1), by Newton-Raphson; the result is Q0. */
MC_FP_OUTLINE int32_t mc_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a) {
    /* gemmlowp's RoundingHalfSum(a, One()) */
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = mc_fp_add(1515870810, mc_fp_mul(half_denominator, -1010580540)); /* Q2: 48/17 - 32/17 d */
    int32_t i;
    for (i = 0; i < 3; ++i) {
        const int32_t one_minus_half_denominator_times_x =
                mc_fp_sub(1 << 29, mc_fp_mul(half_denominator, x));
        x = mc_fp_add(x, mc_fp_saturating_shl(mc_fp_mul(x, one_minus_half_denominator_times_x), 2));
    }
    /* x / 2 read as Q1, rescaled to Q0 */
    return mc_fp_saturating_shl(x, 1);
}

#endif
