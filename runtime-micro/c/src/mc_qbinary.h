/* Quantized ADD, SUB and MUL (int8, int16) with broadcasting, bit for bit TFLite's reference kernels
 * (reference_integer_ops add.h / mul.h, reference_ops sub.h; the "general" int16 path, i.e.
 * pot_scale_int16 = false, which is also what TFLM runs).
 *
 * ADD/SUB: each input is offset (-zero point), shifted left by left_shift (20 for int8, 15 for
 * int16) and rescaled to a common scale with its own multiplier; the sum (difference) is rescaled to
 * the output, offset, and clamped to [act_min, act_max].
 * MUL: (a + in1_offset) * (b + in2_offset) rescaled to the output, offset, clamped.
 * Broadcasting comes resolved by the compiler as an mc_bcast (mc_binary.h). The parameters are
 * derived at compile time (org.microcodegen.quant.AddParams / MulParams). */
#ifndef MC_QBINARY_H
#define MC_QBINARY_H

#include "mc_binary.h"
#include "mc_quant.h"

typedef struct {
    mc_bcast bc;                                 /* the broadcast (see mc_binary.h) */
    int32_t left_shift;                          /* 20 for int8, 15 for int16 */
    int32_t in1_offset, in1_mult, in1_shift;     /* offset = -zero point; shift <= 0 */
    int32_t in2_offset, in2_mult, in2_shift;
    int32_t out_offset, out_mult, out_shift;     /* out_offset = output zero point */
    int32_t act_min, act_max;
    mc_rounding rounding;
} mc_qadd_params;

typedef struct {
    mc_bcast bc;                                 /* the broadcast (see mc_binary.h) */
    int32_t in1_offset, in2_offset;              /* -zero points */
    int32_t out_offset, out_mult, out_shift;
    int32_t act_min, act_max;
    mc_rounding rounding;
} mc_qmul_params;

void mc_add_s8(const int8_t *a, const int8_t *b, int8_t *out, const mc_qadd_params *p);
void mc_add_s16(const int16_t *a, const int16_t *b, int16_t *out, const mc_qadd_params *p);
void mc_sub_s8(const int8_t *a, const int8_t *b, int8_t *out, const mc_qadd_params *p);
void mc_sub_s16(const int16_t *a, const int16_t *b, int16_t *out, const mc_qadd_params *p);
void mc_mul_s8(const int8_t *a, const int8_t *b, int8_t *out, const mc_qmul_params *p);
void mc_mul_s16(const int16_t *a, const int16_t *b, int16_t *out, const mc_qmul_params *p);

#endif
