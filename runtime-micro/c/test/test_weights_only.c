/* Weights-only kernels (mc_weights_only.c) against the float kernels run on the dequantized weights
 * (w = scale[c] * q, formed in float as the kernels do): the float kernels are checked against
 * MindSpore by the end-to-end tests, so equal bits here mean the integer storage, the nibble
 * unpacking and the scale indexing are right for shapes the digits model does not have (groups,
 * depthwise, padding, stride, dilation). */
#include <string.h>

#include "mc_conv2d.h"
#include "mc_matmul.h"
#include "mc_test.h"
#include "mc_weights_only.h"

#define WQ_MAX_W 2048
#define WQ_MAX_IO 4096

static float wq_in[WQ_MAX_IO], wq_out[WQ_MAX_IO], wq_want[WQ_MAX_IO];
static float wq_dequant[WQ_MAX_W], wq_scales[64], wq_bias[64];
static int8_t wq_q8[WQ_MAX_W];
static int16_t wq_q16[WQ_MAX_W];
static uint8_t wq_q4[WQ_MAX_W / 2];

/* n integers of at most `bits` bits (symmetric) in every storage, and their dequantized floats for
 * `channels` channels of n / channels weights each. */
static void wq_weights(int32_t n, int32_t channels, int32_t bits) {
    const int32_t qmax = (1 << (bits - 1)) - 1;
    int32_t i;
    memset(wq_q4, 0, sizeof wq_q4);
    for (i = 0; i < channels; ++i) {
        wq_scales[i] = mc_rand_float(0.001f, 0.1f);
        wq_bias[i] = mc_rand_float(-1.0f, 1.0f);
    }
    for (i = 0; i < n; ++i) {
        int32_t q = (int32_t)mc_rand_float(-(float)qmax - 0.999f, (float)qmax + 0.999f);
        q = q > qmax ? qmax : q < -qmax ? -qmax : q;
        wq_q8[i] = (int8_t)(bits <= 8 ? q : 0);
        wq_q16[i] = (int16_t)q;
        if (bits <= 4) {
            wq_q4[i / 2] = (uint8_t)(wq_q4[i / 2] | ((q & 0xF) << (4 * (i % 2))));
        }
        wq_dequant[i] = wq_scales[i / (n / channels)] * (float)q;
    }
}

static void wq_conv_case(const char *name, mc_conv2d_params p, int32_t bits) {
    const int32_t nw = p.out_c * (p.in_c / p.groups) * p.k_h * p.k_w;
    const int32_t nout = p.batch * p.out_c * p.out_h * p.out_w;
    char label[96];
    wq_weights(nw, p.out_c, bits);
    mc_rand_fill(wq_in, p.batch * p.in_c * p.in_h * p.in_w, -2.0f, 2.0f);
    mc_conv2d_compact_f32(wq_in, wq_dequant, wq_bias, wq_want, &p);
    if (bits <= 4) {
        mc_conv2d_wq4_f32(wq_in, wq_q4, wq_scales, wq_bias, wq_out, &p);
    } else if (bits <= 8) {
        mc_conv2d_wq8_f32(wq_in, wq_q8, wq_scales, wq_bias, wq_out, &p);
    } else {
        mc_conv2d_wq16_f32(wq_in, wq_q16, wq_scales, wq_bias, wq_out, &p);
    }
    strcpy(label, "weights-only conv ");
    strcat(label, name);
    strcat(label, bits <= 4 ? " 4-bit" : bits <= 8 ? " 8-bit" : " 16-bit");
    mc_expect_equal(label, wq_out, wq_want, nout);
}

static void wq_dense_case(int32_t m, int32_t k, int32_t n, int32_t bits, mc_act act) {
    wq_weights(n * k, n, bits);
    mc_rand_fill(wq_in, m * k, -2.0f, 2.0f);
    mc_matmul_dense_f32(wq_in, wq_dequant, wq_bias, wq_want, m, k, n, act);
    if (bits <= 4) {
        mc_matmul_dense_wq4_f32(wq_in, wq_q4, wq_scales, wq_bias, wq_out, m, k, n, act);
    } else if (bits <= 8) {
        mc_matmul_dense_wq8_f32(wq_in, wq_q8, wq_scales, wq_bias, wq_out, m, k, n, act);
    } else {
        mc_matmul_dense_wq16_f32(wq_in, wq_q16, wq_scales, wq_bias, wq_out, m, k, n, act);
    }
    mc_expect_equal(bits <= 4 ? "weights-only dense 4-bit" : bits <= 8 ? "weights-only dense 8-bit" : "weights-only dense 16-bit",
                    wq_out, wq_want, m * n);
}

/* Nibbles by hand: byte 0x8F holds element 0 = 0xF = -1 (low) and element 1 = 0x8 = -8 (high);
 * 0x71 holds 1 and 7. One input of 1 per element picks each weight out. */
static void wq_nibbles_by_hand(void) {
    static const uint8_t w[2] = {0x8F, 0x71};
    static const float scales[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    static const float one[1] = {1.0f};
    static const float want[4] = {-1.0f, -8.0f, 1.0f, 7.0f};
    float out[4];
    mc_matmul_dense_wq4_f32(one, w, scales, NULL, out, 1, 1, 4, MC_ACT_NONE);
    mc_expect_equal("weights-only 4-bit nibbles by hand", out, want, 4);
}

void test_weights_only(void) {
    /* batch, in_c, in_h, in_w, out_c, out_h, out_w, k_h, k_w, stride_h, stride_w, dilation_h,
     * dilation_w, pad_top, pad_left, groups, act */
    const mc_conv2d_params valid5 = {1, 1, 12, 12, 6, 8, 8, 5, 5, 1, 1, 1, 1, 0, 0, 1, MC_ACT_RELU};
    const mc_conv2d_params padded = {2, 3, 9, 7, 5, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, MC_ACT_NONE};
    const mc_conv2d_params grouped = {1, 4, 6, 6, 6, 4, 4, 3, 3, 1, 1, 1, 1, 0, 0, 2, MC_ACT_RELU6};
    const mc_conv2d_params depthwise = {1, 8, 7, 7, 8, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 8, MC_ACT_NONE};
    const mc_conv2d_params dilated = {1, 2, 9, 9, 3, 5, 5, 3, 3, 1, 1, 2, 2, 0, 0, 1, MC_ACT_NONE};
    /* rows of 14 at stride 2: the padded first and last columns one at a time, a block of eight and one
     * of four between */
    const mc_conv2d_params strided_row = {1, 2, 11, 27, 3, 6, 14, 3, 3, 2, 2, 1, 1, 1, 1, 1, MC_ACT_NONE};
    static const int32_t bits[4] = {2, 4, 8, 16};
    int32_t b;
    mc_rand_seed(20261130u);
    wq_nibbles_by_hand();
    for (b = 0; b < 4; ++b) {
        wq_conv_case("valid 5x5", valid5, bits[b]);
        wq_conv_case("padded stride 2", padded, bits[b]);
        wq_conv_case("grouped", grouped, bits[b]);
        wq_conv_case("depthwise", depthwise, bits[b]);
        wq_conv_case("dilated", dilated, bits[b]);
        wq_conv_case("strided row", strided_row, bits[b]);
        wq_dense_case(2, 37, 11, bits[b], MC_ACT_RELU);
        wq_dense_case(2, 38, 11, bits[b], MC_ACT_NONE); /* even k: packed rows start on a byte */
    }
}
