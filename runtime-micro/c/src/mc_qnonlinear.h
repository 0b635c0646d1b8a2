/* Quantized elementwise nonlinearities, bit for bit LiteRT's reference kernels (BUILTIN_REF).
 *
 * int8 LOGISTIC and TANH are a 256-entry table lookup in LiteRT: the compiler computes the table
 * exactly as TFLite's LUTPopulate<int8_t> does at Prepare time (single-precision float arithmetic,
 * org.microcodegen.quant.ActivationLut) and the kernel only indexes it with (uint8_t)x.
 *
 * int8 HARD_SWISH is TFLite's reference_ops::HardSwish: 16-bit fixed point throughout, with two
 * Q15 multipliers the compiler derives as HardSwishPrepare does (org.microcodegen.quant.HardSwishParams). */
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

#endif
