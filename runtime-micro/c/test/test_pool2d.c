/* Max and average pooling against a naive oracle that tests every window cell for bounds, plus
 * hand-worked cases. */
#include "mc_pool2d.h"
#include "mc_test.h"

#define POOL_BUF 8192

typedef struct {
    const char *name;
    int32_t batch, channels, in_h, in_w, k_h, k_w, stride_h, stride_w;
    int32_t pad_top, pad_left, pad_bottom, pad_right;
} pool_spec;

static float in_buf[POOL_BUF];
static float out_buf[POOL_BUF];
static float ref_buf[POOL_BUF];

static void ref_pool(const float *in, float *out, const mc_pool2d_params *p, int is_max) {
    int32_t pl, oh, ow, kh, kw;
    for (pl = 0; pl < p->batch * p->channels; ++pl) {
        for (oh = 0; oh < p->out_h; ++oh) {
            for (ow = 0; ow < p->out_w; ++ow) {
                float acc = 0.0f;
                int32_t inside = 0;
                for (kh = 0; kh < p->k_h; ++kh) {
                    for (kw = 0; kw < p->k_w; ++kw) {
                        const int32_t ih = oh * p->stride_h - p->pad_top + kh;
                        const int32_t iw = ow * p->stride_w - p->pad_left + kw;
                        float v;
                        if (ih < 0 || ih >= p->in_h || iw < 0 || iw >= p->in_w) {
                            continue;
                        }
                        v = in[(pl * p->in_h + ih) * p->in_w + iw];
                        if (is_max) {
                            acc = (inside == 0 || v > acc) ? v : acc;
                        } else {
                            acc += v;
                        }
                        ++inside;
                    }
                }
                if (!is_max) {
                    acc /= (float)(p->count_include_pad ? p->k_h * p->k_w : inside);
                }
                out[(pl * p->out_h + oh) * p->out_w + ow] = acc;
            }
        }
    }
}

static void run_case(const pool_spec *s, uint32_t seed) {
    mc_pool2d_params p;
    int32_t n_in, n_out, include_pad, is_max;
    p.batch = s->batch;
    p.channels = s->channels;
    p.in_h = s->in_h;
    p.in_w = s->in_w;
    p.k_h = s->k_h;
    p.k_w = s->k_w;
    p.stride_h = s->stride_h;
    p.stride_w = s->stride_w;
    p.pad_top = s->pad_top;
    p.pad_left = s->pad_left;
    p.out_h = (s->in_h + s->pad_top + s->pad_bottom - s->k_h) / s->stride_h + 1;
    p.out_w = (s->in_w + s->pad_left + s->pad_right - s->k_w) / s->stride_w + 1;
    n_in = p.batch * p.channels * p.in_h * p.in_w;
    n_out = p.batch * p.channels * p.out_h * p.out_w;
    if (n_in > POOL_BUF || n_out > POOL_BUF) {
        mc_expect_true("pool test buffers large enough", 0);
        return;
    }
    mc_rand_seed(seed);
    /* Negative values only: a max pool that let the zero padding win would be caught. */
    mc_rand_fill(in_buf, n_in, -5.0f, -0.5f);
    p.count_include_pad = 0;
    ref_pool(in_buf, ref_buf, &p, 1);
    mc_maxpool2d_f32(in_buf, out_buf, &p);
    mc_expect_equal(s->name, out_buf, ref_buf, n_out);
    /* the fixed-window entry points on the windows they accept */
    if (p.k_h == 2 && p.k_w == 2) {
        mc_maxpool2d_k2_f32(in_buf, out_buf, &p);
        mc_expect_equal(s->name, out_buf, ref_buf, n_out);
    }
    if (p.k_h == 3 && p.k_w == 3) {
        mc_maxpool2d_k3_f32(in_buf, out_buf, &p);
        mc_expect_equal(s->name, out_buf, ref_buf, n_out);
    }
    for (include_pad = 0; include_pad <= 1; ++include_pad) {
        p.count_include_pad = include_pad;
        is_max = 0;
        ref_pool(in_buf, ref_buf, &p, is_max);
        mc_avgpool2d_f32(in_buf, out_buf, &p);
        mc_expect_close(s->name, out_buf, ref_buf, n_out, 1e-6f);
        if (p.k_h == 2 && p.k_w == 2) {
            mc_avgpool2d_k2_f32(in_buf, out_buf, &p);
            mc_expect_close(s->name, out_buf, ref_buf, n_out, 1e-6f);
        }
        if (p.k_h == 3 && p.k_w == 3) {
            mc_avgpool2d_k3_f32(in_buf, out_buf, &p);
            mc_expect_close(s->name, out_buf, ref_buf, n_out, 1e-6f);
        }
    }
}

static const pool_spec specs[] = {
    /* name                              b  c   h   w kh kw sh sw pt pl pb pr */
    {"pool lenet 2x2 stride 2",          1, 6, 28, 28, 2, 2, 2, 2, 0, 0, 0, 0},
    {"pool 3x3 stride 1 pad 1 borders",  1, 2, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1},
    {"pool 3x3 stride 2 pad 1",          2, 3, 9, 8, 3, 3, 2, 2, 1, 1, 1, 1},
    {"pool asymmetric padding",          1, 2, 6, 7, 3, 2, 2, 1, 0, 1, 2, 0},
    {"pool 2x3 stride 2x1",              1, 1, 6, 5, 2, 3, 2, 1, 1, 0, 1, 2},
    {"pool global 5x5",                  1, 4, 5, 5, 5, 5, 1, 1, 0, 0, 0, 0},
    {"pool 2x2 stride 2 odd size pad 1",  2, 3, 7, 9, 2, 2, 2, 2, 1, 1, 1, 1},
    {"pool 2x2 stride 1 pad right/bottom",1, 2, 5, 6, 2, 2, 1, 1, 0, 0, 1, 1},
    {"pool 3x3 stride 3 odd size",       1, 3, 11, 10, 3, 3, 3, 3, 0, 0, 1, 2},
    {"pool 3x3 padding wider than input",1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 2, 2},
    {"pool 3x3 stride 2 pad 2 top only", 1, 2, 8, 13, 3, 3, 2, 2, 2, 0, 0, 1},
};

static void hand_worked(void) {
    /* 4x4 input 1..16 with 1 padding on every side, 3x3 windows, stride 2: 2x2 outputs. */
    static const float in[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const float want_max[4] = {6, 8, 14, 16};
    /* Windows start at rows/columns -1 and 1. Top-left holds 1, 2, 5, 6 (4 real cells); top-right
     * 2, 3, 4, 6, 7, 8 (6); bottom-left 5, 6, 9, 10, 13, 14 (6); bottom-right 9 real cells. */
    static const float want_avg_excl[4] = {14.0f / 4, 30.0f / 6, 57.0f / 6, 99.0f / 9};
    static const float want_avg_incl[4] = {14.0f / 9, 30.0f / 9, 57.0f / 9, 99.0f / 9};
    float out[4];
    mc_pool2d_params p = {1, 1, 4, 4, 2, 2, 3, 3, 2, 2, 1, 1, 0};
    mc_maxpool2d_f32(in, out, &p);
    mc_expect_equal("maxpool hand-worked", out, want_max, 4);
    mc_avgpool2d_f32(in, out, &p);
    mc_expect_close("avgpool hand-worked excluding padding", out, want_avg_excl, 4, 1e-6f);
    p.count_include_pad = 1;
    mc_avgpool2d_f32(in, out, &p);
    mc_expect_close("avgpool hand-worked including padding", out, want_avg_incl, 4, 1e-6f);
}

void test_pool2d(void) {
    int32_t i;
    hand_worked();
    for (i = 0; i < (int32_t)(sizeof specs / sizeof specs[0]); ++i) {
        run_case(&specs[i], 2000u + (uint32_t)i);
    }
}
