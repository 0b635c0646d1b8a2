/* The optimized int8 average pooling, ADD and softmax kernels against their reference kernels
 * (mc_avgpool2d_nhwc_s8, mc_add_s8, mc_softmax_s8), byte for byte, on seeded random shapes,
 * channel counts, windows, paddings, offsets, multipliers, activation ranges and both roundings. */
#include "mc_pool2d_nhwc.h"
#include "mc_qadd_fast.h"
#include "mc_qbinary.h"
#include "mc_qpool_simd.h"
#include "mc_qsoftmax.h"
#include "mc_qsoftmax_fast.h"
#include "mc_test.h"

#include <stdio.h>
#include <string.h>

#define MAX_IN 8192
#define MAX_OUT 8192

/* a short name for the many draws below */
#define rnd mc_rand_int

static void fill(int8_t *x, int32_t n) {
    int32_t i;
    /* sometimes a narrow range, so that sums and maxima repeat */
    const int32_t lo = rnd(0, 3) == 0 ? 120 : -128;
    for (i = 0; i < n; ++i) {
        x[i] = (int8_t)rnd(rnd(0, 5) == 0 ? -128 : lo, 127);
    }
}

static void random_avgpool(void) {
    static const int32_t channels[] = {1, 2, 3, 4, 5, 8, 12, 13, 16, 64};
    static int8_t in[MAX_IN], want[MAX_OUT], got[MAX_OUT + 1];
    int32_t cases = 0, failures = 0;
    mc_rand_seed(31);
    while (cases < 3000) {
        mc_qpool2d_params p;
        int32_t pad_bottom, pad_right, n_out;
        memset(&p, 0, sizeof p);
        p.batch = rnd(1, 2);
        p.channels = channels[rnd(0, (int32_t)(sizeof channels / sizeof channels[0]) - 1)];
        if (rnd(0, 9) == 0) {
            /* a global pool larger than a 16-bit lane holds (kws: 25x5; here up to 24x24) */
            p.in_h = p.k_h = rnd(16, 24);
            p.in_w = p.k_w = rnd(16, 24);
            p.batch = 1;
            p.channels = rnd(1, 9);
        } else {
            p.in_h = rnd(1, 10);
            p.in_w = rnd(1, 10);
            p.k_h = rnd(1, 4);
            p.k_w = rnd(1, 4);
        }
        p.stride_h = rnd(1, 3);
        p.stride_w = rnd(1, 3);
        p.pad_top = rnd(0, p.k_h - 1);
        p.pad_left = rnd(0, p.k_w - 1);
        pad_bottom = rnd(0, p.k_h - 1);
        pad_right = rnd(0, p.k_w - 1);
        if (p.in_h + p.pad_top + pad_bottom < p.k_h || p.in_w + p.pad_left + pad_right < p.k_w) {
            continue;
        }
        p.out_h = (p.in_h + p.pad_top + pad_bottom - p.k_h) / p.stride_h + 1;
        p.out_w = (p.in_w + p.pad_left + pad_right - p.k_w) / p.stride_w + 1;
        p.act_min = rnd(0, 2) == 0 ? rnd(-128, 0) : -128;
        p.act_max = rnd(0, 2) == 0 ? rnd(p.act_min, 127) : 127;
        n_out = p.batch * p.out_h * p.out_w * p.channels;
        if (p.batch * p.in_h * p.in_w * p.channels > MAX_IN || n_out > MAX_OUT) {
            continue;
        }
        fill(in, p.batch * p.in_h * p.in_w * p.channels);
        memset(got, 0x5a, sizeof got);
        mc_avgpool2d_nhwc_s8(in, want, &p);
        mc_avgpool2d_nhwc_s8_simd(in, got, &p);
        if (memcmp(want, got, (size_t)n_out) != 0 || got[n_out] != 0x5a) {
            if (failures < 5) {
                printf("avgpool simd differs: batch %ld in %ldx%ldx%ld k %ldx%ld stride %ld,%ld pad %ld,%ld out %ldx%ld\n",
                       (long)p.batch, (long)p.in_h, (long)p.in_w, (long)p.channels, (long)p.k_h, (long)p.k_w,
                       (long)p.stride_h, (long)p.stride_w, (long)p.pad_top, (long)p.pad_left, (long)p.out_h,
                       (long)p.out_w);
            }
            ++failures;
        }
        ++cases;
    }
    mc_expect_int("avgpool simd == reference on 3000 random cases", failures, 0);
}

/* A random multiplier and shift as TFLite's QuantizeMultiplier makes them; now and then 0.5 with
 * a long shift (exact halves: the rounding of negative ties) or one outside what the fast ADD path
 * takes (shift >= 0, a shift of -31). */
static void multiplier(int32_t *mult, int32_t *shift, int32_t lo, int32_t hi) {
    const int32_t kind = rnd(0, 19);
    *mult = kind < 2 ? INT32_MAX : kind < 6 ? 1 << 30 : rnd(1 << 30, INT32_MAX);
    *shift = kind == 19 ? rnd(-31, 2) : kind < 6 ? rnd(-24, -1) : rnd(lo, hi);
}

static void random_add(void) {
    static int8_t a[MAX_IN], b[MAX_IN], want[MAX_OUT], got[MAX_OUT + 1];
    int32_t cases = 0, failures = 0;
    mc_rand_seed(404);
    while (cases < 3000) {
        mc_qadd_params p;
        int32_t n_out = 1, sa = 1, sb = 1, d, na = 1, nb = 1;
        memset(&p, 0, sizeof p);
        p.bc.rank = rnd(1, 4);
        for (d = p.bc.rank - 1; d >= 0; --d) {
            /* each operand either runs along the axis or is broadcast along it */
            p.bc.out_dims[d] = rnd(1, 9);
            n_out *= p.bc.out_dims[d];
            p.bc.a_strides[d] = rnd(0, 4) == 0 ? 0 : sa;
            p.bc.b_strides[d] = rnd(0, 3) == 0 ? 0 : sb;
            sa *= p.bc.a_strides[d] != 0 ? p.bc.out_dims[d] : 1;
            sb *= p.bc.b_strides[d] != 0 ? p.bc.out_dims[d] : 1;
        }
        na = sa;
        nb = sb;
        p.left_shift = rnd(0, 9) == 0 ? rnd(0, 20) : 20;
        p.in1_offset = rnd(-127, 128);
        p.in2_offset = rnd(-127, 128);
        p.out_offset = rnd(-128, 127);
        multiplier(&p.in1_mult, &p.in1_shift, -3, -1);
        multiplier(&p.in2_mult, &p.in2_shift, -3, -1);
        multiplier(&p.out_mult, &p.out_shift, -22, -14);
        /* TFLite's ADD gives the input with the larger scale (both, when equal) the multiplier 0.5 */
        switch (rnd(0, 3)) {
        case 0: p.in1_mult = 1 << 30; p.in1_shift = 0; break;
        case 1: p.in2_mult = 1 << 30; p.in2_shift = 0; break;
        case 2: p.in1_mult = p.in2_mult = 1 << 30; p.in1_shift = p.in2_shift = 0; break;
        default: break;
        }
        p.act_min = rnd(0, 2) == 0 ? rnd(-128, 0) : -128;
        p.act_max = rnd(0, 2) == 0 ? rnd(p.act_min, 127) : 127;
        p.rounding = rnd(0, 3) == 0 ? MC_ROUND_SINGLE : MC_ROUND_DOUBLE;
        fill(a, na);
        fill(b, nb);
        memset(got, 0x5a, sizeof got);
        mc_add_s8(a, b, want, &p);
        mc_add_s8_fast(a, b, got, &p);
        if (memcmp(want, got, (size_t)n_out) != 0 || got[n_out] != 0x5a) {
            if (failures < 5) {
                printf("add fast differs: rank %ld shifts %ld %ld %ld left %ld offsets %ld %ld %ld rounding %d\n",
                       (long)p.bc.rank, (long)p.in1_shift, (long)p.in2_shift, (long)p.out_shift,
                       (long)p.left_shift, (long)p.in1_offset, (long)p.in2_offset, (long)p.out_offset,
                       (int)p.rounding);
            }
            ++failures;
        }
        ++cases;
    }
    mc_expect_int("add fast == reference on 3000 random cases", failures, 0);
}

/* Rows of 1 to 100 elements (the cache holds 64), input scales from 1/256 to 8 as TFLite derives
 * the softmax constants from them (PreprocessSoftmaxScaling with beta 1, CalculateInputRadius). */
static void random_softmax(void) {
    static int8_t in[MAX_IN], want[MAX_OUT], got[MAX_OUT + 1];
    int32_t cases = 0, failures = 0;
    mc_rand_seed(5);
    while (cases < 2000) {
        mc_qsoftmax_params p;
        const double scale = (double)rnd(1, 2048) / 256.0;
        double real = scale * (double)(1 << 26), radius;
        int32_t shift = 0, n;
        memset(&p, 0, sizeof p);
        p.outer = rnd(1, 4);
        p.depth = rnd(0, 3) == 0 ? rnd(65, 100) : rnd(1, 16);
        while (real >= 1.0) {      /* frexp: real = q * 2^shift, q in [0.5, 1) */
            real /= 2.0;
            ++shift;
        }
        p.input_multiplier = real * 2147483648.0 >= 2147483647.0 ? INT32_MAX : (int32_t)(real * 2147483648.0 + 0.5);
        p.input_left_shift = shift;
        radius = 31.0 * (double)(1 << 26) / (double)((int64_t)1 << shift);
        p.diff_min = -(int32_t)radius;
        p.rounding = (mc_rounding)rnd(0, 1);
        n = p.outer * p.depth;
        fill(in, n);
        memset(got, 0x5a, sizeof got);
        mc_softmax_s8(in, want, &p);
        mc_softmax_s8_fast(in, got, &p);
        if (memcmp(want, got, (size_t)n) != 0 || got[n] != 0x5a) {
            if (failures < 5) {
                printf("softmax fast differs: outer %ld depth %ld multiplier %ld shift %ld diff_min %ld\n",
                       (long)p.outer, (long)p.depth, (long)p.input_multiplier, (long)p.input_left_shift,
                       (long)p.diff_min);
            }
            ++failures;
        }
        ++cases;
    }
    mc_expect_int("softmax fast == reference on 2000 random cases", failures, 0);
}

void test_qsimd_kernels(void) {
    random_avgpool();
    random_add();
    random_softmax();
}
