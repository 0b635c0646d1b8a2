#include "mc_quantize.h"

#include <math.h>

/* round_half_away(x / scale) + zero_point saturated to [lo, hi]. The float quotient is clamped
 * before the conversion so that a huge or infinite value saturates instead of overflowing the int
 * conversion (the reference leaves that case undefined); NaN gives the zero point. */
static int32_t quantize_one(float x, const mc_affine_params *p, int32_t lo, int32_t hi) {
    float q;
    if (p->rounding == MC_ROUND_FLOAT) {
        /* ONNX Runtime's MlasQuantizeLinear: the quotient clamped to the output range less the zero
         * point (a NaN to its lower end, as MAXPS and FMAXNM give), rounded half to even */
        const float q_lo = (float)(lo - p->zero_point);
        const float q_hi = (float)(hi - p->zero_point);
        q = x / p->scale;
        q = q >= q_lo ? q : q_lo;
        q = q <= q_hi ? q : q_hi;
        return (int32_t)mc_round_half_even_f32(q) + p->zero_point;
    }
    q = roundf(x / p->scale);
    if (!(q == q)) {
        q = 0.0f;
    }
    q = q < -2147483520.0f ? -2147483520.0f : (q > 2147483520.0f ? 2147483520.0f : q);
    {
        const int64_t v = (int64_t)q + p->zero_point;
        return v < lo ? lo : (v > hi ? hi : (int32_t)v);
    }
}

void mc_quantize_f32_s8(const float *in, int8_t *out, int32_t n, const mc_affine_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)quantize_one(in[i], p, -128, 127);
    }
}

void mc_quantize_f32_s16(const float *in, int16_t *out, int32_t n, const mc_affine_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)quantize_one(in[i], p, -32768, 32767);
    }
}

void mc_dequantize_s8_f32(const int8_t *in, float *out, int32_t n, const mc_affine_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = p->scale * (float)((int32_t)in[i] - p->zero_point);
    }
}

void mc_dequantize_s16_f32(const int16_t *in, float *out, int32_t n, const mc_affine_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = p->scale * (float)((int32_t)in[i] - p->zero_point);
    }
}

static int32_t requantize_one(int32_t x, const mc_requantize_params *p) {
    return mc_requantize(x - p->in_zero_point, p->mult, p->shift, p->rounding);
}

/* The zero point is added in 64 bits: for an int32 output the reference's int32 sum cannot
 * overflow in practice, and saturating here keeps the narrow outputs' clamp exact. */
#define MC_REQUANTIZE(name, TI, TO, LO, HI)                                                  \
    void name(const TI *in, TO *out, int32_t n, const mc_requantize_params *p) {            \
        int32_t i;                                                                           \
        for (i = 0; i < n; ++i) {                                                            \
            const int64_t v = (int64_t)requantize_one(in[i], p) + p->out_zero_point;         \
            out[i] = (TO)(v < (LO) ? (LO) : (v > (HI) ? (HI) : v));                          \
        }                                                                                    \
    }

MC_REQUANTIZE(mc_quantize_s8_s8, int8_t, int8_t, -128, 127)
MC_REQUANTIZE(mc_quantize_s8_s16, int8_t, int16_t, -32768, 32767)
MC_REQUANTIZE(mc_quantize_s16_s8, int16_t, int8_t, -128, 127)
MC_REQUANTIZE(mc_quantize_s16_s16, int16_t, int16_t, -32768, 32767)
MC_REQUANTIZE(mc_quantize_s16_s32, int16_t, int32_t, INT32_MIN, INT32_MAX)
