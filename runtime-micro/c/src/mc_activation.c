#include <math.h>

#include "mc_activation.h"

/* Every function reads in[i] before it writes out[i], so in == out is safe. */

void mc_relu_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = mc_apply_act(in[i], MC_ACT_RELU);
    }
}

void mc_relu6_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = mc_apply_act(in[i], MC_ACT_RELU6);
    }
}

void mc_sigmoid_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = 1.0f / (1.0f + expf(-in[i]));
    }
}

void mc_tanh_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = tanhf(in[i]);
    }
}

void mc_hswish_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        float x = in[i];
        out[i] = x * mc_apply_act(x + 3.0f, MC_ACT_RELU6) / 6.0f;
    }
}

void mc_hsigmoid_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = mc_apply_act(in[i] + 3.0f, MC_ACT_RELU6) / 6.0f;
    }
}

void mc_leaky_relu_f32(const float *in, float *out, int32_t n, float alpha) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        float x = in[i];
        out[i] = x >= 0.0f ? x : alpha * x;
    }
}

void mc_abs_f32(const float *in, float *out, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = fabsf(in[i]);
    }
}
