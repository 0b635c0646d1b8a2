/* Quantized elementwise nonlinearities, bit for bit LiteRT's reference kernels (BUILTIN_REF).
 *
 * int8 LOGISTIC and TANH are a 256-entry table lookup in LiteRT: the compiler computes the table
 * exactly as TFLite's LUTPopulate<int8_t> does at Prepare time (single-precision float arithmetic,
 * org.microcodegen.quant.ActivationLut) and the kernel only indexes it with (uint8_t)x. */
#ifndef MC_QNONLINEAR_H
#define MC_QNONLINEAR_H

#include "mc_common.h"

/* out[i] = lut[(uint8_t)in[i]]; out may alias in. */
void mc_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *lut);

#endif
