#include <math.h>

#include "mc_softmax.h"

/* The largest of a row's axis_len elements spaced inner apart. */
static float row_max(const float *x, int32_t axis_len, int32_t inner) {
    float max = x[0];
    int32_t a;
    for (a = 1; a < axis_len; ++a) {
        if (x[a * inner] > max) {
            max = x[a * inner];
        }
    }
    return max;
}

/* Each softmax row is axis_len elements spaced inner apart. Every pass reads an element before it
 * writes the same element, so in == out also works. */
void mc_softmax_f32(const float *in, float *out, int32_t outer, int32_t axis_len, int32_t inner) {
    int32_t o, i, a;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            const int32_t base = o * axis_len * inner + i;
            const float *x = in + base;
            float *y = out + base;
            const float max = row_max(x, axis_len, inner);
            float sum = 0.0f;
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

void mc_log_softmax_f32(const float *in, float *out, int32_t outer, int32_t axis_len, int32_t inner) {
    int32_t o, i, a;
    for (o = 0; o < outer; ++o) {
        for (i = 0; i < inner; ++i) {
            const int32_t base = o * axis_len * inner + i;
            const float *x = in + base;
            float *y = out + base;
            const float max = row_max(x, axis_len, inner);
            float sum = 0.0f;
            float log_sum;
            for (a = 0; a < axis_len; ++a) {
                sum += expf(x[a * inner] - max);
            }
            log_sum = logf(sum);
            for (a = 0; a < axis_len; ++a) {
                y[a * inner] = (x[a * inner] - max) - log_sum;
            }
        }
    }
}
