#include "mc_concat.h"

/* For each outer index, append one contiguous chunk of every input in order. */
void mc_concat_f32(const float *const *inputs, const int32_t *chunks, int32_t n_inputs,
                   float *out, int32_t outer) {
    int32_t o, t, i;
    for (o = 0; o < outer; ++o) {
        for (t = 0; t < n_inputs; ++t) {
            const int32_t len = chunks[t];
            const float *src = inputs[t] + o * len;
            for (i = 0; i < len; ++i) {
                out[i] = src[i];
            }
            out += len;
        }
    }
}
