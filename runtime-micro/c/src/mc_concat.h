/* Concatenation along one axis. Each tensor is viewed as [outer][axis_i * inner]: for every outer
 * index the kernel copies chunk[i] = axis_i * inner contiguous floats of input i, in input order. */
#ifndef MC_CONCAT_H
#define MC_CONCAT_H

#include "mc_common.h"

void mc_concat_f32(const float *const *inputs, const int32_t *chunks, int32_t n_inputs,
                   float *out, int32_t outer);

/* The same for 1 and 2-byte elements (int8, int16 CONCATENATION): TFLite requires every input to
 * have the output's scale and zero point for these types, so concatenation only moves bits. */
void mc_concat_8bit(const void *const *inputs, const int32_t *chunks, int32_t n_inputs,
                    void *out, int32_t outer);
void mc_concat_16bit(const void *const *inputs, const int32_t *chunks, int32_t n_inputs,
                     void *out, int32_t outer);

#endif
