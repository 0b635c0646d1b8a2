/* Quantized SOFTMAX over the last axis, bit for bit TFLite's reference kernels
 * (reference_ops::Softmax for int8 input, reference_ops::SoftmaxInt16 for int16), which LiteRT's
 * BUILTIN_REF resolver and TFLite Micro both run. The tensor is viewed as [outer][depth].
 *
 * int8 input (gemmlowp fixed-point exp, no table): input_multiplier, input_left_shift and
 * diff_min come from TFLite's PreprocessSoftmaxScaling / CalculateInputRadius (the compiler's
 * org.microcodegen.quant.SoftmaxParams); outputs are int8 with zero point -128 and scale 1/256, or
 * int16 with zero point -32768 and scale 1/65536. The rounding field selects how the input
 * difference is rescaled (MultiplyByQuantizedMultiplierGreaterThanOne in either TFLite build).
 *
 * int16 input: input_multiplier/input_left_shift rescale the difference to [-65535, 0] = [-10, 0]
 * and two 513-entry tables (exp on [-10, 0], 1/(1+x) on [0, 1]) are read with interpolation; the
 * compiler computes both tables (double precision as LiteRT, single as TFLite Micro). */
#ifndef MC_QSOFTMAX_H
#define MC_QSOFTMAX_H

#include "mc_qfixedpoint.h"

#define MC_SOFTMAX_LUT_SIZE 513

typedef struct {
    int32_t outer;             /* number of rows */
    int32_t depth;             /* row length: the last axis */
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t diff_min;          /* int8 only: differences below it give exp = 0 */
    mc_rounding rounding;
    const int16_t *exp_lut;                 /* int16 only: [MC_SOFTMAX_LUT_SIZE] */
    const int16_t *one_over_one_plus_x_lut; /* int16 only: [MC_SOFTMAX_LUT_SIZE] */
} mc_qsoftmax_params;

void mc_softmax_s8(const int8_t *in, int8_t *out, const mc_qsoftmax_params *p);
void mc_softmax_s8_s16(const int8_t *in, int16_t *out, const mc_qsoftmax_params *p);
/* out may alias in: each row's exps are cached in out after its maximum is known. */
void mc_softmax_s16(const int16_t *in, int16_t *out, const mc_qsoftmax_params *p);

/* TFLite's LUTLookup for int16: 512 segments indexed by the top 9 bits, linear interpolation on
 * the low 7 bits. */
static inline int16_t mc_lut_lookup_s16(int16_t value, const int16_t *lut) {
    const int32_t index = 256 + mc_asr32(value, 7);
    const int32_t offset = value & 0x7f;
    const int32_t base = lut[index];
    const int32_t slope = lut[index + 1] - lut[index];
    const int32_t delta = mc_asr32(slope * offset + 64, 7);
    return (int16_t)mc_wrap_i32((uint32_t)(((uint32_t)(base + delta) & 0xFFFFu) ^ 0x8000u) - 0x8000u);
}

#endif
