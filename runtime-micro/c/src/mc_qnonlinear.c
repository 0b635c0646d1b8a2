#include "mc_qnonlinear.h"

void mc_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *lut) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = lut[(uint8_t)in[i]];
    }
}
