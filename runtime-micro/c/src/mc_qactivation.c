#include "mc_qactivation.h"

static int32_t leaky_relu(int32_t q, const mc_qleaky_relu_params *p) {
    const int32_t v = q - p->in_zero_point;
    const int32_t r = v >= 0 ? mc_requantize(v, p->identity_mult, p->identity_shift, p->rounding)
                             : mc_requantize(v, p->alpha_mult, p->alpha_shift, p->rounding);
    return r + p->out_zero_point;
}

static int32_t relu(int32_t q, const mc_qrelu_params *p) {
    const int32_t r = mc_requantize(q - p->in_zero_point, p->mult, p->shift, p->rounding);
    return mc_clamp_i32(r + p->out_zero_point, p->act_min, p->act_max);
}

void mc_leaky_relu_s8(const int8_t *in, int8_t *out, int32_t n, const mc_qleaky_relu_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)mc_clamp_i32(leaky_relu(in[i], p), -128, 127);
    }
}

void mc_leaky_relu_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qleaky_relu_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)mc_clamp_i32(leaky_relu(in[i], p), -32768, 32767);
    }
}

void mc_relu_s8(const int8_t *in, int8_t *out, int32_t n, const mc_qrelu_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int8_t)relu(in[i], p);
    }
}

void mc_relu_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qrelu_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = (int16_t)relu(in[i], p);
    }
}
