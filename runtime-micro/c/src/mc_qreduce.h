/* Quantized MEAN over the H and W axes of an NHWC tensor (int8, int16), TFLite's
 * reference_integer_ops::Mean (the path taken for a 4-D input reduced over axes 1 and 2 with
 * keep_dims): per batch and channel, sum(q - in_zero_point) is requantized, divided by divisor
 * rounding half away from zero (skipped when divisor is 1), offset by the output zero point and
 * saturated to the type. The output is [batch][1][1][channels].
 *
 * LiteRT 2.3 folds 1 / (H*W) into the multiplier at prepare time (divisor 1); older TFLite
 * versions requantize by input_scale / output_scale and divide by H*W afterwards (divisor H*W).
 * org.microcodegen.quant.MeanParams derives the fields. */
#ifndef MC_QREDUCE_H
#define MC_QREDUCE_H

#include "mc_quant.h"

typedef struct {
    int32_t batch, in_h, in_w, channels;
    int32_t in_zero_point, out_zero_point;
    int32_t mult, shift;
    int32_t divisor;                     /* 1, or H*W when 1/(H*W) is not in the multiplier */
    mc_rounding rounding;
} mc_qmean_params;

void mc_mean_hw_s8(const int8_t *in, int8_t *out, const mc_qmean_params *p);
void mc_mean_hw_s16(const int16_t *in, int16_t *out, const mc_qmean_params *p);

#endif
