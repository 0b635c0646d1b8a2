/* FULLY_CONNECTED as TFLite's reference kernels compute it (reference_integer_ops/
 * fully_connected.h, reference/fully_connected.h): out[b][o] = sum over i of in[b][i] * w[o][i],
 * + bias[o], requantized (integer) and clamped. Weights [out_depth][in_depth]; bias may be NULL. */
#ifndef MC_FULLY_CONNECTED_H
#define MC_FULLY_CONNECTED_H

#include "mc_quant.h"

typedef struct {
    int32_t batches, in_depth, out_depth;
    int32_t in_offset;                 /* -(input zero point); ignored for int16 */
    int32_t out_offset;                /* output zero point; ignored for int16 */
    int32_t act_min, act_max;
    mc_rounding rounding;
    int32_t per_channel;               /* 0: out_mult[0] / out_shift[0] for every output */
    const int32_t *out_mult, *out_shift;
} mc_qfc_params;

/* int8: sum of w * (x + in_offset) in int32, + bias, requantized, + out_offset, clamped. */
void mc_fully_connected_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                           const mc_qfc_params *p);
/* 16x8: sum of w * x in int64, + the int64 bias, requantized, clamped. The two references differ
 * here beyond rounding: TFLite Micro (MC_ROUND_DOUBLE) applies mc_requantize64 (multiplier rounded
 * to 16 bits), LiteRT (MC_ROUND_SINGLE) the full multiplier (mc_requantize64_full). */
void mc_fully_connected_s16(const int16_t *in, const int8_t *w, const int64_t *bias, int16_t *out,
                            const mc_qfc_params *p);

typedef struct {
    int32_t batches, in_depth, out_depth;
    float act_min, act_max;
} mc_fc_params;

/* float: the sum in input order in float, + bias, clamped. */
void mc_fully_connected_f32(const float *in, const float *w, const float *bias, float *out,
                            const mc_fc_params *p);

#endif
