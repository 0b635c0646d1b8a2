#include <math.h>

#include "mc_softmax.h"

/* Each softmax row is axis_len elements spaced inner apart. Every pass reads an element before it
 * writes the same element, so in == out also works. */
void mc_softmax_f32(const float *in, float *out, int32_t outer, int32_t axis_len, int32_t inner) {
    int32_t o, i, a;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            const int32_t base = o * axis_len * inner + i;
            const float *x = in + base;
            float *y = out + base;
            float max = x[0];
            float sum = 0.0f;
            for (a = 1; a < axis_len; ++a) {
                if (x[a * inner] > max) {
                    max = x[a * inner];
                }
            }
            for (a = 0; a < axis_len; ++a) {
                const float e = expf(x[a * inner] - max);
                y[a * inner] = e;
                sum += e;
            }
            for (a = 0; a < axis_len; ++a) {
                y[a * inner] = y[a * inner] / sum;
            }
        }
    }
}
