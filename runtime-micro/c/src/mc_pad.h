/* Constant padding: out has in_dims[i] + pad_before[i] + pad_after[i] along axis i, filled with
 * value outside the copied input. */
#ifndef MC_PAD_H
#define MC_PAD_H

#include "mc_common.h"

typedef struct {
    int32_t rank;                     /* 1..MC_MAX_RANK */
    int32_t in_dims[MC_MAX_RANK];
    int32_t pad_before[MC_MAX_RANK];
    int32_t pad_after[MC_MAX_RANK];
    float value;
} mc_pad_params;

void mc_pad_f32(const float *in, float *out, const mc_pad_params *p);

/* The same for int8 and int16 tensors (TFLite PAD/PADV2): value is the output's zero point for PAD,
 * the constant operand for PADV2. */
typedef struct {
    int32_t rank;                     /* 1..MC_MAX_RANK */
    int32_t in_dims[MC_MAX_RANK];
    int32_t pad_before[MC_MAX_RANK];
    int32_t pad_after[MC_MAX_RANK];
    int32_t value;
} mc_pad_int_params;

void mc_pad_s8(const int8_t *in, int8_t *out, const mc_pad_int_params *p);
void mc_pad_s16(const int16_t *in, int16_t *out, const mc_pad_int_params *p);

#endif
