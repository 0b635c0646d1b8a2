#include "mc_qnonlinear.h"

void mc_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *lut) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = lut[(uint8_t)in[i]];
    }
}

/* gemmlowp's 16-bit saturating rounding doubling high multiply: a * b / 2^15 rounded to nearest
 * (ties away from zero), the one overflow (-32768 * -32768) saturated. C99 division truncates, as
 * gemmlowp's does. */
static int32_t srdhm16(int32_t a, int32_t b) {
    const int32_t ab = a * b;
    if (a == -32768 && b == -32768) {
        return 32767;
    }
    return (ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14))) / (1 << 15);
}

/* The same without rounding (truncating toward zero, like ARM's SQDMULH): TFLite uses it for the
 * final product to cancel the bias of the two rounded ones before it. */
static int32_t sdhm16(int32_t a, int32_t b) {
    if (a == -32768 && b == -32768) {
        return 32767;
    }
    return (a * b) / (1 << 15);
}

/* value * 2^amount saturated to int16; 0 <= amount <= 30. */
static int32_t saturating_shl16(int32_t value, int32_t amount) {
    const int64_t r = (int64_t)value * ((int64_t)1 << amount);
    return r > 32767 ? 32767 : r < -32768 ? -32768 : (int32_t)r;
}

static int32_t wrap_i16(int32_t v) {
    return (int32_t)(((uint32_t)v + 32768u) & 0xFFFFu) - 32768;
}

void mc_hard_swish_s8(const int8_t *in, int8_t *out, int32_t n, const mc_qhard_swish_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        /* |in - zero point| <= 255, so the 7-bit left shift stays in int16 */
        const int32_t hires = (in[i] - p->in_zero_point) * 128;
        const int32_t preshift_out = srdhm16(hires, p->out_mult);
        int32_t reluish = hires;
        int32_t result;
        /* the left shift in two steps, as TFLite does: all but one bit, the multiply, the last bit,
         * so that saturation in the first step cannot reach the result */
        if (p->reluish_exponent > 0) {
            reluish = saturating_shl16(reluish, p->reluish_exponent - 1);
        }
        reluish = srdhm16(reluish, p->reluish_mult);
        if (p->reluish_exponent > 0) {
            reluish = saturating_shl16(reluish, 1);
        } else if (p->reluish_exponent < 0) {
            reluish = mc_rounding_divide_by_pot(reluish, -p->reluish_exponent);
        }
        /* [-1, 1] in Q15 to [0, 1] */
        reluish = (reluish + (1 << 15)) >> 1;
        result = mc_rounding_divide_by_pot(sdhm16(reluish, preshift_out), -p->out_exponent);
        /* TFLite adds the zero point in int16 arithmetic (wrapping) before it clamps */
        result = wrap_i16(result + p->out_zero_point);
        out[i] = (int8_t)mc_clamp_i32(result, -128, 127);
    }
}
