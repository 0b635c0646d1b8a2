/* Activations, softmax, bias add, batch norm, copy and the broadcasting binary operators. Expected
 * values are hand-worked (constants from a calculator) or come from naive loops over full
 * multi-indices. */
#include <stdio.h>

#include "mc_activation.h"
#include "mc_batchnorm.h"
#include "mc_bias_add.h"
#include "mc_binary.h"
#include "mc_copy.h"
#include "mc_softmax.h"
#include "mc_test.h"

#define N_ACT 7

static const float act_in[N_ACT] = {-7.0f, -3.0f, -1.0f, 0.0f, 1.0f, 3.0f, 8.0f};

static void check_unary(const char *name, void (*fn)(const float *, float *, int32_t),
                        const float *want) {
    float out[N_ACT];
    float inplace[N_ACT];
    int32_t i;
    fn(act_in, out, N_ACT);
    mc_expect_close(name, out, want, N_ACT, 1e-6f);
    for (i = 0; i < N_ACT; ++i) {
        inplace[i] = act_in[i];
    }
    fn(inplace, inplace, N_ACT);
    mc_expect_close(name, inplace, want, N_ACT, 1e-6f);
}

static void test_activations(void) {
    static const float relu[N_ACT] = {0, 0, 0, 0, 1, 3, 8};
    static const float relu6[N_ACT] = {0, 0, 0, 0, 1, 3, 6};
    static const float sigmoid[N_ACT] = {0.000911051194f, 0.0474258732f, 0.268941421f, 0.5f,
                                         0.731058579f, 0.952574127f, 0.999664650f};
    static const float tanh_[N_ACT] = {-0.999998336f, -0.995054754f, -0.761594156f, 0.0f,
                                       0.761594156f, 0.995054754f, 0.999999775f};
    /* x * relu6(x + 3) / 6: -7 -> 0, -3 -> 0, -1 -> -1 * 2 / 6, 1 -> 4 / 6, 3 -> 3, 8 -> 8 */
    static const float hswish[N_ACT] = {0, 0, -1.0f / 3.0f, 0, 2.0f / 3.0f, 3, 8};
    /* relu6(x + 3) / 6 */
    static const float hsigmoid[N_ACT] = {0, 0, 1.0f / 3.0f, 0.5f, 2.0f / 3.0f, 1, 1};
    static const float absv[N_ACT] = {7, 3, 1, 0, 1, 3, 8};
    static const float leaky[N_ACT] = {-1.4f, -0.6f, -0.2f, 0, 1, 3, 8};
    float out[N_ACT];
    check_unary("relu", mc_relu_f32, relu);
    check_unary("relu6", mc_relu6_f32, relu6);
    check_unary("sigmoid", mc_sigmoid_f32, sigmoid);
    check_unary("tanh", mc_tanh_f32, tanh_);
    check_unary("hswish", mc_hswish_f32, hswish);
    check_unary("hsigmoid", mc_hsigmoid_f32, hsigmoid);
    check_unary("abs", mc_abs_f32, absv);
    mc_leaky_relu_f32(act_in, out, N_ACT, 0.2f);
    mc_expect_close("leaky relu alpha 0.2", out, leaky, N_ACT, 1e-6f);
    {
        /* sigmoid must not overflow to NaN far out in the tails */
        static const float far[2] = {-100.0f, 100.0f};
        static const float want[2] = {0.0f, 1.0f};
        mc_sigmoid_f32(far, out, 2);
        mc_expect_close("sigmoid tails", out, want, 2, 1e-6f);
    }
}

static void test_softmax(void) {
    /* softmax([1, 2, 3]) and, for stability, softmax([1000, 1001, 1002]) is the same. */
    static const float want3[3] = {0.0900305732f, 0.244728471f, 0.665240956f};
    static const float x[3] = {1, 2, 3};
    static const float big[3] = {1000, 1001, 1002};
    /* [2][3][2] with the softmax over the middle axis (outer 2, axis 3, inner 2): every column
     * (i, :, j) is a shifted copy of [1, 2, 3] or of [3, 3, 3] */
    static const float mid[12] = {1, 5, 2, 5, 3, 5, /* */ -1, 0, 0, 0, 1, 0};
    const float t = 1.0f / 3.0f;
    const float want_mid[12] = {want3[0], t, want3[1], t, want3[2], t,
                                want3[0], t, want3[1], t, want3[2], t};
    float out[12];
    float inplace[12];
    int32_t i;
    mc_softmax_f32(x, out, 1, 3, 1);
    mc_expect_close("softmax [1,2,3]", out, want3, 3, 1e-6f);
    mc_softmax_f32(big, out, 1, 3, 1);
    mc_expect_close("softmax large logits stay finite", out, want3, 3, 1e-6f);
    mc_softmax_f32(mid, out, 2, 3, 2);
    mc_expect_close("softmax over a middle axis", out, want_mid, 12, 1e-6f);
    for (i = 0; i < 12; ++i) {
        inplace[i] = mid[i];
    }
    mc_softmax_f32(inplace, inplace, 2, 3, 2);
    mc_expect_close("softmax in place", inplace, want_mid, 12, 1e-6f);
    {
        /* rows of a [4][3] matrix (outer 4, inner 1), each summing to 1 */
        static const float rows[12] = {1, 2, 3, 3, 2, 1, 0, 0, 0, -50, 0, 50};
        const float want[12] = {want3[0], want3[1], want3[2], want3[2], want3[1], want3[0],
                                t, t, t, 0.0f, 1.92874985e-22f, 1.0f};
        mc_softmax_f32(rows, out, 4, 3, 1);
        mc_expect_close("softmax rows", out, want, 12, 1e-6f);
    }
}

static void test_bias_add(void) {
    /* [2][3][2] + bias[3] along the middle axis */
    static const float in[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    static const float bias[3] = {100, 200, 300};
    static const float want[12] = {100, 101, 202, 203, 304, 305, 106, 107, 208, 209, 310, 311};
    /* [2][3] matrix + bias[3] (inner 1) */
    static const float want_mat[6] = {100, 201, 302, 103, 204, 305};
    float out[12];
    float inplace[12];
    int32_t i;
    mc_bias_add_f32(in, bias, out, 2, 3, 2);
    mc_expect_equal("bias add NCHW", out, want, 12);
    mc_bias_add_f32(in, bias, out, 2, 3, 1);
    mc_expect_equal("bias add matrix", out, want_mat, 6);
    for (i = 0; i < 12; ++i) {
        inplace[i] = in[i];
    }
    mc_bias_add_f32(inplace, bias, inplace, 2, 3, 2);
    mc_expect_equal("bias add in place", inplace, want, 12);
}

static void test_batchnorm(void) {
    /* [2][2][3], channels 2 */
    static const float in[12] = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
    static const float scale[2] = {2.0f, 0.5f};
    static const float offset[2] = {1.0f, -1.0f};
    static const float mean[2] = {2.0f, 1.0f};
    static const float var[2] = {3.999f, 0.249f};
    const float eps = 0.001f;
    /* channel 0: (x - 2) / 2 * 2 + 1 = x - 1; channel 1: (x - 1) / 0.5 * 0.5 - 1 = x - 2 */
    static const float want[12] = {0, 1, 2, 2, 3, 4, -2, -3, -4, -6, -7, -8};
    float out[12];
    float inplace[12];
    int32_t i;
    mc_batchnorm_f32(in, scale, offset, mean, var, eps, out, 2, 2, 3);
    mc_expect_close("batchnorm", out, want, 12, 1e-5f);
    for (i = 0; i < 12; ++i) {
        inplace[i] = in[i];
    }
    mc_batchnorm_f32(inplace, scale, offset, mean, var, eps, inplace, 2, 2, 3);
    mc_expect_close("batchnorm in place", inplace, want, 12, 1e-5f);
}

static void test_copy(void) {
    static const float in[5] = {1, -2, 3.5f, 0, 1e-30f};
    float out[5];
    mc_copy_f32(in, out, 5);
    mc_expect_equal("copy", out, in, 5);
}

/* ---- broadcasting binary operators ---------------------------------------------------------- */

#define BIN_BUF 512

typedef void (*binary_fn)(const float *, const float *, float *, const mc_bcast *);

static float ref_op(int op, float x, float y) {
    switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return x > y ? x : y;
    default: return x < y ? x : y;
    }
}

static const binary_fn ops[6] = {mc_add_f32, mc_sub_f32, mc_mul_f32, mc_div_f32, mc_maximum_f32,
                                 mc_minimum_f32};
static const char *const op_names[6] = {"add", "sub", "mul", "div", "maximum", "minimum"};

/* NumPy broadcasting, done the slow way: shapes are right-aligned to the output rank and a dim of
 * 1 is broadcast. Builds the kernel's mc_bcast (unmerged: one axis per output axis) and the
 * expected output by walking every output multi-index. */
static void bcast_case(const char *name, int32_t rank, const int32_t *a_shape,
                       const int32_t *b_shape, uint32_t seed) {
    static float a[BIN_BUF], b[BIN_BUF], out[BIN_BUF], want[BIN_BUF], inplace[BIN_BUF];
    mc_bcast bc;
    int32_t a_n, b_n, n = 1, sa = 1, sb = 1;
    int32_t d, i, op;
    char label[128];
    bc.rank = rank;
    for (d = rank - 1; d >= 0; --d) {
        bc.out_dims[d] = a_shape[d] > b_shape[d] ? a_shape[d] : b_shape[d];
        bc.a_strides[d] = a_shape[d] == 1 ? 0 : sa;
        bc.b_strides[d] = b_shape[d] == 1 ? 0 : sb;
        sa *= a_shape[d];
        sb *= b_shape[d];
        n *= bc.out_dims[d];
    }
    a_n = sa;
    b_n = sb;
    mc_rand_seed(seed);
    mc_rand_fill(a, a_n, -4.0f, 4.0f);
    mc_rand_fill(b, b_n, 0.5f, 3.0f);   /* no division by (near) zero */
    for (i = 0; i < b_n; i += 2) {
        b[i] = -b[i];
    }
    for (op = 0; op < 6; ++op) {
        for (i = 0; i < n; ++i) {
            /* unravel i over the output shape, ravel into each operand */
            int32_t rem = i, ai = 0, bi = 0, am = 1, bm = 1;
            for (d = rank - 1; d >= 0; --d) {
                const int32_t c = rem % bc.out_dims[d];
                rem /= bc.out_dims[d];
                ai += (a_shape[d] == 1 ? 0 : c) * am;
                bi += (b_shape[d] == 1 ? 0 : c) * bm;
                am *= a_shape[d];
                bm *= b_shape[d];
            }
            want[i] = ref_op(op, a[ai], b[bi]);
        }
        ops[op](a, b, out, &bc);
        sprintf(label, "%s %s", op_names[op], name);
        mc_expect_close(label, out, want, n, 1e-6f);
        /* out may alias an operand that is not broadcast (same element count as the output) */
        if (a_n == n) {
            for (i = 0; i < n; ++i) {
                inplace[i] = a[i];
            }
            ops[op](inplace, b, inplace, &bc);
            sprintf(label, "%s %s in place on a", op_names[op], name);
            mc_expect_close(label, inplace, want, n, 1e-6f);
        }
        if (b_n == n) {
            for (i = 0; i < n; ++i) {
                inplace[i] = b[i];
            }
            ops[op](a, inplace, inplace, &bc);
            sprintf(label, "%s %s in place on b", op_names[op], name);
            mc_expect_close(label, inplace, want, n, 1e-6f);
        }
    }
}

static void test_binary(void) {
    {
        static const int32_t a[1] = {37}, b[1] = {37};
        bcast_case("same shape (rank 1)", 1, a, b, 3001u);
    }
    {
        static const int32_t a[1] = {1}, b[1] = {29};
        bcast_case("scalar op vector", 1, a, b, 3002u);
        bcast_case("vector op scalar", 1, b, a, 3003u);
    }
    {
        static const int32_t a[4] = {2, 3, 4, 5}, b[4] = {1, 3, 1, 1};
        bcast_case("[2,3,4,5] op [1,3,1,1]", 4, a, b, 3004u);
        bcast_case("[1,3,1,1] op [2,3,4,5]", 4, b, a, 3005u);
    }
    {
        /* the same per-channel add as the compiler sends it: axes merged to [2, 3, 20] */
        static const int32_t a[3] = {2, 3, 20}, b[3] = {1, 3, 1};
        bcast_case("merged per-channel [2,3,20] op [1,3,1]", 3, a, b, 3006u);
    }
    {
        static const int32_t a[2] = {5, 6}, b[2] = {1, 6};
        bcast_case("[N,C] op [C]", 2, a, b, 3007u);
    }
    {
        static const int32_t a[2] = {3, 1}, b[2] = {1, 4};
        bcast_case("[3,1] op [1,4] (both broadcast)", 2, a, b, 3008u);
    }
    {
        static const int32_t a[3] = {2, 1, 7}, b[3] = {1, 3, 1};
        bcast_case("[2,1,7] op [1,3,1]", 3, a, b, 3009u);
    }
    {
        static const int32_t a[6] = {2, 1, 2, 3, 1, 2}, b[6] = {1, 2, 2, 1, 2, 2};
        bcast_case("rank 6", 6, a, b, 3010u);
    }
    {
        /* hand-worked: [2,1] - [1,3] */
        static const float a[2] = {10, 20};
        static const float b[3] = {1, 2, 3};
        static const float want[6] = {9, 8, 7, 19, 18, 17};
        mc_bcast bc = {2, {2, 3}, {1, 0}, {0, 1}};
        float out[6];
        mc_sub_f32(a, b, out, &bc);
        mc_expect_equal("sub hand-worked [2,1] - [1,3]", out, want, 6);
    }
}

void test_elementwise(void) {
    test_activations();
    test_softmax();
    test_bias_add();
    test_batchnorm();
    test_copy();
    test_binary();
}
