#include <math.h>

#include "mc_batchnorm.h"

/* The header's formula, with the division replaced by a multiplication by inv_std, which is
 * computed once per channel (a sqrt and a divide are costly on a microcontroller). in == out is
 * safe: every element is read before it is written. */
void mc_batchnorm_f32(const float *in, const float *scale, const float *offset,
                      const float *mean, const float *variance, float epsilon, float *out,
                      int32_t outer, int32_t channels, int32_t inner) {
    int32_t o, c, i;
    for (c = 0; c < channels; ++c) {
        const float m = mean[c];
        const float inv_std = 1.0f / sqrtf(variance[c] + epsilon);
        const float s = scale[c];
        const float b = offset[c];
        for (o = 0; o < outer; ++o) {
            const int32_t base = (o * channels + c) * inner;
            const float *x = in + base;
            float *y = out + base;
            for (i = 0; i < inner; ++i) {
                y[i] = (x[i] - m) * inv_std * s + b;
            }
        }
    }
}
