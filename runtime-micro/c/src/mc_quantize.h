/* QUANTIZE and DEQUANTIZE, bit for bit TFLite's reference kernels (reference_ops quantize.h,
 * dequantize.h, requantize.h).
 *
 * float -> int: q = round_half_away(x / scale) + zero_point (the division in float), saturated to
 * the output type. int -> float: scale * (q - zero_point), one float rounding of the exact product
 * (what the reference's double product rounded to float gives, since that product is exact).
 * int -> int (requantize): requantize(q - in_zero_point) + out_zero_point, saturated to the output
 * type; the multiplier is input_scale / output_scale (org.microcodegen.quant.RequantizeParams). */
#ifndef MC_QUANTIZE_H
#define MC_QUANTIZE_H

#include "mc_quant.h"

typedef struct {
    float scale;
    int32_t zero_point;
    mc_rounding rounding;   /* MC_ROUND_FLOAT: float -> int as ONNX Runtime (ties to even, NaN to the lowest value); else TFLite's */
} mc_affine_params;

typedef struct {
    int32_t in_zero_point, out_zero_point;
    int32_t mult, shift;
    mc_rounding rounding;
} mc_requantize_params;

void mc_quantize_f32_s8(const float *in, int8_t *out, int32_t n, const mc_affine_params *p);
void mc_quantize_f32_s16(const float *in, int16_t *out, int32_t n, const mc_affine_params *p);
void mc_dequantize_s8_f32(const int8_t *in, float *out, int32_t n, const mc_affine_params *p);
void mc_dequantize_s16_f32(const int16_t *in, float *out, int32_t n, const mc_affine_params *p);

void mc_quantize_s8_s8(const int8_t *in, int8_t *out, int32_t n, const mc_requantize_params *p);
void mc_quantize_s8_s16(const int8_t *in, int16_t *out, int32_t n, const mc_requantize_params *p);
void mc_quantize_s16_s8(const int16_t *in, int8_t *out, int32_t n, const mc_requantize_params *p);
void mc_quantize_s16_s16(const int16_t *in, int16_t *out, int32_t n, const mc_requantize_params *p);
void mc_quantize_s16_s32(const int16_t *in, int32_t *out, int32_t n, const mc_requantize_params *p);

#endif
