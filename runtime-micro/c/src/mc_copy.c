#include "mc_copy.h"

void mc_copy_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = in[i];
    }
}
