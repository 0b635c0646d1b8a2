/* The requantization of the optimized integer kernels: mc_requantize (mc_quant.h) bit for bit, in
 * fewer instructions, for the multipliers TFLite's QuantizeMultiplier produces (multiplier >= 0;
 * shift in [-31, 30]).
 *
 * Double rounding: gemmlowp's saturating rounding doubling high multiply rounds a * b / 2^31 half
 * away from zero, adding 1 - 2^30 to negative products before a truncating division. That equals
 * floor((a * b + 2^30) / 2^31) for every product (for a * b = -k: both are -floor((k + 2^30 - 1)
 * / 2^31)), and only INT32_MIN * INT32_MIN saturates, which a multiplier >= 0 never meets; so one
 * multiply-accumulate and an arithmetic shift replace the sign test and the 64-bit division. The
 * rounding divide by 2^e keeps gemmlowp's form with a 32-bit mask (the 64-bit one of the generic
 * helper costs a 64-bit shift per output). */
#ifndef MC_QREQUANT_H
#define MC_QREQUANT_H

#include "mc_quant.h"

/* gemmlowp's RoundingDivideByPOT for 0 <= exponent <= 31, with 32-bit masks. */
static inline int32_t mc_round_shift(int32_t x, int32_t exponent) {
    const uint32_t mask = (uint32_t)(((uint64_t)1 << exponent) - 1u);
    const uint32_t threshold = (mask >> 1) + (x < 0 ? 1u : 0u);
    return mc_asr32(x, exponent) + (((uint32_t)x & mask) > threshold ? 1 : 0);
}

/* mc_requantize(x, multiplier, shift, r) for multiplier >= 0. Only double rounding has a shortcut here;
 * single rounding is already one 64-bit multiply-add and shift, and MC_ROUND_FLOAT scales in float, so
 * both take mc_quant.h's definition. */
static inline int32_t mc_requantize_fast(int32_t x, int32_t multiplier, int32_t shift, mc_rounding r) {
    if (r != MC_ROUND_DOUBLE) {
        return mc_requantize(x, multiplier, shift, r);
    } else {
        const int32_t left_shift = shift > 0 ? shift : 0;
        const int32_t shifted = mc_wrap_i32((uint32_t)x << left_shift);
        const int64_t product = (int64_t)shifted * multiplier + ((int64_t)1 << 30);
        return mc_round_shift((int32_t)mc_asr64(product, 31), shift > 0 ? 0 : -shift);
    }
}

#endif
