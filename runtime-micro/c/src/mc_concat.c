#include "mc_concat.h"

/* For each outer index, append one contiguous chunk of every input in order. */
#define MC_CONCAT_BODY(T)                                                   \
    int32_t o, t, i;                                                        \
    for (o = 0; o < outer; ++o) {                                           \
        for (t = 0; t < n_inputs; ++t) {                                    \
            const int32_t len = chunks[t];                                  \
            const T *src = (const T *)inputs[t] + o * len;                  \
            for (i = 0; i < len; ++i) {                                     \
                dst[i] = src[i];                                            \
            }                                                               \
            dst += len;                                                     \
        }                                                                   \
    }

void mc_concat_f32(const float *const *inputs, const int32_t *chunks, int32_t n_inputs,
                   float *out, int32_t outer) {
    float *dst = out;
    MC_CONCAT_BODY(float)
}

void mc_concat_s8(const int8_t *const *inputs, const int32_t *chunks, int32_t n_inputs,
                  int8_t *out, int32_t outer) {
    int8_t *dst = out;
    MC_CONCAT_BODY(int8_t)
}

void mc_concat_s16(const int16_t *const *inputs, const int32_t *chunks, int32_t n_inputs,
                   int16_t *out, int32_t outer) {
    int16_t *dst = out;
    MC_CONCAT_BODY(int16_t)
}
