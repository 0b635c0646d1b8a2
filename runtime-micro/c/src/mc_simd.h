/*
 * The Cortex-M4 DSP (SIMD32) instructions the optimized integer kernels use, as small functions with
 * one meaning on every build: the real instruction from <arm_acle.h> where the compiler targets a
 * core with the DSP extension (__ARM_FEATURE_SIMD32), a portable C definition with the same result
 * bit for bit everywhere else. So the optimized kernels are one source: the host tests run it with
 * the portable definitions, the QEMU tests run the real instructions.
 *
 * Lanes: a uint32_t holds two 16-bit lanes (bits 0-15 = lane 0, bits 16-31 = lane 1) or four 8-bit
 * lanes (bits 0-7 = lane 0). Signed lanes are read in two's complement.
 */
#ifndef MC_SIMD_H
#define MC_SIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32
#include <arm_acle.h>
#define MC_SIMD_NATIVE 1
#else
#define MC_SIMD_NATIVE 0
#endif

/* Four bytes from any address as one word (unaligned loads are legal on the M4 and memcpy of 4 bytes
 * compiles to a single LDR there). */
static inline uint32_t mc_read_u32(const void *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Stores one word to any address (a single STR on the M4). */
static inline void mc_write_u32(void *p, uint32_t v) {
    memcpy(p, &v, sizeof v);
}

/* Rotate right by n (1..31): feeds SXTB16 the odd bytes (ROR #8), and GCC folds it into the
 * SXTB16's own rotation. */
static inline uint32_t mc_ror(uint32_t x, unsigned n) {
    return (x >> n) | (x << (32u - n));
}

/* Two's complement value of a 16-bit lane, without implementation-defined conversions. */
static inline int32_t mc_lane16(uint32_t x, unsigned lane) {
    int32_t v = (int32_t)((x >> (16u * lane)) & 0xFFFFu);
    return v >= 0x8000 ? v - 0x10000 : v;
}

/* Two's complement value of an 8-bit lane. */
static inline int32_t mc_lane8(uint32_t x, unsigned lane) {
    int32_t v = (int32_t)((x >> (8u * lane)) & 0xFFu);
    return v >= 0x80 ? v - 0x100 : v;
}

/* Packs two 16-bit values into lanes 0 and 1. */
static inline uint32_t mc_pack16(int32_t lo, int32_t hi) {
    return ((uint32_t)lo & 0xFFFFu) | (((uint32_t)hi & 0xFFFFu) << 16);
}

#if MC_SIMD_NATIVE

/* SMLAD: acc + lane0(a)*lane0(b) + lane1(a)*lane1(b), signed 16-bit lanes. */
static inline int32_t mc_smlad(uint32_t a, uint32_t b, int32_t acc) {
    return __smlad((int16x2_t)a, (int16x2_t)b, acc);
}

/* SMLADX: acc + lane0(a)*lane1(b) + lane1(a)*lane0(b). */
static inline int32_t mc_smladx(uint32_t a, uint32_t b, int32_t acc) {
    return __smladx((int16x2_t)a, (int16x2_t)b, acc);
}

/* SMUAD: lane0(a)*lane0(b) + lane1(a)*lane1(b). */
static inline int32_t mc_smuad(uint32_t a, uint32_t b) {
    return __smuad((int16x2_t)a, (int16x2_t)b);
}

/* SXTB16: bytes 0 and 2 sign-extended into the two 16-bit lanes. */
static inline uint32_t mc_sxtb16(uint32_t x) {
    return (uint32_t)__sxtb16((int8x4_t)x);
}

/* SXTB16 with its built-in rotation by 8: bytes 1 and 3 sign-extended into the two 16-bit lanes,
 * one instruction (GCC 12 does not fold mc_ror into __sxtb16 by itself). */
static inline uint32_t mc_sxtb16_ror8(uint32_t x) {
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/* SMLAL: acc + a * b in 64 bits (GCC emits it from C too, but not once it has hoisted one
 * operand's sign extension out of a loop). |acc + a * b| < 2^63 in every use. */
static inline int64_t mc_smlal(int64_t acc, int32_t a, int32_t b) {
    __asm__("smlal %Q0, %R0, %1, %2" : "+r"(acc) : "r"(a), "r"(b));
    return acc;
}

/* UXTB16: bytes 0 and 2 zero-extended into the two 16-bit lanes. */
static inline uint32_t mc_uxtb16(uint32_t x) {
    return (uint32_t)__uxtb16((uint8x4_t)x);
}

/* SADD16 / SSUB16: lane-wise 16-bit add / subtract, wrapping. */
static inline uint32_t mc_sadd16(uint32_t a, uint32_t b) {
    return (uint32_t)__sadd16((int16x2_t)a, (int16x2_t)b);
}

static inline uint32_t mc_ssub16(uint32_t a, uint32_t b) {
    return (uint32_t)__ssub16((int16x2_t)a, (int16x2_t)b);
}

/* QADD16: lane-wise 16-bit add, saturating. */
static inline uint32_t mc_qadd16(uint32_t a, uint32_t b) {
    return (uint32_t)__qadd16((int16x2_t)a, (int16x2_t)b);
}

/* SMMULR: the high word of a * b, rounded: floor((a * b + 2^31) / 2^32). */
static inline int32_t mc_smmulr(int32_t a, int32_t b) {
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* SMMLAR: acc + the high word of a * b, rounded: floor((acc * 2^32 + a * b + 2^31) / 2^32), wrapping. */
static inline int32_t mc_smmlar(int32_t a, int32_t b, int32_t acc) {
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

/* SMLABB / SMLABT / SMLATB / SMLATT: acc + one 16-bit lane of a times one of b (B = lane 0,
 * T = lane 1; the first letter picks a's lane, the second b's), wrapping in 32 bits. They keep
 * the lanes of SXTB16 apart, so four adjacent channels accumulate into four sums. */
static inline int32_t mc_smlabb(uint32_t a, uint32_t b, int32_t acc) {
    return __smlabb((int32_t)a, (int32_t)b, acc);
}

static inline int32_t mc_smlabt(uint32_t a, uint32_t b, int32_t acc) {
    return __smlabt((int32_t)a, (int32_t)b, acc);
}

static inline int32_t mc_smlatb(uint32_t a, uint32_t b, int32_t acc) {
    return __smlatb((int32_t)a, (int32_t)b, acc);
}

static inline int32_t mc_smlatt(uint32_t a, uint32_t b, int32_t acc) {
    return __smlatt((int32_t)a, (int32_t)b, acc);
}

/* SSAT to 8 and 16 bits (the saturation width must be a constant for the instruction). */
static inline int32_t mc_ssat8(int32_t x) {
    return __ssat(x, 8);
}

static inline int32_t mc_ssat16(int32_t x) {
    return __ssat(x, 16);
}

#else /* portable definitions: same results as the instructions, bit for bit */

static inline int32_t mc_smlad(uint32_t a, uint32_t b, int32_t acc) {
    /* the instruction adds in 32 bits and wraps (it only sets the Q flag on overflow) */
    uint32_t sum = (uint32_t)acc + (uint32_t)(mc_lane16(a, 0) * mc_lane16(b, 0))
            + (uint32_t)(mc_lane16(a, 1) * mc_lane16(b, 1));
    return (int32_t)(sum >= 0x80000000u ? (int64_t)sum - 0x100000000LL : (int64_t)sum);
}

static inline int32_t mc_smladx(uint32_t a, uint32_t b, int32_t acc) {
    return mc_smlad(a, mc_ror(b, 16), acc);
}

static inline int32_t mc_smuad(uint32_t a, uint32_t b) {
    return mc_smlad(a, b, 0);
}

static inline uint32_t mc_sxtb16(uint32_t x) {
    return mc_pack16(mc_lane8(x, 0), mc_lane8(x, 2));
}

static inline uint32_t mc_sxtb16_ror8(uint32_t x) {
    return mc_sxtb16(mc_ror(x, 8));
}

static inline int64_t mc_smlal(int64_t acc, int32_t a, int32_t b) {
    return acc + (int64_t)a * b;
}

static inline uint32_t mc_uxtb16(uint32_t x) {
    return x & 0x00FF00FFu;
}

static inline uint32_t mc_sadd16(uint32_t a, uint32_t b) {
    return mc_pack16(mc_lane16(a, 0) + mc_lane16(b, 0), mc_lane16(a, 1) + mc_lane16(b, 1));
}

static inline uint32_t mc_ssub16(uint32_t a, uint32_t b) {
    return mc_pack16(mc_lane16(a, 0) - mc_lane16(b, 0), mc_lane16(a, 1) - mc_lane16(b, 1));
}

static inline int32_t mc_smmulr(int32_t a, int32_t b) {
    const int64_t sum = (int64_t)a * b + ((int64_t)1 << 31);
    return (int32_t)(sum >= 0 ? sum >> 32 : ~((~sum) >> 32));
}

static inline int32_t mc_smmlar(int32_t a, int32_t b, int32_t acc) {
    const uint32_t sum = (uint32_t)acc + (uint32_t)mc_smmulr(a, b);
    return (int32_t)(sum >= 0x80000000u ? (int64_t)sum - 0x100000000LL : (int64_t)sum);
}

static inline int32_t mc_smla_lanes(uint32_t a, unsigned la, uint32_t b, unsigned lb, int32_t acc) {
    const uint32_t sum = (uint32_t)acc + (uint32_t)(mc_lane16(a, la) * mc_lane16(b, lb));
    return (int32_t)(sum >= 0x80000000u ? (int64_t)sum - 0x100000000LL : (int64_t)sum);
}

static inline int32_t mc_smlabb(uint32_t a, uint32_t b, int32_t acc) {
    return mc_smla_lanes(a, 0, b, 0, acc);
}

static inline int32_t mc_smlabt(uint32_t a, uint32_t b, int32_t acc) {
    return mc_smla_lanes(a, 0, b, 1, acc);
}

static inline int32_t mc_smlatb(uint32_t a, uint32_t b, int32_t acc) {
    return mc_smla_lanes(a, 1, b, 0, acc);
}

static inline int32_t mc_smlatt(uint32_t a, uint32_t b, int32_t acc) {
    return mc_smla_lanes(a, 1, b, 1, acc);
}

static inline int32_t mc_sat_range(int32_t x, int32_t lo, int32_t hi) {
    return x < lo ? lo : (x > hi ? hi : x);
}

static inline uint32_t mc_qadd16(uint32_t a, uint32_t b) {
    return mc_pack16(mc_sat_range(mc_lane16(a, 0) + mc_lane16(b, 0), -32768, 32767),
            mc_sat_range(mc_lane16(a, 1) + mc_lane16(b, 1), -32768, 32767));
}

static inline int32_t mc_ssat8(int32_t x) {
    return mc_sat_range(x, -128, 127);
}

static inline int32_t mc_ssat16(int32_t x) {
    return mc_sat_range(x, -32768, 32767);
}

#endif

#endif /* MC_SIMD_H */
