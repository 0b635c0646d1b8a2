/* Quantized LEAKY_RELU, RELU, RELU6 and RELU_N1_TO_1 (int8, int16), bit for bit TFLite's reference
 * kernels (reference_ops leaky_relu.h QuantizeLeakyRelu, ReluX).
 *
 * LEAKY_RELU: v = q - in_zero_point; v >= 0 is rescaled by the identity multiplier (input_scale /
 * output_scale), v < 0 by the alpha multiplier (input_scale * alpha / output_scale); plus the output
 * zero point, saturated to the type.
 * RELU family: requantize(q - in_zero_point) + out_zero_point clamped to [act_min, act_max], the
 * activation's bounds in the output's quantized domain (org.microcodegen.quant.ReluParams). */
#ifndef MC_QACTIVATION_H
#define MC_QACTIVATION_H

#include "mc_quant.h"

typedef struct {
    int32_t in_zero_point, out_zero_point;
    int32_t identity_mult, identity_shift;
    int32_t alpha_mult, alpha_shift;
    mc_rounding rounding;
} mc_qleaky_relu_params;

typedef struct {
    int32_t in_zero_point, out_zero_point;
    int32_t mult, shift;
    int32_t act_min, act_max;
    mc_rounding rounding;
} mc_qrelu_params;

void mc_leaky_relu_s8(const int8_t *in, int8_t *out, int32_t n, const mc_qleaky_relu_params *p);
void mc_leaky_relu_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qleaky_relu_params *p);
void mc_relu_s8(const int8_t *in, int8_t *out, int32_t n, const mc_qrelu_params *p);
void mc_relu_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qrelu_params *p);

#endif
