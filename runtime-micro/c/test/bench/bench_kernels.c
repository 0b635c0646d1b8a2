/* Layers whose instructions per MAC count_instructions.py measures on an emulated Cortex-M4F:
 * LeNet-5 (MindSpore's model zoo shapes) plus a depthwise and a pointwise conv typical of
 * MobileNet. Bare metal: no startup code, each run_* function is called directly by the emulator,
 * and every buffer is static (zeros: the kernels' instruction counts do not depend on the data). */
#include "mc_conv2d.h"
#include "mc_matmul.h"
#include "mc_pool2d.h"

static float input[1 * 32 * 32];
static float w1[6 * 1 * 5 * 5], w2[16 * 6 * 5 * 5];
static float f1w[120 * 400], f1b[120], f2w[84 * 120], f2b[84], f3w[10 * 84], f3b[10];
static float a1[6 * 28 * 28], p1[6 * 14 * 14], a2[16 * 10 * 10], p2[16 * 5 * 5], d1[120], d2[84];
static float d3[10];
static float big_in[32 * 16 * 16], big_out[64 * 16 * 16], dw_w[32 * 9], pw_w[64 * 32], b64[64];

void run_conv1(void) {
    static const mc_conv2d_params p = {1, 1, 32, 32, 6, 28, 28, 5, 5, 1, 1, 1, 1, 0, 0, 1,
                                       MC_ACT_RELU};
    mc_conv2d_f32(input, w1, 0, a1, &p);
}

void run_pool1(void) {
    static const mc_pool2d_params q = {1, 6, 28, 28, 14, 14, 2, 2, 2, 2, 0, 0, 0};
    mc_maxpool2d_f32(a1, p1, &q);
}

void run_conv2(void) {
    static const mc_conv2d_params p = {1, 6, 14, 14, 16, 10, 10, 5, 5, 1, 1, 1, 1, 0, 0, 1,
                                       MC_ACT_RELU};
    mc_conv2d_f32(p1, w2, 0, a2, &p);
}

void run_pool2(void) {
    static const mc_pool2d_params q = {1, 16, 10, 10, 5, 5, 2, 2, 2, 2, 0, 0, 0};
    mc_maxpool2d_f32(a2, p2, &q);
}

void run_fc1(void) {
    mc_matmul_f32(p2, f1w, f1b, d1, 1, 400, 120, 0, 1, MC_ACT_RELU);
}

void run_fc2(void) {
    mc_matmul_f32(d1, f2w, f2b, d2, 1, 120, 84, 0, 1, MC_ACT_RELU);
}

void run_fc3(void) {
    mc_matmul_f32(d2, f3w, f3b, d3, 1, 84, 10, 0, 1, MC_ACT_NONE);
}

/* depthwise 3x3, stride 1, padding 1, 32 channels of 16x16, ReLU6 */
void run_depthwise(void) {
    static const mc_conv2d_params p = {1, 32, 16, 16, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 32,
                                       MC_ACT_RELU6};
    mc_conv2d_f32(big_in, dw_w, b64, big_out, &p);
}

/* pointwise 1x1, 32 -> 64 channels of 16x16, ReLU6 */
void run_pointwise(void) {
    static const mc_conv2d_params p = {1, 32, 16, 16, 64, 16, 16, 1, 1, 1, 1, 1, 1, 0, 0, 1,
                                       MC_ACT_RELU6};
    mc_conv2d_f32(big_in, pw_w, b64, big_out, &p);
}

/* Where every run_* function returns to; the emulator stops here. */
void bench_done(void) {
    for (;;) {
    }
}

/* gcc may turn a zero-filling loop into a memset call; there is no C library here. */
void *memset(void *dst, int c, unsigned int n) {
    unsigned char *d = dst;
    while (n-- > 0) {
        *d++ = (unsigned char)c;
    }
    return dst;
}
