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

void mc_concat_8bit(const void *const *inputs, const int32_t *chunks, int32_t n_inputs,
                    void *out, int32_t outer) {
    uint8_t *dst = (uint8_t *)out;
    MC_CONCAT_BODY(uint8_t)
}

void mc_concat_16bit(const void *const *inputs, const int32_t *chunks, int32_t n_inputs,
                     void *out, int32_t outer) {
    uint16_t *dst = (uint16_t *)out;
    MC_CONCAT_BODY(uint16_t)
}
