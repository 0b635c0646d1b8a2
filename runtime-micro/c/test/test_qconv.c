/* The NHWC conv family (conv, depthwise, fully connected, transpose conv; int8, 16x8, float32):
 * hand-worked cases, then every case of the reference vectors written by tools/qkernel_vectors.py
 * (the same file QConvKernelsTest.java reads), which must match exactly: LiteRT's outputs with
 * single rounding (floats bit for bit too), TFLite Micro's (output_tflm) with double rounding. */
#include "mc_conv2d_nhwc.h"
#include "mc_fully_connected.h"
#include "mc_transpose_conv.h"
#include "mc_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HALF (1 << 30)

static mc_qconv2d_params qconv(int32_t in_h, int32_t in_w, int32_t in_c, int32_t out_h,
                               int32_t out_w, int32_t out_c, int32_t k_h, int32_t k_w) {
    mc_qconv2d_params p;
    memset(&p, 0, sizeof p);
    p.batch = 1;
    p.in_h = in_h; p.in_w = in_w; p.in_c = in_c;
    p.out_h = out_h; p.out_w = out_w; p.out_c = out_c;
    p.k_h = k_h; p.k_w = k_w;
    p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = p.depth_multiplier = 1;
    p.act_min = -128;
    p.act_max = 127;
    p.rounding = MC_ROUND_SINGLE;
    return p;
}

static void hand_conv_s8(void) {
    /* 3x3 image 1..9 with zero point -1 (so x + in_offset = value + 1), a 2x2 kernel of ones,
     * bottom/right padding (3x3 output), bias 4, times 0.5, output zero point -5, clamp at 12:
     * sums 20 24 15 / 32 36 21 / 21 23 14 -> halves 10 12 7.5 / 16 18 10.5 / 10.5 11.5 7 */
    static const int8_t in[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const int8_t w[4] = {1, 1, 1, 1};
    static const int32_t bias[1] = {4};
    static const int32_t mult[1] = {HALF};
    static const int8_t shift[1] = {0};
    static const int32_t want[9] = {5, 7, 3, 11, 12, 6, 6, 7, 2};
    int8_t out[9];
    int32_t got[9];
    int32_t r, i;
    mc_qconv2d_params p = qconv(3, 3, 1, 3, 3, 1, 2, 2);
    p.in_offset = 1;
    p.out_offset = -5;
    p.act_max = 12;
    p.out_mult = mult;
    p.out_shift = shift;
    for (r = 0; r < 2; ++r) {   /* no tie here differs between the roundings */
        p.rounding = (mc_rounding)r;
        mc_conv2d_nhwc_s8(in, w, bias, out, &p);
        for (i = 0; i < 9; ++i) {
            got[i] = out[i];
        }
        mc_expect_equal_i32("hand conv s8", got, want, 9);
    }
}

static void hand_depthwise_s8(void) {
    /* 1x2 image of 2 channels, 1x2 kernel, depth multiplier 2, per-channel shifts 0 -1 1 0:
     * oc0 = 1*1 + 3*5 = 16, oc1 = 1*2 + 3*6 = 20, oc2 = 2*3 + 4*7 = 34, oc3 = 2*4 + 4*8 = 40 */
    static const int8_t in[4] = {1, 2, 3, 4};
    static const int8_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const int32_t mult[4] = {HALF, HALF, HALF, HALF};
    static const int8_t shift[4] = {0, -1, 1, 0};
    static const int32_t want[4] = {8, 5, 34, 20};
    int8_t out[4];
    int32_t got[4];
    int32_t i;
    mc_qconv2d_params p = qconv(1, 2, 2, 1, 1, 4, 1, 2);
    p.depth_multiplier = 2;
    p.out_mult = mult;
    p.out_shift = shift;
    mc_depthwise_conv2d_nhwc_s8(in, w, NULL, out, &p);
    for (i = 0; i < 4; ++i) {
        got[i] = out[i];
    }
    mc_expect_equal_i32("hand depthwise s8 multiplier 2", got, want, 4);
}

static void hand_fully_connected_s8(void) {
    /* x + 1 = [2 3 4]; rows [1 0 -1] and [2 2 2] with bias 0 and -17: -2 and 1, times 0.5 -> -1
     * and 0.5 (a tie: 1 with either rounding), + zero point 3 */
    static const int8_t in[3] = {1, 2, 3};
    static const int8_t w[6] = {1, 0, -1, 2, 2, 2};
    static const int32_t bias[2] = {0, -17};
    static const int32_t mult[1] = {HALF};
    static const int32_t shift[1] = {0};   /* mc_qfc_params keeps int32 shifts */
    static const int32_t want[2] = {2, 4};
    int8_t out[2];
    int32_t got[2];
    mc_qfc_params p;
    memset(&p, 0, sizeof p);
    p.batches = 1; p.in_depth = 3; p.out_depth = 2;
    p.in_offset = 1; p.out_offset = 3; p.act_min = -128; p.act_max = 127;
    p.rounding = MC_ROUND_DOUBLE;
    p.out_mult = mult;
    p.out_shift = shift;
    mc_fully_connected_s8(in, w, bias, out, &p);
    got[0] = out[0];
    got[1] = out[1];
    mc_expect_equal_i32("hand fully connected s8", got, want, 2);
}

static void hand_transpose_conv(void) {
    /* 2x2 input 1 2 / 3 4, a 2x2 kernel of ones, stride 1: every input spreads over a 2x2 block */
    static const int8_t in[4] = {1, 2, 3, 4};
    static const int8_t w[4] = {1, 1, 1, 1};
    static const float in_f[4] = {1, 2, 3, 4};
    static const float w_f[4] = {1, 1, 1, 1};
    static const int32_t mult[1] = {HALF};
    static const int8_t shift[1] = {1};
    static const int32_t want[9] = {1, 3, 2, 4, 10, 6, 3, 7, 4};
    static const float want_f[9] = {1, 3, 2, 4, 6, 6, 3, 6, 4};
    /* stride 2: blocks that do not overlap */
    static const int32_t want_s2[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    int8_t out[16];
    float out_f[9];
    int32_t got[16];
    int32_t i;
    mc_qconv2d_params p = qconv(2, 2, 1, 3, 3, 1, 2, 2);
    mc_conv2d_nhwc_params f;
    p.out_mult = mult;
    p.out_shift = shift;
    mc_transpose_conv_nhwc_s8(in, w, NULL, out, &p);
    for (i = 0; i < 9; ++i) {
        got[i] = out[i];
    }
    mc_expect_equal_i32("hand transpose conv s8", got, want, 9);
    p.out_h = p.out_w = 4;
    p.stride_h = p.stride_w = 2;
    mc_transpose_conv_nhwc_s8(in, w, NULL, out, &p);
    for (i = 0; i < 16; ++i) {
        got[i] = out[i];
    }
    mc_expect_equal_i32("hand transpose conv s8 stride 2", got, want_s2, 16);
    memset(&f, 0, sizeof f);
    f.batch = 1; f.in_h = 2; f.in_w = 2; f.in_c = 1; f.out_h = 3; f.out_w = 3; f.out_c = 1;
    f.k_h = 2; f.k_w = 2; f.stride_h = f.stride_w = 1; f.act_min = -INFINITY; f.act_max = 6.0f;
    mc_transpose_conv_nhwc_f32(in_f, w_f, NULL, out_f, &f);
    mc_expect_equal("hand transpose conv f32, clamped at 6", out_f, want_f, 9);
}

/* ---- LiteRT reference vectors ---- */

#define QV_PATH "src/test/resources/qkernel_vectors.txt"
#define QV_KEYS 16
#define QV_MAX 8192

typedef struct {
    char key[16];
    int32_t n;
    int64_t v[QV_MAX];
} qv_array;

static qv_array qv[QV_KEYS];
static int32_t qv_count;

static const qv_array *qv_get(const char *key) {
    int32_t i;
    for (i = 0; i < qv_count; ++i) {
        if (strcmp(qv[i].key, key) == 0) {
            return &qv[i];
        }
    }
    return NULL;
}

/* values of key narrowed to int32 (float bits as their int32 pattern); NULL if absent or empty */
static int32_t qv_i32[QV_KEYS][QV_MAX];
static const int32_t *qv_ints(const char *key, int32_t slot) {
    const qv_array *a = qv_get(key);
    int32_t i;
    if (a == NULL || a->n == 0) {
        return NULL;
    }
    for (i = 0; i < a->n; ++i) {
        qv_i32[slot][i] = (int32_t)(uint32_t)(uint64_t)a->v[i];
    }
    return qv_i32[slot];
}

/* the kernels' per-channel shift table: the values of key as int8 (each in [-31, 30]) */
static int8_t qv_i8[QV_MAX];
static const int8_t *qv_shifts(const char *key, int32_t slot) {
    const int32_t *v = qv_ints(key, slot);
    int32_t i;
    for (i = 0; v != NULL && i < qv_get(key)->n; ++i) {
        qv_i8[i] = (int8_t)v[i];
    }
    return v == NULL ? NULL : qv_i8;
}

static int8_t b_in[QV_MAX], b_w[QV_MAX], b_out[QV_MAX];
static int16_t h_in[QV_MAX], h_out[QV_MAX];
static int64_t l_bias[QV_MAX];
static float f_in[QV_MAX], f_w[QV_MAX], f_bias[QV_MAX], f_out[QV_MAX];
static int32_t got[QV_MAX];

static float bits_to_float(int32_t bits) {
    float f;
    uint32_t u = (uint32_t)bits;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void fill_q(mc_qconv2d_params *p, const int32_t *g) {
    p->batch = g[0]; p->in_h = g[1]; p->in_w = g[2]; p->in_c = g[3];
    p->out_h = g[4]; p->out_w = g[5]; p->out_c = g[6]; p->k_h = g[7]; p->k_w = g[8];
    p->stride_h = g[9]; p->stride_w = g[10]; p->dilation_h = g[11]; p->dilation_w = g[12];
    p->pad_top = g[13]; p->pad_left = g[14]; p->depth_multiplier = g[15];
}

static void fill_f(mc_conv2d_nhwc_params *p, const int32_t *g) {
    p->batch = g[0]; p->in_h = g[1]; p->in_w = g[2]; p->in_c = g[3];
    p->out_h = g[4]; p->out_w = g[5]; p->out_c = g[6]; p->k_h = g[7]; p->k_w = g[8];
    p->stride_h = g[9]; p->stride_w = g[10]; p->dilation_h = g[11]; p->dilation_w = g[12];
    p->pad_top = g[13]; p->pad_left = g[14]; p->depth_multiplier = g[15];
}

/* Runs the case in qv; returns the number of outputs written to got. */
static int32_t run_case(const char *kind, mc_rounding rounding) {
    const int32_t *g = qv_ints("geom", 0);
    const int32_t *in = qv_ints("input", 1);
    const int32_t *w = qv_ints("weights", 2);
    const int32_t *bias = qv_ints("bias", 3);
    const qv_array *bias64 = qv_get("bias");
    const int32_t n_in = qv_get("input")->n;
    const int32_t n_w = qv_get("weights")->n;
    const int32_t n_out = qv_get("output")->n;
    const int is_s8 = strstr(kind, "_s8") != NULL;
    const int is_s16 = strstr(kind, "_s16") != NULL;
    int32_t i;
    for (i = 0; i < n_in; ++i) {
        b_in[i] = (int8_t)in[i];
        h_in[i] = (int16_t)in[i];
        f_in[i] = bits_to_float(in[i]);
    }
    for (i = 0; i < n_w; ++i) {
        b_w[i] = (int8_t)w[i];
        f_w[i] = bits_to_float(w[i]);
    }
    if (bias != NULL) {
        for (i = 0; i < bias64->n; ++i) {
            l_bias[i] = bias64->v[i];
            f_bias[i] = bits_to_float(bias[i]);
        }
    }
    if (is_s8 || is_s16) {
        const int32_t *act = qv_ints("act", 4);
        const int32_t *mult = qv_ints("mult", 5);
        const int8_t *shift = qv_shifts("shift", 6);
        const int32_t in_zp = qv_ints("in_zp", 7)[0];
        const int32_t out_zp = qv_ints("out_zp", 8)[0];
        if (strncmp(kind, "fc", 2) == 0) {
            mc_qfc_params p;
            p.batches = g[0]; p.in_depth = g[1]; p.out_depth = g[2];
            p.in_offset = -in_zp; p.out_offset = out_zp;
            p.act_min = act[0]; p.act_max = act[1];
            p.rounding = rounding;
            p.per_channel = qv_ints("per_channel", 9)[0];
            p.out_mult = mult; p.out_shift = qv_ints("shift", 6);   /* int32: see mc_qfc_params */
            if (is_s8) {
                mc_fully_connected_s8(b_in, b_w, bias, b_out, &p);
            } else {
                mc_fully_connected_s16(h_in, b_w, bias != NULL ? l_bias : NULL, h_out, &p);
            }
        } else {
            mc_qconv2d_params p;
            fill_q(&p, g);
            p.in_offset = -in_zp; p.out_offset = out_zp;
            p.act_min = act[0]; p.act_max = act[1];
            p.rounding = rounding;
            p.out_mult = mult; p.out_shift = shift;
            if (strcmp(kind, "conv_s8") == 0) {
                mc_conv2d_nhwc_s8(b_in, b_w, bias, b_out, &p);
            } else if (strcmp(kind, "conv_s16") == 0) {
                mc_conv2d_nhwc_s16(h_in, b_w, bias != NULL ? l_bias : NULL, h_out, &p);
            } else if (strcmp(kind, "dw_s8") == 0) {
                mc_depthwise_conv2d_nhwc_s8(b_in, b_w, bias, b_out, &p);
            } else if (strcmp(kind, "dw_s16") == 0) {
                mc_depthwise_conv2d_nhwc_s16(h_in, b_w, bias != NULL ? l_bias : NULL, h_out, &p);
            } else if (strcmp(kind, "tconv_s8") == 0) {
                mc_transpose_conv_nhwc_s8(b_in, b_w, bias, b_out, &p);
            } else if (strcmp(kind, "tconv_s16") == 0) {
                mc_transpose_conv_nhwc_s16(h_in, b_w, bias != NULL ? l_bias : NULL, h_out, &p);
            } else {
                return -1;
            }
        }
        for (i = 0; i < n_out; ++i) {
            got[i] = is_s8 ? b_out[i] : h_out[i];
        }
    } else {
        const int32_t *act = qv_ints("act_f32", 4);
        const float *fb = bias != NULL ? f_bias : NULL;
        if (strcmp(kind, "fc_f32") == 0) {
            mc_fc_params p;
            p.batches = g[0]; p.in_depth = g[1]; p.out_depth = g[2];
            p.act_min = bits_to_float(act[0]); p.act_max = bits_to_float(act[1]);
            mc_fully_connected_f32(f_in, f_w, fb, f_out, &p);
        } else {
            mc_conv2d_nhwc_params p;
            fill_f(&p, g);
            p.act_min = bits_to_float(act[0]); p.act_max = bits_to_float(act[1]);
            if (strcmp(kind, "conv_f32") == 0) {
                mc_conv2d_nhwc_f32(f_in, f_w, fb, f_out, &p);
            } else if (strcmp(kind, "dw_f32") == 0) {
                mc_depthwise_conv2d_nhwc_f32(f_in, f_w, fb, f_out, &p);
            } else if (strcmp(kind, "tconv_f32") == 0) {
                mc_transpose_conv_nhwc_f32(f_in, f_w, fb, f_out, &p);
            } else {
                return -1;
            }
        }
        for (i = 0; i < n_out; ++i) {
            uint32_t u;
            memcpy(&u, &f_out[i], sizeof u);
            got[i] = (int32_t)u;
        }
    }
    return n_out;
}

static void litert_vectors(void) {
    FILE *f = fopen(QV_PATH, "r");
    char word[64], name[64], kind[16];
    int32_t cases = 0, tflm_cases = 0;
    if (f == NULL) {
        mc_expect_true("open " QV_PATH " (run from runtime-micro/)", 0);
        return;
    }
    while (fscanf(f, "%63s", word) == 1) {
        if (word[0] == '#') {
            int c;
            while ((c = fgetc(f)) != '\n' && c != EOF) {
            }
        } else if (strcmp(word, "case") == 0) {
            if (fscanf(f, "%63s %15s", name, kind) != 2) {
                break;
            }
            qv_count = 0;
        } else if (strcmp(word, "end") == 0) {
            char label[96];
            int32_t n = run_case(kind, MC_ROUND_SINGLE);
            sprintf(label, "litert %s", name);
            if (n < 0) {
                mc_expect_true(label, 0);
            } else {
                mc_expect_equal_i32(label, got, qv_ints("output", 10), n);
            }
            if (qv_get("output_tflm") != NULL) {
                n = run_case(kind, MC_ROUND_DOUBLE);
                sprintf(label, "tflm %s", name);
                mc_expect_equal_i32(label, got, qv_ints("output_tflm", 10), n);
                ++tflm_cases;
            }
            ++cases;
        } else {
            qv_array *a = &qv[qv_count];
            long long v;
            int n = 0;
            int32_t i;
            if (qv_count == QV_KEYS || fscanf(f, "%d", &n) != 1 || n < 0 || n > QV_MAX) {
                mc_expect_true("vector file format", 0);
                break;
            }
            a->n = n;
            if (strlen(word) >= sizeof a->key) {
                mc_expect_true("vector file key length", 0);
                break;
            }
            memcpy(a->key, word, strlen(word) + 1);
            for (i = 0; i < a->n && fscanf(f, "%lld", &v) == 1; ++i) {
                a->v[i] = (int64_t)v;
            }
            ++qv_count;
        }
    }
    fclose(f);
    mc_expect_true("litert vector file has cases", cases >= 30);
    mc_expect_true("vector file has tflm outputs", tflm_cases >= 20);
}

void test_qconv(void) {
    hand_conv_s8();
    hand_depthwise_s8();
    hand_fully_connected_s8();
    hand_transpose_conv();
    litert_vectors();
}
