/* Quantized elementwise nonlinearities, bit for bit LiteRT's reference kernels (BUILTIN_REF).
 *
 * int8 LOGISTIC and TANH are a 256-entry table lookup in LiteRT: the compiler computes the table
 * exactly as TFLite's LUTPopulate<int8_t> does at Prepare time (single-precision float arithmetic,
 * org.microcodegen.quant.ActivationLut) and the kernel only indexes it with (uint8_t)x.
 *
 * int8 HARD_SWISH is TFLite's reference_ops::HardSwish: 16-bit fixed point throughout, with two
 * Q15 multipliers the compiler derives as HardSwishPrepare does (org.microcodegen.quant.HardSwishParams).
 *
 * int16 LOGISTIC and TANH are LiteRT's reference_integer_ops::Logistic / Tanh for int16: the input is
 * rescaled to 1/(3*4096) per step ((x * mult + rounding) >> shift), then interpolated linearly in a
 * 256-entry table of sigmoid(i/24) in 0.16 fixed point (tanh(x) = 2 sigmoid(2x) - 1); the output
 * scale is 2^-15, zero points 0. The table is LiteRT's own, measured from it by
 * tools/litert_sigmoid_table.py (it is no simple rounding of the function). */
#ifndef MC_QNONLINEAR_H
#define MC_QNONLINEAR_H

#include "mc_quant.h"

/* out[i] = lut[(uint8_t)in[i]]; out may alias in. */
void mc_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *lut);

typedef struct {
    int32_t in_zero_point, out_zero_point;
    /* input (on the "hires" scale input_scale / 128) to the scale where 3.0 is 32768: a Q15
     * multiplier and an exponent in [-15, 31] (> 0: left shift) */
    int32_t reluish_mult, reluish_exponent;
    /* hires input scale to the output scale: a Q15 multiplier and an exponent in [-15, 0] */
    int32_t out_mult, out_exponent;
} mc_qhard_swish_params;

/* x * relu6(x + 3) / 6 on int8; out may alias in. */
void mc_hard_swish_s8(const int8_t *in, int8_t *out, int32_t n, const mc_qhard_swish_params *p);

typedef struct {
    /* the input scale to 1/(3*4096) per step: x * mult / 2^shift, rounded half up
     * (org.microcodegen.quant.Sigmoid16Params; TFLite's power-of-two case already folded in) */
    int32_t mult, shift;
} mc_qsigmoid16_params;

/* 1 / (1 + exp(-x)) on int16; out may alias in. */
void mc_logistic_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qsigmoid16_params *p);
/* tanh(x) on int16; out may alias in. */
void mc_tanh_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qsigmoid16_params *p);

#endif
