/* The integer (and NHWC float) elementwise and pooling kernels: hand-worked values at the edges
 * (rounding ties, saturation, padding counts, broadcasting, both roundings) and naive oracles that
 * test every window cell for bounds. The LiteRT reference vectors are checked from Java
 * (codegen-core LiteRtElementwiseVectorsTest), which compiles these same C kernels. */
#include "mc_pool2d_nhwc.h"
#include "mc_qactivation.h"
#include "mc_qbinary.h"
#include "mc_qreduce.h"
#include "mc_quantize.h"
#include "mc_pad.h"
#include "mc_transpose.h"
#include "mc_strided_slice.h"
#include "mc_concat.h"
#include "mc_test.h"

#include <math.h>
#include <string.h>
#include <stdio.h>

#define WIDEN(dst, src, n)                                                                     \
    do {                                                                                       \
        int32_t w_;                                                                            \
        for (w_ = 0; w_ < (n); ++w_) {                                                         \
            (dst)[w_] = (int32_t)(src)[w_];                                                    \
        }                                                                                      \
    } while (0)

/* ---- pooling ---------------------------------------------------------------------------- */

/* round half away from zero of sum / n, computed in double (an oracle independent of the kernel) */
static int32_t oracle_average(int32_t sum, int32_t n) {
    const double q = (double)sum / (double)n;
    return (int32_t)(q < 0 ? -floor(-q + 0.5) : floor(q + 0.5));
}

static void pool_oracle(const int32_t *in, int32_t *out, const mc_qpool2d_params *p, int is_max, int32_t lowest) {
    int32_t b, oh, ow, c, kh, kw;
    for (b = 0; b < p->batch; ++b)
        for (oh = 0; oh < p->out_h; ++oh)
            for (ow = 0; ow < p->out_w; ++ow)
                for (c = 0; c < p->channels; ++c) {
                    int32_t acc = is_max ? lowest : 0, n = 0;
                    for (kh = 0; kh < p->k_h; ++kh)
                        for (kw = 0; kw < p->k_w; ++kw) {
                            const int32_t ih = oh * p->stride_h - p->pad_top + kh;
                            const int32_t iw = ow * p->stride_w - p->pad_left + kw;
                            int32_t v;
                            if (ih < 0 || ih >= p->in_h || iw < 0 || iw >= p->in_w) {
                                continue;
                            }
                            v = in[((b * p->in_h + ih) * p->in_w + iw) * p->channels + c];
                            acc = is_max ? (v > acc ? v : acc) : acc + v;
                            ++n;
                        }
                    if (!is_max) {
                        acc = n ? oracle_average(acc, n) : 0;
                    }
                    acc = acc < p->act_min ? p->act_min : (acc > p->act_max ? p->act_max : acc);
                    *out++ = acc;
                }
}

#define QBUF 4096
static int8_t s8_a[QBUF], s8_b[QBUF];
static int16_t s16_a[QBUF], s16_b[QBUF];
static int32_t i32_a[QBUF], i32_b[QBUF], i32_c[QBUF];

static void pool_case(const char *name, int32_t batch, int32_t h, int32_t w, int32_t c, int32_t k_h, int32_t k_w,
                      int32_t s_h, int32_t s_w, int32_t pt, int32_t pl, int32_t pb, int32_t pr, int32_t act_min,
                      int32_t act_max, uint32_t seed) {
    mc_qpool2d_params p;
    int32_t n_in, n_out, i, is_max, wide;
    p.batch = batch; p.in_h = h; p.in_w = w; p.channels = c; p.k_h = k_h; p.k_w = k_w;
    p.stride_h = s_h; p.stride_w = s_w; p.pad_top = pt; p.pad_left = pl;
    p.out_h = (h + pt + pb - k_h) / s_h + 1;
    p.out_w = (w + pl + pr - k_w) / s_w + 1;
    n_in = batch * h * w * c;
    n_out = batch * p.out_h * p.out_w * c;
    mc_rand_seed(seed);
    for (wide = 0; wide <= 1; ++wide) {
        for (i = 0; i < n_in; ++i) {
            /* all values negative in half the cases: zero padding must never win a max */
            const float r = mc_rand_float(seed & 1 ? -1.0f : -0.01f, seed & 1 ? 0.0f : 1.0f);
            s8_a[i] = (int8_t)floorf(r * 127.0f);
            s16_a[i] = (int16_t)floorf(r * 32767.0f);
        }
        for (is_max = 0; is_max <= 1; ++is_max) {
            p.act_min = wide ? (act_min < -128 ? -32768 : act_min) : (act_min < -128 ? -128 : act_min);
            p.act_max = wide ? (act_max > 127 ? 32767 : act_max) : (act_max > 127 ? 127 : act_max);
            if (wide) {
                WIDEN(i32_a, s16_a, n_in);
                pool_oracle(i32_a, i32_b, &p, is_max, -32768);
                (is_max ? mc_maxpool2d_nhwc_s16 : mc_avgpool2d_nhwc_s16)(s16_a, s16_b, &p);
                WIDEN(i32_c, s16_b, n_out);
            } else {
                WIDEN(i32_a, s8_a, n_in);
                pool_oracle(i32_a, i32_b, &p, is_max, -128);
                (is_max ? mc_maxpool2d_nhwc_s8 : mc_avgpool2d_nhwc_s8)(s8_a, s8_b, &p);
                WIDEN(i32_c, s8_b, n_out);
            }
            mc_expect_equal_i32(name, i32_c, i32_b, n_out);
        }
    }
}

static void pool_hand_worked(void) {
    /* 1x1x2 input, one channel, 1x2 window: the sum +-3 over 2 cells is +-1.5, which rounds away
     * from zero to +-2; +-1 over 2 is +-0.5 -> +-1. 3x3 input, 3x3 window, stride 1, padding 1: the
     * corner sees 4 cells, the edge 6, the centre 9. */
    static const int8_t ties_in[8] = {1, 2, -1, -2, 0, 1, 0, -1};
    static const int32_t ties_want[4] = {2, -2, 1, -1};
    static const int8_t grid[9] = {1, 2, 3, 4, 5, 6, 7, 8, 10};
    /* (1+2+4+5)/4 = 3, (1+2+3+4+5+6)/6 = 3.5 -> 4, (2+3+5+6)/4 = 4, (1+..+8+10)/9 = 46/9 = 5.11 -> 5 */
    static const int32_t grid_want[9] = {3, 4, 4, 5, 5, 6, 6, 7, 7};
    int8_t out[9];
    int32_t got[9];
    mc_qpool2d_params p = {4, 1, 2, 1, 1, 1, 1, 2, 1, 1, 0, 0, -128, 127};
    mc_avgpool2d_nhwc_s8(ties_in, out, &p);
    WIDEN(got, out, 4);
    mc_expect_equal_i32("avgpool s8 ties round away from zero", got, ties_want, 4);
    {
        mc_qpool2d_params g = {1, 3, 3, 1, 3, 3, 3, 3, 1, 1, 1, 1, -128, 127};
        /* centre row: (1+2+3+4+5+6+7+8+10)/9 = 5.11 -> 5; (4+5+7+8)/4 = 6; (5+6+8+10)/4 = 7.25 -> 7;
         * (4+5+6+7+8+10)/6 = 6.67 -> 7; (2+3+5+6)/4=4; (1+2+4+5+7+8)/6 = 4.5 -> 5;
         * (2+3+5+6+8+10)/6 = 5.67 -> 6 */
        static const int32_t want[9] = {3, 4, 4, 5, 5, 6, 6, 7, 7};
        (void)grid_want;
        mc_avgpool2d_nhwc_s8(grid, out, &g);
        WIDEN(got, out, 9);
        mc_expect_equal_i32("avgpool s8 3x3 pad 1 counts only cells inside", got, want, 9);
        /* a fused ReLU6-like range clamps */
        g.act_min = 4;
        g.act_max = 6;
        {
            static const int32_t clamped[9] = {4, 4, 4, 5, 5, 6, 6, 6, 6};
            mc_avgpool2d_nhwc_s8(grid, out, &g);
            WIDEN(got, out, 9);
            mc_expect_equal_i32("avgpool s8 activation clamp", got, clamped, 9);
        }
    }
}

static void pool_f32_case(void) {
    /* NHWC float against a naive oracle summing in the same order: bit-equal */
    mc_pool2d_nhwc_params p = {2, 5, 6, 3, 3, 3, 3, 3, 2, 2, 1, 1, -3.0e38f, 3.0e38f};
    static float in[2 * 5 * 6 * 3], out[2 * 3 * 3 * 3], want[2 * 3 * 3 * 3];
    int32_t b, oh, ow, c, kh, kw, is_max;
    mc_rand_seed(77);
    mc_rand_fill(in, 2 * 5 * 6 * 3, -3.0f, -0.5f);
    for (is_max = 0; is_max <= 1; ++is_max) {
        float *o = want;
        for (b = 0; b < 2; ++b)
            for (oh = 0; oh < 3; ++oh)
                for (ow = 0; ow < 3; ++ow)
                    for (c = 0; c < 3; ++c) {
                        float acc = is_max ? -3.40282347e+38f : 0.0f;
                        int32_t n = 0;
                        for (kh = 0; kh < 3; ++kh)
                            for (kw = 0; kw < 3; ++kw) {
                                const int32_t ih = oh * 2 - 1 + kh, iw = ow * 2 - 1 + kw;
                                float v;
                                if (ih < 0 || ih >= 5 || iw < 0 || iw >= 6) continue;
                                v = in[((b * 5 + ih) * 6 + iw) * 3 + c];
                                acc = is_max ? (acc < v ? v : acc) : acc + v;
                                ++n;
                            }
                        *o++ = is_max ? acc : acc / (float)n;
                    }
        (is_max ? mc_maxpool2d_nhwc_f32 : mc_avgpool2d_nhwc_f32)(in, out, &p);
        mc_expect_equal(is_max ? "maxpool nhwc f32" : "avgpool nhwc f32", out, want, 2 * 3 * 3 * 3);
    }
    p.act_min = -1.0f;
    p.act_max = -0.75f;
    mc_maxpool2d_nhwc_f32(in, out, &p);
    {
        int32_t i, ok = 1;
        for (i = 0; i < 2 * 3 * 3 * 3; ++i) {
            ok &= out[i] >= -1.0f && out[i] <= -0.75f;
        }
        mc_expect_true("maxpool nhwc f32 activation clamp", ok);
    }
}

/* ---- requantizing elementwise ------------------------------------------------------------ */

static void rounding_matters(void) {
    /* 1 * 0.25 with multiplier 2^30 (0.5), shift -1: single rounding gives round(0.25) = 0; double
     * rounding first rounds 1 * 0.5 up to 1, then 1 / 2 rounds up to 1. */
    static const int16_t in[3] = {1, -32768, 32767};
    int32_t out[3];
    mc_requantize_params p = {0, 0, 1 << 30, -1, MC_ROUND_SINGLE};
    static const int32_t want_single[3] = {0, -8192, 8192};
    static const int32_t want_double[3] = {1, -8192, 8192};
    mc_quantize_s16_s32(in, out, 3, &p);
    mc_expect_equal_i32("requantize s16->s32 single rounding", out, want_single, 3);
    p.rounding = MC_ROUND_DOUBLE;
    mc_quantize_s16_s32(in, out, 3, &p);
    mc_expect_equal_i32("requantize s16->s32 double rounding", out, want_double, 3);
}

static void requantize_saturates(void) {
    /* scale ratio 2 (multiplier 2^30, shift 2), zero points -1 -> 5: (q + 1) * 2 + 5, saturated */
    static const int8_t in[5] = {-128, -1, 0, 60, 127};
    static const int32_t want8[5] = {-128, 5, 7, 127, 127};
    static const int32_t want16[5] = {-249, 5, 7, 127, 261};
    int8_t o8[5];
    int16_t o16[5];
    int32_t got[5];
    mc_requantize_params p = {-1, 5, 1 << 30, 2, MC_ROUND_SINGLE};
    mc_quantize_s8_s8(in, o8, 5, &p);
    WIDEN(got, o8, 5);
    mc_expect_equal_i32("requantize s8->s8 saturates", got, want8, 5);
    mc_quantize_s8_s16(in, o16, 5, &p);
    WIDEN(got, o16, 5);
    mc_expect_equal_i32("requantize s8->s16", got, want16, 5);
}

static void quantize_float(void) {
    /* scale 0.5, zero point -3: x / 0.5 rounds half away from zero (1.25 -> 2.5 -> 3, -1.25 -> -3) */
    static const float in[7] = {1.25f, -1.25f, 0.0f, 100.0f, -100.0f, 0.7499f, 1e30f};
    static const int32_t want8[7] = {0, -6, -3, 127, -128, -2, 127};
    static const int32_t want16[7] = {0, -6, -3, 197, -203, -2, 32767};
    int8_t o8[7];
    int16_t o16[7];
    int32_t got[7];
    float back[2];
    static const float want_back[2] = {1.5f, -1.5f};
    mc_affine_params p = {0.5f, -3, MC_ROUND_SINGLE};
    mc_quantize_f32_s8(in, o8, 7, &p);
    WIDEN(got, o8, 7);
    mc_expect_equal_i32("quantize f32->s8", got, want8, 7);
    mc_quantize_f32_s16(in, o16, 7, &p);
    WIDEN(got, o16, 7);
    mc_expect_equal_i32("quantize f32->s16", got, want16, 7);
    mc_dequantize_s8_f32(o8, back, 2, &p);
    mc_expect_equal("dequantize s8->f32", back, want_back, 2);
    {
        /* ONNX Runtime's QuantizeLinear: ties to even, NaN to the lowest value (QKernelsTest.quantizeAsOnnxRuntime) */
        static const float x[7] = {1.25f, 1.75f, -1.25f, 0.0f, 1000.0f, -1000.0f, 0.0f};
        static const int32_t want_ort[7] = {-1, 1, -5, -3, 127, -128, -128};
        float xs[7];
        mc_affine_params ort = {0.5f, -3, MC_ROUND_FLOAT};
        memcpy(xs, x, sizeof xs);
        xs[6] = nanf("");
        mc_quantize_f32_s8(xs, o8, 7, &ort);
        WIDEN(got, o8, 7);
        mc_expect_equal_i32("quantize f32->s8 onnxruntime", got, want_ort, 7);
    }
    {
        static const int16_t q[2] = {-32768, 32767};
        static const float want16f[2] = {-16382.5f, 16385.0f};
        mc_dequantize_s16_f32(q, back, 2, &p);
        mc_expect_equal("dequantize s16->f32", back, want16f, 2);
    }
}

static void add_sub_mul(void) {
    /* equal scales 0.5, zero points 0: twice max scale 1 -> input multipliers 2^30 (0.5), shift 0;
     * output 1 / (2^20 * 0.5) = 2^-19 -> multiplier 2^30, shift -18. Then a + b comes out exact. */
    mc_qadd_params ap = {{0, {0}, {0}, {0}}, 20, 0, 1 << 30, 0, 0, 1 << 30, 0, 0, 1 << 30, -18, -128, 127, MC_ROUND_SINGLE};
    /* b broadcast along the last axis of a 2x3 output: b has 2 elements, stride 0 within a row */
    mc_bcast bc = {2, {2, 3, 0, 0, 0, 0}, {3, 1, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}};
    static const int8_t a[6] = {10, -20, 100, 0, 127, -128};
    static const int8_t b[2] = {20, -100};
    static const int32_t want_add[6] = {30, 0, 120, -100, 27, -128};
    static const int32_t want_sub[6] = {-10, -40, 80, 100, 127, -28};
    int8_t o[6];
    int32_t got[6];
    int r;
    for (r = 0; r <= 1; ++r) {
        ap.rounding = (mc_rounding)r;
        ap.bc = bc;
        mc_add_s8(a, b, o, &ap);
        WIDEN(got, o, 6);
        mc_expect_equal_i32(r ? "add s8 broadcast (double rounding)" : "add s8 broadcast (single rounding)", got, want_add, 6);
        ap.bc = bc;
        mc_sub_s8(a, b, o, &ap);
        WIDEN(got, o, 6);
        mc_expect_equal_i32(r ? "sub s8 broadcast (double rounding)" : "sub s8 broadcast (single rounding)", got, want_sub, 6);
    }
    {
        /* int16: left shift 15, output 1 / (2^15 * 0.5) = 2^-14 -> shift -13; act range clamps */
        mc_qadd_params p16 = {{0, {0}, {0}, {0}}, 15, 0, 1 << 30, 0, 0, 1 << 30, 0, 0, 1 << 30, -13, -30000, 30000, MC_ROUND_DOUBLE};
        mc_bcast same = {1, {3, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}};
        static const int16_t x[3] = {20000, -32768, 5};
        static const int16_t y[3] = {20000, 32767, -7};
        static const int32_t want[3] = {30000, -1, -2};
        static const int32_t want_sub16[3] = {0, -30000, 12};
        int16_t o16[3];
        p16.bc = same;
        mc_add_s16(x, y, o16, &p16);
        WIDEN(got, o16, 3);
        mc_expect_equal_i32("add s16 saturates to the activation range", got, want, 3);
        p16.bc = same;
        mc_sub_s16(x, y, o16, &p16);
        WIDEN(got, o16, 3);
        mc_expect_equal_i32("sub s16", got, want_sub16, 3);
    }
    {
        /* mul: zero points 1 and -2, multiplier 2^30 shift 0 (0.5), output zero point 3:
         * (a - 1) * (b + 2) / 2 + 3; 5 * 3 / 2 = 7.5 rounds up to 8 (both roundings) */
        mc_qmul_params mp = {{0, {0}, {0}, {0}}, -1, 2, 3, 1 << 30, 0, -128, 127, MC_ROUND_SINGLE};
        mc_bcast same = {1, {4, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}};
        static const int8_t x[4] = {6, 127, -128, 1};
        static const int8_t y[4] = {1, 127, 127, -128};
        static const int32_t want[4] = {11, 127, -128, 3};
        int8_t o8[4];
        int16_t x16[2] = {301, -300}, y16[2] = {-2, 100}, o16[2];
        static const int32_t want16[2] = {3, -15348};   /* -301 * 102 / 2 + 3 */
        for (r = 0; r <= 1; ++r) {
            mp.rounding = (mc_rounding)r;
            mp.bc = same;
            mc_mul_s8(x, y, o8, &mp);
            WIDEN(got, o8, 4);
            mc_expect_equal_i32("mul s8", got, want, 4);
        }
        mp.act_min = -32768;
        mp.act_max = 32767;
        same.out_dims[0] = 2;
        mp.bc = same;
        mc_mul_s16(x16, y16, o16, &mp);
        WIDEN(got, o16, 2);
        mc_expect_equal_i32("mul s16", got, want16, 2);
    }
}

static void activations(void) {
    /* leaky relu: identity multiplier 2^30 shift 1 (1.0), alpha 2^30 shift -2 (0.125); zero points
     * 2 -> -1. q - 2 >= 0 passes through; negative: (q - 2) / 8 rounded, then -1 */
    mc_qleaky_relu_params lp = {2, -1, 1 << 30, 1, 1 << 30, -2, MC_ROUND_SINGLE};
    static const int8_t in[5] = {2, 127, -126, -2, 1};
    /* -128 / 8 = -16 -> -17; -4 / 8 = -0.5 -> 0 (single rounding rounds ties up) -> -1; -1/8 -> 0 -> -1 */
    static const int32_t want[5] = {-1, 124, -17, -1, -1};
    int8_t o[5];
    int32_t got[5];
    mc_leaky_relu_s8(in, o, 5, &lp);
    WIDEN(got, o, 5);
    mc_expect_equal_i32("leaky relu s8", got, want, 5);
    {
        static const int16_t in16[3] = {32767, -32768, 0};
        static const int32_t want16[3] = {32766, -4097, -1};
        int16_t o16[3];
        lp.in_zero_point = 0;
        mc_leaky_relu_s16(in16, o16, 3, &lp);
        WIDEN(got, o16, 3);
        mc_expect_equal_i32("leaky relu s16 saturates", got, want16, 3);
    }
    {
        /* relu6-like: same scale (identity), zero point -128 both, bounds [-128, -128 + 6/0.05 = -8] */
        mc_qrelu_params rp = {-128, -128, 1 << 30, 1, -128, -8, MC_ROUND_DOUBLE};
        static const int8_t x[4] = {-128, -100, -8, 127};
        static const int32_t want_r[4] = {-128, -100, -8, -8};
        mc_relu_s8(x, o, 4, &rp);
        WIDEN(got, o, 4);
        mc_expect_equal_i32("relu6 s8 clamps", got, want_r, 4);
    }
}

static void mean_hw(void) {
    /* 2x2 spatial, 2 channels, same scale (multiplier 2^30 shift 1), zero point 1 in and out:
     * channel 0 sums (3-1)+(4-1)+(5-1)+(-1-1) = 7 -> 7/4 = 1.75 -> 2 -> 3; channel 1 sums -6 -> -1.5 -> -2 -> -1 */
    static const int8_t in[8] = {3, 0, 4, -1, 5, -1, -1, 0};
    static const int32_t want[2] = {3, -1};
    int8_t o[2];
    int32_t got[2];
    mc_qmean_params p = {1, 2, 2, 2, 1, 1, 1 << 30, 1, 4, MC_ROUND_SINGLE};
    mc_mean_hw_s8(in, o, &p);
    WIDEN(got, o, 2);
    mc_expect_equal_i32("mean hw s8 divided after requantizing", got, want, 2);
    /* 1/4 folded into the multiplier (2^30, shift 1 - 2), divisor 1: 7/4 -> 2, -6/4 -> -1.5 -> -1
     * (single rounding rounds the tie up) */
    {
        static const int32_t want_folded[2] = {3, 0};
        mc_qmean_params f = {1, 2, 2, 2, 1, 1, 1 << 30, -1, 1, MC_ROUND_SINGLE};
        mc_mean_hw_s8(in, o, &f);
        WIDEN(got, o, 2);
        mc_expect_equal_i32("mean hw s8 folded multiplier", got, want_folded, 2);
    }
}

/* ---- data movement of 1 and 2-byte elements --------------------------------------------- */

static void movement(void) {
    static const int8_t x[6] = {1, 2, 3, 4, 5, 6};          /* 2x3 */
    static const int16_t y[6] = {-1, -2, -3, 300, 400, 500};
    int8_t o8[20];
    int16_t o16[20];
    int32_t got[20];
    {
        mc_pad_int_params p = {2, {2, 3}, {1, 0}, {0, 2}, -7};
        static const int32_t want[15] = {-7, -7, -7, -7, -7, 1, 2, 3, -7, -7, 4, 5, 6, -7, -7};
        mc_pad_s8(x, o8, &p);
        WIDEN(got, o8, 15);
        mc_expect_equal_i32("pad s8 with the zero point", got, want, 15);
        p.value = 0;
        mc_pad_s16(y, o16, &p);
        WIDEN(got, o16, 15);
        {
            static const int32_t want16[15] = {0, 0, 0, 0, 0, -1, -2, -3, 0, 0, 300, 400, 500, 0, 0};
            mc_expect_equal_i32("pad s16", got, want16, 15);
        }
    }
    {
        mc_transpose_params p = {2, {2, 3}, {1, 0}};
        static const int32_t want[6] = {1, 4, 2, 5, 3, 6};
        static const int32_t want16[6] = {-1, 300, -2, 400, -3, 500};
        mc_transpose_8bit(x, o8, &p);
        WIDEN(got, o8, 6);
        mc_expect_equal_i32("transpose 8bit", got, want, 6);
        mc_transpose_16bit(y, o16, &p);
        WIDEN(got, o16, 6);
        mc_expect_equal_i32("transpose 16bit", got, want16, 6);
    }
    {
        /* rows reversed, every second column: [[4, 6], [1, 3]] */
        mc_strided_slice_params p = {2, {2, 3}, {2, 2}, {1, 0}, {-1, 2}};
        static const int32_t want[4] = {4, 6, 1, 3};
        static const int32_t want16[4] = {300, 500, -1, -3};
        mc_strided_slice_8bit(x, o8, &p);
        WIDEN(got, o8, 4);
        mc_expect_equal_i32("strided slice 8bit", got, want, 4);
        mc_strided_slice_16bit(y, o16, &p);
        WIDEN(got, o16, 4);
        mc_expect_equal_i32("strided slice 16bit", got, want16, 4);
    }
    {
        /* [2][3] ++ [2][1] along the last axis */
        static const int8_t z[2] = {9, 8};
        static const int16_t z16[2] = {-9, -8};
        const int8_t *ins[2];
        const int16_t *ins16[2];
        static const int32_t chunks[2] = {3, 1};
        static const int32_t want[8] = {1, 2, 3, 9, 4, 5, 6, 8};
        static const int32_t want16[8] = {-1, -2, -3, -9, 300, 400, 500, -8};
        ins[0] = x;
        ins[1] = z;
        mc_concat_s8(ins, chunks, 2, o8, 2);
        WIDEN(got, o8, 8);
        mc_expect_equal_i32("concat s8", got, want, 8);
        ins16[0] = y;
        ins16[1] = z16;
        mc_concat_s16(ins16, chunks, 2, o16, 2);
        WIDEN(got, o16, 8);
        mc_expect_equal_i32("concat s16", got, want16, 8);
    }
}

void test_qkernels(void) {
    pool_hand_worked();
    /*        name                                 b  h  w  c kh kw sh sw pt pl pb pr  amin   amax  seed */
    pool_case("qpool 2x2 stride 2",                1, 6, 6, 3, 2, 2, 2, 2, 0, 0, 0, 0, -99999, 99999, 1);
    pool_case("qpool 3x3 stride 1 pad 1",          2, 5, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, -99999, 99999, 2);
    pool_case("qpool 3x3 stride 2 pad asymmetric", 1, 7, 6, 3, 3, 3, 2, 2, 0, 1, 2, 0, -99999, 99999, 3);
    pool_case("qpool global",                      2, 4, 5, 4, 4, 5, 1, 1, 0, 0, 0, 0, -99999, 99999, 4);
    pool_case("qpool 2x3 clamped",                 1, 5, 7, 2, 2, 3, 1, 2, 1, 1, 1, 1, -50, 40, 5);
    pool_f32_case();
    rounding_matters();
    requantize_saturates();
    quantize_float();
    add_sub_mul();
    activations();
    mean_hw();
    movement();
}
