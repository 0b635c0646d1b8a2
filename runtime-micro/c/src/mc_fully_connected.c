#include "mc_fully_connected.h"

void mc_fully_connected_s8(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                           const mc_qfc_params *p) {
    int32_t b, o, i;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *x = in + b * p->in_depth;
        const int8_t *wo = w;
        for (o = 0; o < p->out_depth; ++o, wo += p->in_depth) {
            const int32_t c = p->per_channel ? o : 0;
            int32_t acc = 0;
            for (i = 0; i < p->in_depth; ++i) {
                acc += (int32_t)wo[i] * ((int32_t)x[i] + p->in_offset);
            }
            if (bias != NULL) {
                acc += bias[o];
            }
            acc = mc_requantize(acc, p->out_mult[c], p->out_shift[c], p->rounding) + p->out_offset;
            *out++ = (int8_t)mc_clamp_i32(acc, p->act_min, p->act_max);
        }
    }
}

void mc_fully_connected_s16(const int16_t *in, const int8_t *w, const int64_t *bias, int16_t *out,
                            const mc_qfc_params *p) {
    int32_t b, o, i;
    for (b = 0; b < p->batches; ++b) {
        const int16_t *x = in + b * p->in_depth;
        const int8_t *wo = w;
        for (o = 0; o < p->out_depth; ++o, wo += p->in_depth) {
            const int32_t c = p->per_channel ? o : 0;
            int64_t acc = 0;
            int32_t v;
            for (i = 0; i < p->in_depth; ++i) {
                acc += (int32_t)wo[i] * (int32_t)x[i];
            }
            if (bias != NULL) {
                acc += bias[o];
            }
            v = p->rounding == MC_ROUND_SINGLE
                    ? mc_requantize64_full(acc, p->out_mult[c], p->out_shift[c])
                    : mc_requantize64(acc, p->out_mult[c], p->out_shift[c], p->rounding);
            *out++ = (int16_t)mc_clamp_i32(v, p->act_min, p->act_max);
        }
    }
}

void mc_fully_connected_f32(const float *in, const float *w, const float *bias, float *out,
                            const mc_fc_params *p) {
    int32_t b, o, i;
    for (b = 0; b < p->batches; ++b) {
        const float *x = in + b * p->in_depth;
        const float *wo = w;
        for (o = 0; o < p->out_depth; ++o, wo += p->in_depth) {
            float acc = 0.0f;
            float v;
            for (i = 0; i < p->in_depth; ++i) {
                acc += x[i] * wo[i];
            }
            v = acc + (bias != NULL ? bias[o] : 0.0f);
            *out++ = v < p->act_min ? p->act_min : (v > p->act_max ? p->act_max : v);
        }
    }
}
