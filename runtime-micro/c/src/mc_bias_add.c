#include "mc_bias_add.h"

/* One bias value per [inner] run: load it once, then a tight contiguous loop. in == out is safe. */
void mc_bias_add_f32(const float *in, const float *bias, float *out,
                     int32_t outer, int32_t channels, int32_t inner) {
    int32_t o, c, i;
    for (o = 0; o < outer; ++o) {
        for (c = 0; c < channels; ++c) {
            const float b = bias[c];
            for (i = 0; i < inner; ++i) {
                out[i] = in[i] + b;
            }
            in += inner;
            out += inner;
        }
    }
}
