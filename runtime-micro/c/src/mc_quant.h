/* micro-codegen runtime: integer requantization, bit for bit as TFLite's reference kernels.
 *
 * A quantized kernel accumulates in int32 (int64 for 16x8) and scales the sum into the output's
 * quantized domain with a multiplier and a shift that the compiler derived from the real scale
 * (TFLite's QuantizeMultiplier: multiplier in [2^30, 2^31), real = multiplier * 2^(shift - 31)).
 * TFLite rounds that product in one of two ways, and the last bit of an output depends on which:
 *   MC_ROUND_SINGLE  one rounding of the 64-bit product x * multiplier (TFLITE_SINGLE_ROUNDING;
 *                    LiteRT's reference kernels);
 *   MC_ROUND_DOUBLE  gemmlowp's saturating rounding doubling high multiply, then a rounding
 *                    divide by a power of two (TFLite Micro's default build).
 * ONNX Runtime (MLAS, MlasRequantizeOutput) scales in float instead, and a kernel compiled from an
 * ONNX QDQ model reproduces that:
 *   MC_ROUND_FLOAT   the int32 sum converted to float, times the float scale (whose IEEE bits the
 *                    multiplier field holds; the shift is 0 and unused), rounded half to even.
 * The compiler picks one per model (`--rounding`; ONNX models always FLOAT) and stores it in each
 * kernel's params.
 *
 * Everything here is static inline, so a kernel that includes this header needs no other file.
 * The C standard leaves left shifts of negative values undefined and right shifts of them, and
 * conversions of out-of-range values to a signed type, implementation-defined; TFLite relies on
 * two's complement wrap-around and arithmetic shifts. The helpers below spell those out with
 * unsigned arithmetic, so the results are the same on every C99 compiler (which turn them back
 * into single instructions). */
#ifndef MC_QUANT_H
#define MC_QUANT_H

#include "mc_common.h"

typedef enum { MC_ROUND_SINGLE = 0, MC_ROUND_DOUBLE = 1, MC_ROUND_FLOAT = 2 } mc_rounding;

/* The int32 whose two's complement bits are the low 32 bits of u (what a cast does on every
 * two's complement target). */
static inline int32_t mc_wrap_i32(uint32_t u) {
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : (int32_t)(u - 0x80000000u) + INT32_MIN;
}

static inline int64_t mc_wrap_i64(uint64_t u) {
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : (int64_t)(u - 0x8000000000000000u) + INT64_MIN;
}

/* floor(x / 2^n) for 0 <= n <= 63: an arithmetic right shift. For negative x, ~x is the
 * non-negative -x - 1 and floor(x / 2^n) == ~((-x - 1) >> n). */
static inline int64_t mc_asr64(int64_t x, int32_t n) {
    return x >= 0 ? x >> n : ~((~x) >> n);
}

static inline int32_t mc_asr32(int32_t x, int32_t n) {
    return x >= 0 ? x >> n : ~((~x) >> n);
}

static inline int32_t mc_clamp_i32(int32_t v, int32_t lo, int32_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

/* The float whose IEEE bits are b (MC_ROUND_FLOAT's scale travels in an int32 multiplier field). */
static inline float mc_f32_from_bits(int32_t b) {
    union { int32_t i; float f; } u;
    u.i = b;
    return u.f;
}

/* v rounded to an integer, ties to even, for |v| <= 2^22 (what SSE's cvtps2dq and NEON's fcvtns do
 * in the default rounding mode): adding 1.5 * 2^23 leaves no fraction bits, so the float addition
 * itself rounds, to even. The assignment rounds to float even where FLT_EVAL_METHOD is 2. */
static inline float mc_round_half_even_f32(float v) {
    const float magic = 12582912.0f;
    const float shifted = v + magic;
    return shifted - magic;
}

/* gemmlowp's SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties away from zero; the
 * only overflow, INT32_MIN * INT32_MIN, saturates to INT32_MAX. */
static inline int32_t mc_saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
    int64_t ab, q;
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    ab = (int64_t)a * (int64_t)b;
    /* C99 division truncates toward zero, as gemmlowp's does. */
    q = (ab + (ab >= 0 ? ((int64_t)1 << 30) : 1 - ((int64_t)1 << 30))) / ((int64_t)1 << 31);
    return (int32_t)q;
}

/* gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero;
 * 0 <= exponent <= 31. */
static inline int32_t mc_rounding_divide_by_pot(int32_t x, int32_t exponent) {
    const int32_t mask = (int32_t)((((int64_t)1) << exponent) - 1);
    const int32_t remainder = (int32_t)((uint32_t)x & (uint32_t)mask);
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return mc_asr32(x, exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite's MultiplyByQuantizedMultiplier for an int32 accumulator: x * multiplier * 2^(shift - 31)
 * rounded; shift > 0 is a left shift. multiplier >= 0; shift in [-31, 30]. With MC_ROUND_FLOAT:
 * ONNX Runtime's float requantization (above). */
static inline int32_t mc_requantize(int32_t x, int32_t multiplier, int32_t shift, mc_rounding r) {
    if (r == MC_ROUND_FLOAT) {
        /* float(x) * scale, clamped to +-2^22 (far outside every output range, so the caller's
         * clamp gives the same result) and rounded half to even */
        float v = (float)x * mc_f32_from_bits(multiplier);
        v = v < -4194304.0f ? -4194304.0f : (v > 4194304.0f ? 4194304.0f : v);
        (void)shift;
        return (int32_t)mc_round_half_even_f32(v);
    }
    if (r == MC_ROUND_SINGLE) {
        const int32_t total_shift = 31 - shift;
        const int64_t round = (int64_t)1 << (total_shift - 1);
        const int64_t result = mc_asr64((int64_t)x * multiplier + round, total_shift);
        return mc_wrap_i32((uint32_t)(uint64_t)result);
    } else {
        const int32_t left_shift = shift > 0 ? shift : 0;
        const int32_t right_shift = shift > 0 ? 0 : -shift;
        /* x * 2^left_shift wraps around in TFLite (its integer-overflow sanitizer is off there) */
        const int32_t shifted = mc_wrap_i32((uint32_t)x << left_shift);
        return mc_rounding_divide_by_pot(
                mc_saturating_rounding_doubling_high_mul(shifted, multiplier), right_shift);
    }
}

/* The same for an int64 accumulator (16x8 conv / fully connected with int64 bias), TFLite's
 * int64 overload: the multiplier is first rounded to 16 bits, then one rounding of the product.
 * Both of TFLite's builds compute this one the same way, so r is accepted for symmetry only.
 * shift in [-31, 7]; TFLite assumes |x| < 2^47. */
static inline int32_t mc_requantize64(int64_t x, int32_t multiplier, int32_t shift, mc_rounding r) {
    const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const uint64_t round = (uint64_t)1 << (total_shift - 1);
    const int64_t sum = mc_wrap_i64((uint64_t)x * (uint64_t)(int64_t)reduced + round);
    (void)r;
    return mc_wrap_i32((uint32_t)(uint64_t)mc_asr64(sum, total_shift));
}

/* LiteRT's FULLY_CONNECTED 16x8 (BUILTIN_REF, 2.3): the int64 sum times the full 32-bit multiplier,
 * one rounding, in 64-bit arithmetic (it wraps around if |x * multiplier| >= 2^63, i.e. for sums
 * beyond about 2^32). Measured, not read: on 278 outputs of tools/qkernel_vectors.py this matches
 * LiteRT exactly where mc_requantize64 is off by one in 15; TFLite Micro uses mc_requantize64.
 * shift in [-31, 30]. */
static inline int32_t mc_requantize64_full(int64_t x, int32_t multiplier, int32_t shift) {
    const int32_t total_shift = 31 - shift;
    const uint64_t round = (uint64_t)1 << (total_shift - 1);
    const int64_t sum = mc_wrap_i64((uint64_t)x * (uint64_t)(int64_t)multiplier + round);
    return mc_wrap_i32((uint32_t)(uint64_t)mc_asr64(sum, total_shift));
}

#endif
