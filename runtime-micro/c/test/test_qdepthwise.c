/* The optimized int8 depthwise kernels (mc_qdepthwise.c) against the reference kernel
 * mc_depthwise_conv2d_nhwc_s8, byte for byte, on seeded random shapes, channel counts (1, odd,
 * multiples of 4), multipliers, paddings, strides, dilations, offsets, activation ranges,
 * requantization constants and both roundings; and the fast requantization (mc_qrequant.h)
 * against mc_requantize on edge cases and random values. */
#include "mc_conv2d_nhwc.h"
#include "mc_qdepthwise.h"
#include "mc_qrequant.h"
#include "mc_test.h"

#include <stdio.h>
#include <string.h>

#define MAX_IN 18432
#define MAX_W 2304
#define MAX_OUT 32768
#define MAX_C 512

/* a short name for the many draws below */
#define rnd mc_rand_int

static void requantize_cases(void) {
    static const int32_t xs[] = {0, 1, -1, 2, -2, 3, -3, 1 << 20, -(1 << 20), 12345, -12345,
                                 INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 1 << 30, -(1 << 30)};
    static const int32_t mults[] = {0, 1, 1 << 30, (1 << 30) + 1, INT32_MAX, 1518500250, 1073741825};
    int32_t failures = 0, checks = 0;
    int32_t r, i, j, shift;
    for (r = 0; r < 2; ++r) {
        for (i = 0; i < (int32_t)(sizeof xs / sizeof xs[0]); ++i) {
            for (j = 0; j < (int32_t)(sizeof mults / sizeof mults[0]); ++j) {
                for (shift = -31; shift <= 30; ++shift) {
                    const int32_t want = mc_requantize(xs[i], mults[j], shift, (mc_rounding)r);
                    const int32_t got = mc_requantize_fast(xs[i], mults[j], shift, (mc_rounding)r);
                    ++checks;
                    if (got != want && failures++ < 5) {
                        printf("requantize_fast(%ld, %ld, %ld, %ld) = %ld, want %ld\n", (long)xs[i],
                               (long)mults[j], (long)shift, (long)r, (long)got, (long)want);
                    }
                }
            }
        }
    }
    mc_rand_seed(11);
    for (i = 0; i < 200000; ++i) {
        /* accumulators of every size; shifts where the results stay in range as in a kernel */
        const int32_t x = mc_asr32(mc_wrap_i32((uint32_t)rnd(0, 0xFFFFFF) << 8), rnd(0, 24));
        const int32_t m = rnd(0, 1) ? rnd(1 << 30, INT32_MAX) : rnd(0, INT32_MAX);
        const int32_t s = rnd(-31, 8);
        const mc_rounding ro = (mc_rounding)(i & 1);
        ++checks;
        if (mc_requantize_fast(x, m, s, ro) != mc_requantize(x, m, s, ro) && failures++ < 5) {
            printf("requantize_fast(%ld, %ld, %ld, %d) differs\n", (long)x, (long)m, (long)s, (int)ro);
        }
    }
    mc_rand_seed(12);
    for (i = 0; i < 3000000; ++i) {
        /* the whole range: any 32-bit accumulator (full-width, small, 2^k and its neighbours, whose
         * products land on the ties of both roundings), any multiplier and shift QuantizeMultiplier
         * can give */
        const int32_t kind = rnd(0, 3);
        const uint32_t bits = ((uint32_t)rnd(0, 0xFFFF) << 16) | (uint32_t)rnd(0, 0xFFFF);
        const int32_t x = kind == 0 ? mc_wrap_i32(bits)
                          : kind == 1 ? rnd(-70000, 70000)
                          : kind == 2 ? mc_wrap_i32(((uint32_t)1 << rnd(0, 31)) + (uint32_t)rnd(-1, 1))
                          : -mc_wrap_i32((uint32_t)1 << rnd(0, 30)) * rnd(1, 3);
        const int32_t mkind = rnd(0, 3);
        const int32_t m = mkind == 0 ? rnd(1 << 30, INT32_MAX)
                          : mkind == 1 ? mc_wrap_i32(bits >> 1)
                          : mkind == 2 ? (1 << 30) + rnd(-1, 1)
                          : INT32_MAX - rnd(0, 1);
        const int32_t s = rnd(-31, 30);
        const mc_rounding ro = (mc_rounding)(i & 1);
        ++checks;
        if (mc_requantize_fast(x, m, s, ro) != mc_requantize(x, m, s, ro) && failures++ < 5) {
            printf("requantize_fast(%ld, %ld, %ld, %d) differs\n", (long)x, (long)m, (long)s, (int)ro);
        }
    }
    mc_rand_seed(13);
    for (i = 0; i < 1000000; ++i) {
        /* the epilogues with the output offset folded in: mc_rqo for any sum, mc_rq_small for
         * |x| < 2^30, each within its bounds (e in [1, 22], |offset| <= 256 or 255) */
        const uint32_t bits = ((uint32_t)rnd(0, 0xFFFF) << 16) | (uint32_t)rnd(0, 0xFFFF);
        const int32_t x = rnd(0, 1) ? mc_wrap_i32(bits) : rnd(-70000, 70000);
        const int32_t m = rnd(0, 3) == 0 ? (1 << 30) : rnd(0, INT32_MAX);
        const int32_t e = rnd(1, 22), off = rnd(-256, 256);
        const int32_t want = mc_requantize(x, m, -e, MC_ROUND_DOUBLE) + off;
        checks += 2;
        if (mc_rqo(x, m, mc_rqo_k((uint32_t)(e - 1), off), (uint32_t)(e - 1)) != want
            && failures++ < 5) {
            printf("mc_rqo(%ld, %ld, %ld, %ld) differs\n", (long)x, (long)m, (long)e, (long)off);
        }
        if (off < 256 && x > -(1 << 30) && x < (1 << 30)
            && mc_rq_small(x, m, mc_rq_small_nudge(e, off), e) != want && failures++ < 5) {
            printf("mc_rq_small(%ld, %ld, %ld, %ld) differs\n", (long)x, (long)m, (long)e, (long)off);
        }
    }
    mc_rand_seed(14);
    for (i = 0; i < 1000000; ++i) {
        /* mc_rq_small2 (the 3x3 depthwise kernel's epilogue) on doubled sums below 2^29, small ones
         * (where -[x < 0] stands in for -[H < 0]) a third of the time */
        const int32_t x = rnd(0, 2) == 0 ? rnd(-40, 40) : rnd(-(1 << 29) + 1, (1 << 29) - 1);
        const int32_t m = rnd(0, 3) == 0 ? rnd(0, 3) : rnd(0, INT32_MAX);
        const int32_t e = rnd(1, 22), off = rnd(-255, 255);
        ++checks;
        if (mc_rq_small2(2 * x, m, mc_rq_small_nudge(e, off), e) != mc_requantize(x, m, -e, MC_ROUND_DOUBLE) + off
            && failures++ < 5) {
            printf("mc_rq_small2(%ld, %ld, %ld, %ld) differs\n", (long)(2 * x), (long)m, (long)e, (long)off);
        }
    }
    mc_expect_int("mc_requantize_fast == mc_requantize", failures, 0);
    mc_expect_true("mc_requantize_fast cases ran", checks > 6200000);
}

/* The SIMD helpers mc_qdepthwise uses beyond the ones mc_simd's own tests cover. */
static void smla_lanes(void) {
    const uint32_t a = mc_pack16(-300, 7);
    const uint32_t b = mc_pack16(255, -32768);
    mc_expect_int("smlabb", mc_smlabb(a, b, 5), 5 - 300 * 255);
    mc_expect_int("smlabt", mc_smlabt(a, b, 5), 5 + 300 * 32768);
    mc_expect_int("smlatb", mc_smlatb(a, b, 5), 5 + 7 * 255);
    mc_expect_int("smlatt", mc_smlatt(a, b, -5), -5 - 7 * 32768);
    mc_expect_int("smlatt wraps", mc_smlatt(mc_pack16(0, -32768), mc_pack16(0, -32768), INT32_MAX),
                  (int64_t)INT32_MAX + 1073741824LL - 4294967296LL);
}

typedef void (*dw_kernel)(const int8_t *, const int8_t *, const int32_t *, int8_t *,
                          const mc_qconv2d_params *);

/* Fills p with a random case of the given kernel shape; false when the shape has no output. */
static int random_case(mc_qconv2d_params *p, int32_t k_h, int32_t k_w, int32_t stride, int32_t dilation,
                       int32_t in_c, int32_t multiplier) {
    const int32_t eff_h = (k_h - 1) * dilation + 1, eff_w = (k_w - 1) * dilation + 1;
    const int32_t pad_bottom = rnd(0, k_h - 1), pad_right = rnd(0, k_w - 1);
    memset(p, 0, sizeof *p);
    p->batch = rnd(1, 2);
    p->in_h = rnd(1, 9);
    p->in_w = rnd(1, 9);
    p->in_c = in_c;
    p->depth_multiplier = multiplier;
    p->out_c = in_c * multiplier;
    p->k_h = k_h;
    p->k_w = k_w;
    p->stride_h = stride;
    p->stride_w = rnd(0, 3) == 0 ? rnd(1, 3) : stride;
    p->dilation_h = p->dilation_w = dilation;
    p->pad_top = rnd(0, k_h - 1);
    p->pad_left = rnd(0, k_w - 1);
    if (p->in_h + p->pad_top + pad_bottom < eff_h || p->in_w + p->pad_left + pad_right < eff_w) {
        return 0;
    }
    p->out_h = (p->in_h + p->pad_top + pad_bottom - eff_h) / p->stride_h + 1;
    p->out_w = (p->in_w + p->pad_left + pad_right - eff_w) / p->stride_w + 1;
    p->in_offset = rnd(0, 4) == 0 ? (rnd(0, 1) ? 128 : -127) : rnd(-127, 128);
    p->out_offset = rnd(-128, 127);
    p->act_min = rnd(0, 2) == 0 ? rnd(-128, 0) : -128;
    p->act_max = rnd(0, 2) == 0 ? rnd(p->act_min, 127) : 127;
    p->rounding = (mc_rounding)rnd(0, 1);
    return (int64_t)p->batch * p->in_h * p->in_w * p->in_c <= MAX_IN
           && (int64_t)k_h * k_w * p->out_c <= MAX_W
           && (int64_t)p->batch * p->out_h * p->out_w * p->out_c <= MAX_OUT && p->out_c <= MAX_C;
}

/* The constants compare draws: any, or within mc_depthwise_conv2d_nhwc_s8_3x3's precondition (shifts
 * in [-22, -1], biases whose sums stay below 2^29; the caller makes the rounding double). */
enum constants { ANY_CONSTANTS, CONSTANTS_3X3 };

static int32_t compare_with(const char *name, dw_kernel kernel, const mc_qconv2d_params *p, int with_bias,
                            enum constants constants) {
    static int8_t in[MAX_IN], w[MAX_W], want[MAX_OUT], got[MAX_OUT + 1];
    static int32_t bias[MAX_C], mult[MAX_C];
    static int8_t shift[MAX_C];
    mc_qconv2d_params q = *p;
    const int32_t n_in = p->batch * p->in_h * p->in_w * p->in_c;
    const int32_t n_w = p->k_h * p->k_w * p->out_c;
    const int32_t n_out = p->batch * p->out_h * p->out_w * p->out_c;
    int32_t i;
    for (i = 0; i < n_in; ++i) {
        in[i] = (int8_t)rnd(-128, 127);
    }
    for (i = 0; i < n_w; ++i) {
        w[i] = (int8_t)rnd(-127, 127);
    }
    for (i = 0; i < p->out_c; ++i) {
        const int32_t big = constants == CONSTANTS_3X3 ? (1 << 29) - 9 * 255 * 128 - 1 : 1 << 20;
        bias[i] = rnd(0, 7) == 0 ? rnd(-big, big) : rnd(-5000, 5000);
        mult[i] = rnd(0, 9) == 0 ? INT32_MAX : rnd(1 << 30, INT32_MAX);
        shift[i] = (int8_t)(rnd(0, 9) != 0 ? rnd(-12, -5) : constants == CONSTANTS_3X3 ? rnd(-22, -1) : rnd(-31, 2));
    }
    q.out_mult = mult;
    q.out_shift = shift;
    memset(got, 0x5a, sizeof got);
    mc_depthwise_conv2d_nhwc_s8(in, w, with_bias ? bias : NULL, want, &q);
    kernel(in, w, with_bias ? bias : NULL, got, &q);
    if (memcmp(want, got, (size_t)n_out) != 0) {
        printf("%s differs: batch %ld in %ldx%ldx%ld m %ld k %ldx%ld stride %ld,%ld dilation %ld pad %ld,%ld "
               "out %ldx%ld offsets %ld %ld act [%ld, %ld] rounding %d bias %d\n", name,
               (long)p->batch, (long)p->in_h, (long)p->in_w, (long)p->in_c, (long)p->depth_multiplier,
               (long)p->k_h, (long)p->k_w, (long)p->stride_h, (long)p->stride_w, (long)p->dilation_h,
               (long)p->pad_top, (long)p->pad_left, (long)p->out_h, (long)p->out_w, (long)p->in_offset,
               (long)p->out_offset, (long)p->act_min, (long)p->act_max, (int)p->rounding, with_bias);
        return 1;
    }
    /* nothing written past the output */
    return got[n_out] != 0x5a;
}

static int32_t compare(const char *name, dw_kernel kernel, const mc_qconv2d_params *p, int with_bias) {
    return compare_with(name, kernel, p, with_bias, ANY_CONSTANTS);
}

/* Cases whose values did not survive the 3x3 kernel's compact struct (the compiler would not
 * choose the kernel for them): a test case outside the kernel's reach, counted as a failure. */
static int32_t compact_misfits;

/* The 3x3 kernel on the full struct p: its compact struct built from p as the compiler builds it
 * (org.microcodegen.lower.CParams.QDEPTHWISE_3X3), every value checked to fit. */
static void depthwise_3x3(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                          const mc_qconv2d_params *p) {
    mc_qdepthwise3x3_params q;
    q.out_mult = p->out_mult;
    q.out_shift = p->out_shift;
    q.batch = (uint16_t)p->batch;
    q.in_h = (uint16_t)p->in_h;
    q.in_w = (uint16_t)p->in_w;
    q.in_c = (uint16_t)p->in_c;
    q.out_h = (uint16_t)p->out_h;
    q.out_w = (uint16_t)p->out_w;
    q.out_c = (uint16_t)p->out_c;
    q.out_offset = (int16_t)p->out_offset;
    q.stride_h = (uint8_t)p->stride_h;
    q.stride_w = (uint8_t)p->stride_w;
    q.pad_top = (uint8_t)p->pad_top;
    q.pad_left = (uint8_t)p->pad_left;
    q.depth_multiplier = (uint8_t)p->depth_multiplier;
    q.in_zero = (int8_t)-p->in_offset;
    q.act_min = (int8_t)p->act_min;
    q.act_max = (int8_t)p->act_max;
    if (q.batch != p->batch || q.in_h != p->in_h || q.in_w != p->in_w || q.in_c != p->in_c
        || q.out_h != p->out_h || q.out_w != p->out_w || q.out_c != p->out_c || q.out_offset != p->out_offset
        || q.stride_h != p->stride_h || q.stride_w != p->stride_w || q.pad_top != p->pad_top
        || q.pad_left != p->pad_left || q.depth_multiplier != p->depth_multiplier
        || q.in_zero != -p->in_offset || q.act_min != p->act_min || q.act_max != p->act_max) {
        ++compact_misfits;
    }
    mc_depthwise_conv2d_nhwc_s8_3x3(in, w, bias, out, &q);
}

/* The 3x3 kernel on case p, made to meet its precondition (double rounding, the output offset in
 * [-255, 255]; compare_with draws the rest). */
static int32_t compare_3x3(const char *name, mc_qconv2d_params *p, int with_bias) {
    p->rounding = MC_ROUND_DOUBLE;
    return compare_with(name, depthwise_3x3, p, with_bias, CONSTANTS_3X3);
}

static void random_general(void) {
    static const int32_t channels[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 32};
    static const int32_t multipliers[] = {1, 1, 1, 4, 8, 2, 3};
    int32_t cases = 0, failures = 0;
    mc_rand_seed(2026);
    while (cases < 3000) {
        mc_qconv2d_params p;
        const int32_t k_h = rnd(1, 5), k_w = rnd(1, 5);
        if (!random_case(&p, k_h, k_w, rnd(1, 3), rnd(0, 3) == 0 ? 2 : 1,
                         channels[rnd(0, (int32_t)(sizeof channels / sizeof channels[0]) - 1)],
                         multipliers[rnd(0, (int32_t)(sizeof multipliers / sizeof multipliers[0]) - 1)])) {
            continue;
        }
        failures += compare("mc_depthwise_conv2d_nhwc_s8_simd", mc_depthwise_conv2d_nhwc_s8_simd, &p,
                            rnd(0, 3) != 0);
        ++cases;
    }
    mc_expect_int("depthwise simd == reference on 3000 random cases", failures, 0);
}

/* The 3x3 kernel takes blocks of four output channels: multiplier 1 on a multiple of 4 channels, or
 * a multiplier of 4k on any. */
static void random_3x3(void) {
    static const int32_t channels[] = {4, 8, 12, 16, 64};
    static const int32_t shared_channels[] = {1, 2, 3, 5};
    static const int32_t multipliers[] = {1, 1, 1, 4, 8};
    int32_t cases = 0, failures = 0;
    mc_rand_seed(96);
    while (cases < 3000) {
        mc_qconv2d_params p;
        const int32_t m = multipliers[rnd(0, (int32_t)(sizeof multipliers / sizeof multipliers[0]) - 1)];
        const int32_t in_c = m == 1 ? channels[rnd(0, (int32_t)(sizeof channels / sizeof channels[0]) - 1)]
                             : shared_channels[rnd(0, (int32_t)(sizeof shared_channels / sizeof shared_channels[0]) - 1)];
        if (!random_case(&p, 3, 3, rnd(1, 2), 1, in_c, m)) {
            continue;
        }
        failures += compare_3x3("mc_depthwise_conv2d_nhwc_s8_3x3", &p, rnd(0, 3) != 0);
        ++cases;
    }
    mc_expect_int("depthwise 3x3 == reference on 3000 random cases", failures, 0);
}

/* Rows of every width from 1 to 100 (one to seven strips of the kernel's ring), strides 1 to 4 along
 * rows and 1 to 5 down the columns, paddings 0 to 2 on each side, multipliers 1, 4 and 8, the full
 * int8 range and clamped ones, batches of 1 and 2. */
static void framed_rows(void) {
    static const int32_t multipliers[] = {1, 4, 8};
    int32_t width, failures = 0, cases = 0;
    mc_rand_seed(100);
    for (width = 1; width <= 100; ++width) {
        int32_t stride;
        for (stride = 1; stride <= 4; ++stride) {
            mc_qconv2d_params p;
            const int32_t m = multipliers[(width + stride) % 3];
            const int32_t pad_bottom = rnd(0, 2), pad_right = rnd(0, 2);
            if (!random_case(&p, 3, 3, stride, 1, m == 1 ? 4 * rnd(1, 2) : rnd(1, 2), m)) {
                p.in_h = 1;   /* random_case drew no output: start from its other fields */
            }
            p.batch = rnd(1, 2);
            p.in_w = width;
            p.in_h = rnd(1, 9);
            p.stride_h = rnd(0, 3) == 0 ? rnd(3, 5) : rnd(1, 2);   /* above 3: rows skipped */
            p.stride_w = stride;
            p.pad_top = rnd(0, 2);
            p.pad_left = rnd(0, 2);
            if (p.in_h + p.pad_top + pad_bottom < 3 || p.in_w + p.pad_left + pad_right < 3) {
                continue;
            }
            p.out_h = (p.in_h + p.pad_top + pad_bottom - 3) / p.stride_h + 1;
            p.out_w = (p.in_w + p.pad_left + pad_right - 3) / p.stride_w + 1;
            p.act_min = cases % 3 == 0 ? rnd(-128, 0) : -128;
            p.act_max = cases % 4 == 0 ? rnd(p.act_min, 127) : 127;
            failures += compare_3x3("3x3 framed rows", &p, 1);
            ++cases;
        }
    }
    mc_expect_true("framed-row cases ran", cases > 300);
    mc_expect_int("depthwise 3x3 == reference on every row width", failures, 0);
}

/* A random 3x3 case on one square image: in x in pixels, out x out outputs, padding 1 before. */
static void square_case(mc_qconv2d_params *p, int32_t stride, int32_t in_c, int32_t multiplier,
                        int32_t in, int32_t out, int32_t rounding) {
    random_case(p, 3, 3, stride, 1, in_c, multiplier);
    p->batch = 1;
    p->in_h = p->in_w = in;
    p->out_h = p->out_w = out;
    p->pad_top = p->pad_left = 1;
    p->rounding = (mc_rounding)rounding;
}

/* person_detect's layers: its first (96x96x1, multiplier 8, stride 2) and 3x3 stride-1 layers. */
static void mobilenet_shapes(void) {
    mc_qconv2d_params p;
    int32_t r, failures = 0;
    mc_rand_seed(7);
    for (r = 0; r < 2; ++r) {
        square_case(&p, 2, 1, 8, 21, 11, r);
        failures += compare("multiplier 8 stride 2", mc_depthwise_conv2d_nhwc_s8_simd, &p, 1);
        square_case(&p, 1, 64, 1, 7, 7, r);
        failures += compare("3x3 64 channels", mc_depthwise_conv2d_nhwc_s8_simd, &p, 1);
    }
    /* TFLite's SAME padding at stride 2 on an even size pads only after the input */
    square_case(&p, 2, 1, 8, 96, 48, MC_ROUND_DOUBLE);
    p.pad_top = p.pad_left = 0;
    failures += compare_3x3("3x3 96x96x1 multiplier 8 stride 2", &p, 1);
    square_case(&p, 1, 8, 1, 48, 48, MC_ROUND_DOUBLE);
    failures += compare_3x3("3x3 48x48x8", &p, 1);
    square_case(&p, 1, 64, 1, 12, 12, MC_ROUND_DOUBLE);
    failures += compare_3x3("3x3 12x12x64", &p, 1);
    square_case(&p, 2, 128, 1, 6, 3, MC_ROUND_DOUBLE);
    p.pad_top = p.pad_left = 0;
    failures += compare_3x3("3x3 6x6x128 stride 2", &p, 1);
    mc_expect_int("depthwise on MobileNet shapes", failures, 0);
}

void test_qdepthwise(void) {
    requantize_cases();
    smla_lanes();
    random_general();
    random_3x3();
    framed_rows();
    mobilenet_shapes();
    mc_expect_int("every 3x3 case fits the kernel's compact struct", compact_misfits, 0);
}
