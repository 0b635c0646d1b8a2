/* Concatenation along one axis. Each tensor is viewed as [outer][axis_i * inner]: for every outer
 * index the kernel copies chunk[i] = axis_i * inner contiguous floats of input i, in input order. */
#ifndef MC_CONCAT_H
#define MC_CONCAT_H

#include "mc_common.h"

void mc_concat_f32(const float *const *inputs, const int32_t *chunks, int32_t n_inputs,
                   float *out, int32_t outer);

/* The same for int8 and int16 elements (int8, int16 CONCATENATION): TFLite requires every input to
 * have the output's scale and zero point for these types, so concatenation only moves bits. */
void mc_concat_s8(const int8_t *const *inputs, const int32_t *chunks, int32_t n_inputs,
                  int8_t *out, int32_t outer);
void mc_concat_s16(const int16_t *const *inputs, const int32_t *chunks, int32_t n_inputs,
                   int16_t *out, int32_t outer);

#endif
