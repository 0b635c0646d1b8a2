/* MatMul against a naive triple loop that reads op(a) and op(b) through explicit index formulas,
 * for every transpose combination and for sizes that reach every loop, plus a hand-worked
 * case. */
#include "mc_conv2d.h"
#include "mc_matmul.h"
#include "mc_test.h"

#define MM_BUF 50000

static float a_buf[MM_BUF], b_buf[MM_BUF], bias_buf[512], out_buf[MM_BUF], ref_buf[MM_BUF];

static void ref_matmul(const float *a, const float *b, const float *bias, float *out, int32_t m,
                       int32_t k, int32_t n, int32_t ta, int32_t tb, mc_act act) {
    int32_t i, j, kk;
    for (i = 0; i < m; ++i) {
        for (j = 0; j < n; ++j) {
            float acc = 0.0f;
            for (kk = 0; kk < k; ++kk) {
                const float x = ta ? a[kk * m + i] : a[i * k + kk];
                const float y = tb ? b[j * k + kk] : b[kk * n + j];
                acc += x * y;
            }
            if (bias != NULL) {
                acc += bias[j];
            }
            if (act != MC_ACT_NONE && acc < 0.0f) {
                acc = 0.0f;
            }
            if (act == MC_ACT_RELU6 && acc > 6.0f) {
                acc = 6.0f;
            }
            out[i * n + j] = acc;
        }
    }
}

static void run_case(const char *name, int32_t m, int32_t k, int32_t n, int32_t ta, int32_t tb,
                     int with_bias, mc_act act, uint32_t seed) {
    const float *bias = with_bias ? bias_buf : NULL;
    mc_rand_seed(seed);
    mc_rand_fill(a_buf, m * k, -1.0f, 1.0f);
    mc_rand_fill(b_buf, k * n, -1.0f, 1.0f);
    mc_rand_fill(bias_buf, n, -1.0f, 1.0f);
    ref_matmul(a_buf, b_buf, bias, ref_buf, m, k, n, ta, tb, act);
    mc_matmul_f32(a_buf, b_buf, bias, out_buf, m, k, n, ta, tb, act);
    mc_expect_close(name, out_buf, ref_buf, m * n, 1e-5f);
    if (!ta && tb) {
        static float dense[MM_BUF];
        int32_t i;
        mc_matmul_dense_f32(a_buf, b_buf, bias, out_buf, m, k, n, act);
        mc_expect_close(name, out_buf, ref_buf, m * n, 1e-5f);
        for (i = 0; i < m * n; ++i) {
            dense[i] = out_buf[i];
        }
        /* the compact dense layer (a 1x1 convolution, `--optimize size`): the same bits */
        mc_matmul_dense_compact_f32(a_buf, b_buf, bias, out_buf, m, k, n, act);
        mc_expect_equal(name, out_buf, dense, m * n);
    }
}

static void hand_worked(void) {
    /* [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; bias [1, -100] with ReLU */
    static const float a[4] = {1, 2, 3, 4};
    static const float b[4] = {5, 6, 7, 8};
    static const float bt[4] = {5, 7, 6, 8};   /* b transposed */
    static const float at[4] = {1, 3, 2, 4};   /* a transposed */
    static const float bias[2] = {1, -100};
    static const float want[4] = {19, 22, 43, 50};
    static const float want_bias_relu[4] = {20, 0, 44, 0};
    float out[4];
    mc_matmul_f32(a, b, NULL, out, 2, 2, 2, 0, 0, MC_ACT_NONE);
    mc_expect_equal("matmul hand-worked", out, want, 4);
    mc_matmul_f32(a, bt, NULL, out, 2, 2, 2, 0, 1, MC_ACT_NONE);
    mc_expect_equal("matmul hand-worked transpose_b", out, want, 4);
    mc_matmul_f32(at, b, NULL, out, 2, 2, 2, 1, 0, MC_ACT_NONE);
    mc_expect_equal("matmul hand-worked transpose_a", out, want, 4);
    mc_matmul_f32(at, bt, bias, out, 2, 2, 2, 1, 1, MC_ACT_RELU);
    mc_expect_equal("matmul hand-worked both transposed, bias, relu", out, want_bias_relu, 4);
}

void test_matmul(void) {
    int32_t ta, tb;
    uint32_t seed = 4000u;
    hand_worked();
    for (ta = 0; ta <= 1; ++ta) {
        for (tb = 0; tb <= 1; ++tb) {
            /* n = 13 and 6: a block of 8 moved back to end at n, and the one-column loop */
            run_case("matmul 3x17x13", 3, 17, 13, ta, tb, 1, MC_ACT_NONE, seed++);
            run_case("matmul 1x1x1", 1, 1, 1, ta, tb, 0, MC_ACT_NONE, seed++);
            run_case("matmul 5x9x6 relu6", 5, 9, 6, ta, tb, 1, MC_ACT_RELU6, seed++);
            run_case("matmul 2x31x16 no bias relu", 2, 31, 16, ta, tb, 0, MC_ACT_RELU, seed++);
        }
    }
    /* LeNet's dense layers: nn.Dense exports transpose_b with weights [out][in] */
    run_case("matmul lenet fc1 1x400x120", 1, 400, 120, 0, 1, 1, MC_ACT_RELU, seed++);
    run_case("matmul lenet fc2 1x120x84", 1, 120, 84, 0, 1, 1, MC_ACT_RELU, seed++);
    run_case("matmul lenet fc3 1x84x10", 1, 84, 10, 0, 1, 1, MC_ACT_NONE, seed++);
}
