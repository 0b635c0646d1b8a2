/* Conv2D against a deliberately naive oracle: seven plain loops with a bounds test per tap, on
 * LCG-random data, over shapes chosen to reach every path of the optimised kernels (border and
 * interior columns, the specialised k_w/stride interiors with every block width, the generic
 * interior, depthwise, groups, 1x1). The general kernel runs every shape, the depthwise and
 * pointwise kernels the shapes they accept. Plus hand-worked cases that check the oracle. */
#include "mc_conv2d.h"
#include "mc_matmul.h"
#include "mc_pool2d.h"
#include "mc_test.h"

#include <string.h>

#define CONV_BUF 20000

typedef struct {
    const char *name;
    int32_t batch, in_c, in_h, in_w, out_c, k_h, k_w;
    int32_t stride_h, stride_w, dilation_h, dilation_w;
    int32_t pad_top, pad_left, pad_bottom, pad_right;
    int32_t groups;
    mc_act act;
    int with_bias;
} conv_spec;

static float in_buf[CONV_BUF];
static float w_buf[CONV_BUF];
static float bias_buf[256];
static float out_buf[CONV_BUF];
static float ref_buf[CONV_BUF];

static float ref_act(float v, mc_act act) {
    if (act == MC_ACT_RELU || act == MC_ACT_RELU6) {
        if (v < 0.0f) {
            v = 0.0f;
        }
        if (act == MC_ACT_RELU6 && v > 6.0f) {
            v = 6.0f;
        }
    }
    return v;
}

static void ref_conv(const float *in, const float *w, const float *bias, float *out,
                     const mc_conv2d_params *p) {
    const int32_t icg = p->in_c / p->groups;
    const int32_t ocg = p->out_c / p->groups;
    int32_t b, oc, oh, ow, ic, kh, kw;
    for (b = 0; b < p->batch; ++b) {
        for (oc = 0; oc < p->out_c; ++oc) {
            const int32_t g = oc / ocg;
            for (oh = 0; oh < p->out_h; ++oh) {
                for (ow = 0; ow < p->out_w; ++ow) {
                    float acc = 0.0f;
                    for (ic = 0; ic < icg; ++ic) {
                        for (kh = 0; kh < p->k_h; ++kh) {
                            for (kw = 0; kw < p->k_w; ++kw) {
                                const int32_t ih = oh * p->stride_h - p->pad_top + kh * p->dilation_h;
                                const int32_t iw = ow * p->stride_w - p->pad_left + kw * p->dilation_w;
                                if (ih < 0 || ih >= p->in_h || iw < 0 || iw >= p->in_w) {
                                    continue;   /* zero padding */
                                }
                                acc += in[((b * p->in_c + g * icg + ic) * p->in_h + ih) * p->in_w + iw]
                                       * w[((oc * icg + ic) * p->k_h + kh) * p->k_w + kw];
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    out[((b * p->out_c + oc) * p->out_h + oh) * p->out_w + ow] = ref_act(acc, p->act);
                }
            }
        }
    }
}

static mc_conv2d_params params_of(const conv_spec *s) {
    mc_conv2d_params p;
    p.batch = s->batch;
    p.in_c = s->in_c;
    p.in_h = s->in_h;
    p.in_w = s->in_w;
    p.out_c = s->out_c;
    p.k_h = s->k_h;
    p.k_w = s->k_w;
    p.stride_h = s->stride_h;
    p.stride_w = s->stride_w;
    p.dilation_h = s->dilation_h;
    p.dilation_w = s->dilation_w;
    p.pad_top = s->pad_top;
    p.pad_left = s->pad_left;
    p.groups = s->groups;
    p.act = s->act;
    p.out_h = (s->in_h + s->pad_top + s->pad_bottom - s->dilation_h * (s->k_h - 1) - 1) / s->stride_h + 1;
    p.out_w = (s->in_w + s->pad_left + s->pad_right - s->dilation_w * (s->k_w - 1) - 1) / s->stride_w + 1;
    return p;
}

typedef void (*conv_kernel)(const float *in, const float *weight, const float *bias, float *out,
                            const mc_conv2d_params *p);

/* The shapes each specialised entry point accepts (mc_conv2d.h). */
static int is_depthwise(const mc_conv2d_params *p) {
    return p->groups == p->in_c;
}

static int is_pointwise(const mc_conv2d_params *p) {
    return p->groups == 1 && p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1
           && p->pad_top == 0 && p->pad_left == 0 && p->out_h == p->in_h && p->out_w == p->in_w;
}

/* 1x1, stride_w 2, no padding, groups 1 (and the output no wider than the stride allows). */
static int is_pointwise_s2(const mc_conv2d_params *p) {
    return p->groups == 1 && p->k_h == 1 && p->k_w == 1 && p->stride_w == 2 && p->pad_top == 0
           && p->pad_left == 0 && (p->out_h - 1) * p->stride_h < p->in_h
           && (p->out_w - 1) * 2 < p->in_w;
}

/* Depthwise 3x3, stride s along both axes, dilation 1, padding at most 1 on every side, input at
 * least 2 x 2 (mc_conv2d_depthwise_3x3s1_f32 / _3x3s2_f32). */
static int is_depthwise_3x3(const mc_conv2d_params *p, int32_t s) {
    return is_depthwise(p) && p->k_h == 3 && p->k_w == 3 && p->stride_h == s && p->stride_w == s
           && p->dilation_h == 1 && p->dilation_w == 1 && p->pad_top >= 0 && p->pad_top <= 1
           && p->pad_left >= 0 && p->pad_left <= 1 && p->in_h >= 2 && p->in_w >= 2
           && (p->out_h - 1) * s - p->pad_top + 3 <= p->in_h + 1
           && (p->out_w - 1) * s - p->pad_left + 3 <= p->in_w + 1;
}

/* "<spec name> [<kernel name>]", for the check's report. */
static const char *check_name(const conv_spec *s, const char *kernel_name) {
    static char name[128];
    size_t n = strlen(s->name);
    size_t k = strlen(kernel_name);
    if (n + k + 4 > sizeof name) {
        return s->name;
    }
    memcpy(name, s->name, n);
    name[n] = ' ';
    name[n + 1] = '[';
    memcpy(name + n + 2, kernel_name, k);
    name[n + k + 2] = ']';
    name[n + k + 3] = '\0';
    return name;
}

/* Runs one spec through one kernel on fresh random data; returns the number of outputs (left in
 * out_buf). */
static int32_t run_kernel(const conv_spec *s, uint32_t seed, conv_kernel kernel,
                          const char *kernel_name) {
    const mc_conv2d_params p = params_of(s);
    const int32_t n_in = p.batch * p.in_c * p.in_h * p.in_w;
    const int32_t n_w = p.out_c * (p.in_c / p.groups) * p.k_h * p.k_w;
    const int32_t n_out = p.batch * p.out_c * p.out_h * p.out_w;
    const float *bias = s->with_bias ? bias_buf : NULL;
    int32_t i;
    if (n_in > CONV_BUF || n_w > CONV_BUF || n_out > CONV_BUF || p.out_c > 256 || n_out <= 0) {
        mc_expect_true("conv test buffers large enough", 0);
        return 0;
    }
    mc_rand_seed(seed);
    mc_rand_fill(in_buf, n_in, -1.0f, 1.0f);
    mc_rand_fill(w_buf, n_w, -1.0f, 1.0f);
    mc_rand_fill(bias_buf, p.out_c, -1.0f, 1.0f);
    for (i = 0; i < n_out; ++i) {
        out_buf[i] = 12345.0f;   /* any output left unwritten shows up */
    }
    ref_conv(in_buf, w_buf, bias, ref_buf, &p);
    kernel(in_buf, w_buf, bias, out_buf, &p);
    mc_expect_close(check_name(s, kernel_name), out_buf, ref_buf, n_out, 1e-5f);
    return n_out;
}

/* The entry points with a fixed kernel width and stride along w (dilation_w 1). */
typedef struct {
    const char *name;
    int32_t depthwise, k_w, stride_w;
    conv_kernel kernel;
} fixed_width_kernel;

static const fixed_width_kernel fixed_width[] = {
    {"k5s1", 0, 5, 1, mc_conv2d_k5s1_f32},
    {"k3s1", 0, 3, 1, mc_conv2d_k3s1_f32},
    {"k3s2", 0, 3, 2, mc_conv2d_k3s2_f32},
    {"k4s2", 0, 4, 2, mc_conv2d_k4s2_f32},
    {"depthwise k5s1", 1, 5, 1, mc_conv2d_depthwise_k5s1_f32},
    {"depthwise k3s1", 1, 3, 1, mc_conv2d_depthwise_k3s1_f32},
    {"depthwise k3s2", 1, 3, 2, mc_conv2d_depthwise_k3s2_f32},
};

/* The compact kernel (`--optimize size`) on every spec: against the oracle, and bit for bit
 * against the general kernel (the same summation order, so the modes give the same outputs). */
static void compact_vs_general(const conv_spec *s, uint32_t seed) {
    static float general[CONV_BUF];
    int32_t i, n;
    n = run_kernel(s, seed, mc_conv2d_general_f32, "general");
    for (i = 0; i < n; ++i) {
        general[i] = out_buf[i];
    }
    run_kernel(s, seed, mc_conv2d_compact_f32, "compact");
    mc_expect_equal(check_name(s, "compact == general"), out_buf, general, n);
}

/* w_buf's [out_c][taps] weights in mc_conv2d_blocked_f32's order (mc_conv2d.h), written from the
 * layout's description: blocks of MC_BLOCK_LANES channels, tap-major, then zeros up to a full last block. */
static float blocked_w[CONV_BUF + MC_BLOCK_LANES];

static void block_weights(const float *w, int32_t out_c, int32_t taps) {
    const int32_t last = out_c % MC_BLOCK_LANES == 0 ? MC_BLOCK_LANES : out_c % MC_BLOCK_LANES;
    const int32_t total = out_c * taps + MC_BLOCK_LANES - last;
    int32_t oc, t, j, i = 0;
    for (oc = 0; oc < out_c; oc += MC_BLOCK_LANES) {
        const int32_t lanes = out_c - oc < MC_BLOCK_LANES ? out_c - oc : MC_BLOCK_LANES;
        for (t = 0; t < taps; ++t) {
            for (j = 0; j < lanes; ++j) {
                blocked_w[i++] = w[(oc + j) * taps + t];
            }
        }
    }
    while (i < total) {
        blocked_w[i++] = 0.0f;
    }
}

/* The blocked compact kernel (`--optimize size`) on a spec it covers (groups 1, dilation 1, batch 1),
 * bit for bit against the general kernel, and with a fused pool of 2 and 3 against the general kernel
 * followed by the max pool: the outputs of `--optimize size` and `speed` must be the same. */
static void blocked_vs_general(const conv_spec *s, uint32_t seed) {
    static float general[CONV_BUF], pooled[CONV_BUF], blocked[CONV_BUF];
    const mc_conv2d_params p = params_of(s);
    mc_conv2d_blocked_params b;
    int32_t i, n, pool;
    if (p.groups != 1 || p.dilation_h != 1 || p.dilation_w != 1 || p.batch != 1) {
        return;
    }
    n = run_kernel(s, seed, mc_conv2d_general_f32, "general");
    for (i = 0; i < n; ++i) {
        general[i] = out_buf[i];
    }
    block_weights(w_buf, p.out_c, p.in_c * p.k_h * p.k_w);
    b.in_c = (int16_t)p.in_c;
    b.in_h = (int16_t)p.in_h;
    b.in_w = (int16_t)p.in_w;
    b.out_c = (int16_t)p.out_c;
    b.k_h = (int16_t)p.k_h;
    b.k_w = (int16_t)p.k_w;
    b.stride_h = (int16_t)p.stride_h;
    b.stride_w = (int16_t)p.stride_w;
    b.pad_top = (int16_t)p.pad_top;
    b.pad_left = (int16_t)p.pad_left;
    b.act = (uint8_t)p.act;
    b.bias_last = 0;
    for (pool = 1; pool <= 3; ++pool) {
        const mc_pool2d_params mp = {1, p.out_c, p.out_h, p.out_w, p.out_h / pool, p.out_w / pool,
                                     pool, pool, pool, pool, 0, 0, 0};
        const int32_t m = p.out_c * mp.out_h * mp.out_w;
        if (m == 0) {
            continue;
        }
        b.out_h = (int16_t)(mp.out_h * pool);
        b.out_w = (int16_t)(mp.out_w * pool);
        b.pool = (int16_t)pool;
        for (i = 0; i < m; ++i) {
            blocked[i] = 12345.0f;
        }
        mc_conv2d_blocked_f32(in_buf, blocked_w, s->with_bias ? bias_buf : NULL, blocked, &b);
        if (pool == 1) {
            mc_expect_equal(check_name(s, "blocked == general"), blocked, general, n);
        } else {
            mc_maxpool2d_compact_f32(general, pooled, &mp);
            mc_expect_equal(check_name(s, pool == 2 ? "blocked + pool 2 == general, max pool"
                                                     : "blocked + pool 3 == general, max pool"), blocked, pooled, m);
        }
    }
}

/* Dense layers on the blocked kernel (a 1 x k image, a 1 x k kernel, the bias last): bit for bit
 * mc_matmul_dense_f32, for widths that leave every size of last block, with and without bias, for
 * each activation. */
static void blocked_dense(void) {
    static const int32_t widths[] = {1, 2, 7, 8, 9, 10, 15, 16, 17, 84, 120};
    static float want[256], got[256];
    int32_t i, a;
    for (i = 0; i < (int32_t)(sizeof widths / sizeof widths[0]); ++i) {
        const int32_t n = widths[i], k = 37 + i;
        for (a = 0; a < 3; ++a) {
            const mc_act act = a == 0 ? MC_ACT_NONE : a == 1 ? MC_ACT_RELU : MC_ACT_RELU6;
            const float *bias = a == 1 ? NULL : bias_buf;
            const mc_conv2d_blocked_params b = {1, 1, (int16_t)k, (int16_t)n, 1, 1, 1, (int16_t)k, 1, 1, 0, 0, 1,
                                                (uint8_t)act, 1};
            mc_rand_seed(500u + (uint32_t)(i * 3 + a));
            mc_rand_fill(in_buf, k, -3.0f, 3.0f);
            mc_rand_fill(w_buf, n * k, -3.0f, 3.0f);
            mc_rand_fill(bias_buf, n, -3.0f, 3.0f);
            mc_matmul_dense_f32(in_buf, w_buf, bias, want, 1, k, n, act);
            block_weights(w_buf, n, k);
            mc_conv2d_blocked_f32(in_buf, blocked_w, bias, got, &b);
            mc_expect_equal("blocked dense == mc_matmul_dense_f32", got, want, n);
        }
    }
}

/* The general kernel on every spec, and each specialised kernel on the specs it accepts. */
static void run_case(const conv_spec *s, uint32_t seed) {
    const mc_conv2d_params p = params_of(s);
    int32_t i;
    if (is_depthwise(&p)) {
        run_kernel(s, seed, mc_conv2d_depthwise_f32, "depthwise");
    }
    if (is_pointwise(&p)) {
        run_kernel(s, seed, mc_conv2d_pointwise_f32, "pointwise");
    }
    if (is_depthwise_3x3(&p, 1)) {
        run_kernel(s, seed, mc_conv2d_depthwise_3x3s1_f32, "depthwise 3x3s1");
    }
    if (is_depthwise_3x3(&p, 2)) {
        run_kernel(s, seed, mc_conv2d_depthwise_3x3s2_f32, "depthwise 3x3s2");
    }
    if (is_pointwise_s2(&p)) {
        run_kernel(s, seed, mc_conv2d_pointwise_s2_f32, "pointwise s2");
    }
    for (i = 0; i < (int32_t)(sizeof fixed_width / sizeof fixed_width[0]); ++i) {
        const fixed_width_kernel *f = &fixed_width[i];
        if (p.dilation_w == 1 && p.k_w == f->k_w && p.stride_w == f->stride_w
            && (!f->depthwise || is_depthwise(&p))) {
            run_kernel(s, seed, f->kernel, f->name);
        }
    }
    compact_vs_general(s, seed);
    blocked_vs_general(s, seed);
}

static void hand_worked(void) {
    /* 3x3 input 1..9, 2x2 kernel [[1, 2], [3, 4]], stride 1, no padding:
     * out[0][0] = 1*1 + 2*2 + 4*3 + 5*4 = 37, then 47, 67, 77; bias 0.5 on top. */
    static const float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const float w[4] = {1, 2, 3, 4};
    static const float bias[1] = {0.5f};
    static const float want[4] = {37.5f, 47.5f, 67.5f, 77.5f};
    /* Same with padding 1 on every side, 3x3 kernel of ones, stride 2: sums of the 2x2 corners. */
    static const float ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    static const float want_pad[4] = {12, 16, 24, 28};
    float out[4];
    mc_conv2d_params p = {1, 1, 3, 3, 1, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 1, MC_ACT_NONE};
    mc_conv2d_general_f32(in, w, bias, out, &p);
    mc_expect_equal("conv hand-worked 2x2 kernel", out, want, 4);
    ref_conv(in, w, bias, out, &p);
    mc_expect_equal("conv oracle hand-worked 2x2 kernel", out, want, 4);

    p.k_h = 3;
    p.k_w = 3;
    p.stride_h = 2;
    p.stride_w = 2;
    p.pad_top = 1;
    p.pad_left = 1;
    mc_conv2d_general_f32(in, ones, NULL, out, &p);
    mc_expect_equal("conv hand-worked padding 1 stride 2", out, want_pad, 4);
    ref_conv(in, ones, NULL, out, &p);
    mc_expect_equal("conv oracle hand-worked padding 1 stride 2", out, want_pad, 4);

    /* Depthwise, 2 channels, 1x1 kernels [2], [-1], ReLU: the second channel is clamped to 0. */
    {
        static const float din[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        static const float dw[2] = {2, -1};
        static const float dwant[8] = {2, 4, 6, 8, 0, 0, 0, 0};
        float dout[8];
        mc_conv2d_params d = {1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 2, MC_ACT_RELU};
        mc_conv2d_depthwise_f32(din, dw, NULL, dout, &d);
        mc_expect_equal("conv hand-worked depthwise 1x1 relu", dout, dwant, 8);
    }
}

static const conv_spec specs[] = {
    /* name                                  b  ic  h   w  oc kh kw sh sw dh dw pt pl pb pr  g  act          bias */
    {"conv lenet conv1 5x5 valid",            1, 1, 32, 32, 6, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, MC_ACT_RELU, 0},
    {"conv lenet conv2 5x5 valid",            1, 6, 14, 14, 16, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, MC_ACT_RELU, 1},
    {"conv 3x3 pad 1 every border",           1, 3, 9, 13, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, MC_ACT_NONE, 1},
    {"conv 5x5 asymmetric padding",           1, 2, 8, 11, 3, 5, 5, 1, 1, 1, 1, 2, 1, 0, 2, 1, MC_ACT_NONE, 1},
    {"conv 5x5 pad 2 widths 8+4+2+1",         1, 2, 6, 15, 2, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, MC_ACT_NONE, 1},
    {"conv 3x3 stride 2 pad 1",               1, 3, 11, 21, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, MC_ACT_RELU6, 1},
    {"conv 3x3 stride 2 same-style pad",      2, 2, 10, 10, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, MC_ACT_NONE, 1},
    {"conv 3x3 dilation 2 pad 2",             1, 3, 10, 12, 4, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, MC_ACT_NONE, 1},
    {"conv 3x3 dilation 2 stride 2",          1, 2, 13, 13, 2, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, MC_ACT_RELU, 0},
    {"conv dilation 2 in h only",             1, 2, 12, 9, 3, 3, 3, 1, 1, 2, 1, 2, 1, 2, 1, 1, MC_ACT_NONE, 1},
    {"conv groups 2",                         1, 4, 8, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, MC_ACT_NONE, 1},
    {"conv groups 2 stride 2 5x5",            2, 6, 9, 12, 4, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 2, MC_ACT_RELU, 1},
    {"conv depthwise 3x3 pad 1",              1, 8, 10, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, MC_ACT_RELU6, 1},
    {"conv depthwise 3x3 stride 2",           2, 5, 11, 14, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 5, MC_ACT_NONE, 1},
    {"conv depthwise 5x5 dilation 2",         1, 3, 12, 12, 3, 5, 5, 1, 1, 2, 2, 4, 4, 4, 4, 3, MC_ACT_NONE, 0},
    {"conv depthwise multiplier 2",           1, 3, 7, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, MC_ACT_NONE, 1},
    {"conv 7x7 stride 2 pad 3 (generic)",     1, 3, 16, 17, 4, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1, MC_ACT_RELU, 1},
    {"conv 1x3 and stride 3",                 1, 2, 7, 20, 3, 1, 3, 3, 3, 1, 1, 0, 1, 0, 1, 1, MC_ACT_NONE, 1},
    {"conv 3x1 kernel",                       1, 2, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, MC_ACT_NONE, 1},
    {"conv 5x5 on input narrower than kernel",1, 2, 6, 3, 2, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, MC_ACT_NONE, 1},
    {"conv padding wider than kernel",        1, 1, 4, 4, 2, 2, 2, 1, 1, 1, 1, 3, 3, 3, 3, 1, MC_ACT_NONE, 1},
    {"conv 1x1 stride 2 (general path)",      1, 4, 9, 9, 5, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, MC_ACT_NONE, 1},
    {"conv 1x1 stride 3x2 19 columns",        2, 3, 7, 37, 5, 1, 1, 3, 2, 1, 1, 0, 0, 0, 0, 1, MC_ACT_RELU, 1},
    {"conv 1x1 stride 1x2 13 columns, 1 ch",  1, 4, 3, 26, 1, 1, 1, 1, 2, 1, 1, 0, 0, 0, 0, 1, MC_ACT_RELU6, 0},
    {"conv 10x4 stride 2 pad 4x1 (DS-CNN)",   1, 1, 21, 10, 6, 10, 4, 2, 2, 1, 1, 4, 1, 5, 1, 1, MC_ACT_RELU, 1},
    {"conv 3x4 stride 1x2 groups 2 wide",     1, 4, 5, 37, 6, 3, 4, 1, 2, 1, 1, 1, 2, 1, 1, 2, MC_ACT_NONE, 1},
    {"conv 1x1 pad 1 (general path)",         1, 3, 5, 6, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, MC_ACT_NONE, 1},
    {"conv 4x4 stride 1 (generic interior)",  1, 2, 9, 19, 3, 4, 4, 1, 1, 1, 1, 1, 2, 2, 1, 1, MC_ACT_NONE, 1},
    {"conv 1x1 fast path 12 columns, 4 ch",   2, 5, 3, 4, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, MC_ACT_RELU6, 1},
    {"conv 1x1 fast path 1 output channel",   1, 3, 1, 7, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, MC_ACT_NONE, 0},
    {"conv depthwise 3x3 batch 3 no bias",    3, 4, 6, 17, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, MC_ACT_RELU, 0},
    {"conv 5x5 stride 2x1 dilation 2x1 pad",  1, 3, 13, 19, 2, 5, 5, 2, 1, 2, 1, 3, 2, 3, 1, 1, MC_ACT_RELU6, 1},
    {"conv 5x3 s1 dilation h 3 odd pad",      2, 2, 11, 23, 3, 5, 3, 1, 1, 3, 1, 4, 0, 2, 1, 1, MC_ACT_RELU, 1},
    {"conv 3x3 s2 groups 3 odd width",        1, 6, 9, 27, 3, 3, 3, 2, 2, 1, 1, 1, 1, 0, 1, 3, MC_ACT_RELU6, 0},
    {"conv depthwise 5x5 s1 pad 2 relu",      1, 3, 9, 21, 3, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 3, MC_ACT_RELU, 1},
    {"conv depthwise 3x3 s2 mult 2 relu6",    1, 2, 8, 19, 4, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2, MC_ACT_RELU6, 1},
    {"conv depthwise 3x3 stride 2x1",         1, 3, 10, 12, 3, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 3, MC_ACT_NONE, 1},
    /* the 3x3 depthwise kernels' row and column shapes: tiny planes, no padding, padding on one
     * side only, odd and even sizes with stride 2 (right border or not), widths 4k+1.. 4k+3 */
    {"conv depthwise 3x3 2x2 plane pad 1",    1, 3, 2, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, MC_ACT_RELU6, 1},
    {"conv depthwise 3x3 3x3 plane pad 1",    2, 4, 3, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, MC_ACT_NONE, 1},
    {"conv depthwise 3x3 s2 2x3 plane",       1, 2, 2, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2, MC_ACT_NONE, 1},
    {"conv depthwise 3x3 no pad 7x11",        1, 2, 7, 11, 2, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 2, MC_ACT_RELU, 1},
    {"conv depthwise 3x3 pad top-left only",  1, 2, 6, 10, 4, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 2, MC_ACT_NONE, 0},
    {"conv depthwise 3x3 pad bottom-right",   1, 3, 6, 9, 3, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 3, MC_ACT_RELU6, 1},
    {"conv depthwise 3x3 s2 odd 9x13",        1, 3, 9, 13, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 3, MC_ACT_RELU6, 1},
    {"conv depthwise 3x3 s2 even 10x22",      1, 2, 10, 22, 2, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0, 2, MC_ACT_NONE, 1},
    {"conv depthwise 3x3 s2 no pad 8x17",     2, 2, 8, 17, 4, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 2, MC_ACT_RELU, 1},
    {"conv depthwise 3x3 s1 width 14",        1, 2, 5, 14, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, MC_ACT_NONE, 1},
    {"conv depthwise 3x3 s1 width 15",        1, 2, 4, 15, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, MC_ACT_NONE, 1},
};

/* The pointwise kernel against the general one on the same data (both also against the oracle). */
static void pointwise_vs_general(void) {
    static float pointwise[CONV_BUF];
    const conv_spec s = {"conv 1x1", 2, 7, 5, 7, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, MC_ACT_RELU, 1};
    int32_t i, n;
    n = run_kernel(&s, 77u, mc_conv2d_pointwise_f32, "pointwise");
    for (i = 0; i < n; ++i) {
        pointwise[i] = out_buf[i];
    }
    run_kernel(&s, 77u, mc_conv2d_general_f32, "general");
    mc_expect_close("conv 1x1 pointwise == general", pointwise, out_buf, n, 1e-6f);
}

/* The fused activation (shared by every entry point) on the values where a bit test could differ
 * from mc_apply_act: NaNs of both signs, infinities, zeros, 6 and its neighbours, subnormals; a
 * 1x1 convolution with weight 1 passes them through. Bit for bit. */
static void activation_edges(void) {
    static const uint32_t bits[] = {
        0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0x7F800000u, 0xFF800000u, 0x80000000u,
        0x00000000u, 0x40C00000u, 0x40BFFFFFu, 0x40C00001u, 0x00000001u, 0x80000001u,
        0x3F800000u, 0xBF800000u, 0x7F7FFFFFu, 0xFF7FFFFFu,
    };
    enum { N = sizeof bits / sizeof bits[0] };
    const float one = 1.0f;
    float x[N], got[N], want[N];
    mc_conv2d_params p = {1, 1, 1, N, 1, 1, N, 1, 1, 1, 1, 1, 1, 0, 0, 1, MC_ACT_RELU};
    int a, i;
    union {
        uint32_t u;
        float f;
    } v;
    for (i = 0; i < N; ++i) {
        v.u = bits[i];
        x[i] = v.f;
    }
    for (a = 0; a < 2; ++a) {
        p.act = a == 0 ? MC_ACT_RELU : MC_ACT_RELU6;
        mc_conv2d_pointwise_f32(x, &one, NULL, got, &p);
        for (i = 0; i < N; ++i) {
            want[i] = mc_apply_act(0.0f + x[i] * one, p.act);
        }
        mc_expect_true(a == 0 ? "conv relu edge values bit for bit as mc_apply_act"
                              : "conv relu6 edge values bit for bit as mc_apply_act",
                       memcmp(got, want, sizeof got) == 0);
    }
}

void test_conv2d(void) {
    activation_edges();
    int32_t i;
    hand_worked();
    for (i = 0; i < (int32_t)(sizeof specs / sizeof specs[0]); ++i) {
        run_case(&specs[i], 1000u + (uint32_t)i);
    }
    pointwise_vs_general();
    blocked_dense();
}
