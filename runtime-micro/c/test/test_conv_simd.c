/* The SIMD int8 convolution and fully connected kernels (mc_conv_simd) against the reference
 * kernels (mc_conv2d_nhwc_s8, mc_fully_connected_s8) on seeded random shapes, offsets, multipliers
 * and clamps, in both roundings: every output byte must be equal. The weights and bias are packed
 * here the way the compiler packs them (org.microcodegen.lower.Packings, described in
 * mc_conv_simd.h), from the reference's operands. */
#include "mc_conv_simd.h"
#include "mc_test.h"

#include <stdio.h>
#include <string.h>

#define CASE_MAX 6000
/* weights: the fully connected cases reach 700 x 20 */
#define WEIGHTS_MAX 14336

static uint32_t state = 12345u;

static int32_t rnd(int32_t lo, int32_t hi) {   /* uniform in [lo, hi] */
    state = state * 1664525u + 1013904223u;
    return lo + (int32_t)((state >> 8) % (uint32_t)(hi - lo + 1));
}

static int8_t in_buf[CASE_MAX], w_buf[WEIGHTS_MAX], packed_w[WEIGHTS_MAX + 4096];
static int8_t ref_out[CASE_MAX], simd_out[CASE_MAX + 1];
static int32_t bias_buf[64], packed_bias[64], mult[64];
static int8_t shift[64];          /* mc_qconv2d_params' int8 shifts */
static int32_t shift32[64];       /* the same for mc_qfc_params, which keeps int32 shifts */
static int32_t got[CASE_MAX], want[CASE_MAX];

/* Channel pairs, groups of four k per channel, zeros past K and for an odd count's last partner. */
static void pack_weights(const int8_t *w, int32_t out_c, int32_t k, int8_t *packed) {
    const int32_t kp = (k + 3) & ~3;
    int32_t c, g, j, i;
    for (c = 0; c < out_c; c += 2) {
        for (g = 0; g < kp; g += 4) {
            for (i = 0; i < 2; ++i) {
                for (j = 0; j < 4; ++j) {
                    const int32_t kk = g + j;
                    *packed++ = (c + i < out_c && kk < k) ? w[(c + i) * k + kk] : 0;
                }
            }
        }
    }
}

static void pack_bias(const int8_t *w, const int32_t *bias, int32_t out_c, int32_t k,
                      int32_t in_offset, int32_t *packed) {
    int32_t c, i;
    for (c = 0; c < out_c; ++c) {
        int32_t sum = 0;
        for (i = 0; i < k; ++i) {
            sum += w[c * k + i];
        }
        packed[c] = (bias != NULL ? bias[c] : 0) + in_offset * sum;
    }
}

/* usual_thirds of three layers (0..3) the usual case: every channel a right shift of 1 to 22, the
 * whole int8 range, which the SIMD convolution runs without a per-channel test (all_channels_fast)
 * and the pointwise kernel requires in double rounding (folded_epilogue) */
static void random_requantization(int32_t channels, int32_t usual_thirds, int32_t *in_offset,
                                  int32_t *out_offset, int32_t *act_min, int32_t *act_max) {
    const int usual = rnd(0, 2) < usual_thirds;
    int32_t c;
    for (c = 0; c < channels; ++c) {
        mult[c] = rnd(0, 3) == 0 ? (1 << 30) : rnd(1 << 30, 0x7FFFFFFF);   /* ties at 1 << 30 */
        shift[c] = (int8_t)(usual ? (rnd(0, 7) == 0 ? rnd(-22, -15) : rnd(-14, -1)) : rnd(-14, 1));
        shift32[c] = shift[c];
    }
    *in_offset = rnd(0, 5) == 0 ? (rnd(0, 1) ? -127 : 128) : rnd(-127, 128);
    *out_offset = rnd(-128, 127);
    *act_min = !usual && rnd(0, 2) == 0 ? rnd(-128, 0) : -128;
    *act_max = !usual && rnd(0, 2) == 0 ? rnd(*act_min, 127) : 127;
}

static void fill_random(int8_t *x, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        x[i] = (int8_t)rnd(-128, 127);
    }
}

/* A random layer of out_c channels of k weights reading in_n inputs: inputs, weights, bias (or none:
 * returns 0), requantization (usual_thirds: see random_requantization), and the weights and bias
 * packed as the compiler packs them. */
static int32_t random_layer(int32_t in_n, int32_t k, int32_t out_c, int32_t usual_thirds,
                            int32_t *in_offset, int32_t *out_offset, int32_t *act_min,
                            int32_t *act_max) {
    const int32_t with_bias = rnd(0, 3) != 0;
    int32_t c;
    fill_random(in_buf, in_n);
    fill_random(w_buf, k * out_c);
    for (c = 0; c < out_c; ++c) {
        bias_buf[c] = rnd(-70000, 70000);
    }
    random_requantization(out_c, usual_thirds, in_offset, out_offset, act_min, act_max);
    pack_weights(w_buf, out_c, k, packed_w);
    pack_bias(w_buf, with_bias ? bias_buf : NULL, out_c, k, *in_offset, packed_bias);
    return with_bias;
}

static int32_t compare(const char *what, int32_t n, int32_t case_no) {
    char name[96];
    int32_t i;
    for (i = 0; i < n; ++i) {
        got[i] = simd_out[i];
        want[i] = ref_out[i];
    }
    if (simd_out[n] != 0x5A) {
        (void)snprintf(name, sizeof name, "%s case %ld wrote past its output", what, (long)case_no);
        mc_expect_true(name, 0);
        return 0;
    }
    if (memcmp(got, want, (size_t)n * sizeof got[0]) != 0) {
        (void)snprintf(name, sizeof name, "%s case %ld", what, (long)case_no);
        mc_expect_equal_i32(name, got, want, n);
        return 0;
    }
    return 1;
}

/* The output size of one dimension, or 0 when the window does not fit. */
static int32_t out_size(int32_t in, int32_t pad_before, int32_t pad_after, int32_t k,
                        int32_t stride, int32_t dilation) {
    const int32_t span = in + pad_before + pad_after - dilation * (k - 1) - 1;
    return span < 0 ? 0 : span / stride + 1;
}

/* The weights [out_c][k_h][k_w][1] of a one-channel convolution as the depthwise reference's
 * [1][k_h][k_w][out_c] (depth multiplier out_c). */
static void depthwise_weights(const int8_t *w, int32_t out_c, int32_t taps, int8_t *dw) {
    int32_t c, t;
    for (c = 0; c < out_c; ++c) {
        for (t = 0; t < taps; ++t) {
            dw[t * out_c + c] = w[c * taps + t];
        }
    }
}

/* The pointwise kernel's precondition, as the compiler checks it (Shapes.SIMD_POINTWISE): double
 * rounding, no clamp inside int8, every channel's shift in [-22, -1], |out_offset| <= 256. */
static int folded_epilogue(const mc_qconv2d_params *p) {
    int32_t c;
    if (p->rounding != MC_ROUND_DOUBLE || p->act_min != -128 || p->act_max != 127
        || p->out_offset < -256 || p->out_offset > 256) {
        return 0;
    }
    for (c = 0; c < p->out_c; ++c) {
        if (p->out_shift[c] < -22 || p->out_shift[c] > -1) {
            return 0;
        }
    }
    return 1;
}

/* The pointwise kernel's parameters for the 1x1 layer p, as the compiler narrows them
 * (org.microcodegen.lower.CParams.QPOINTWISE). */
static mc_qpointwise_params pointwise_params(const mc_qconv2d_params *p) {
    mc_qpointwise_params q;
    q.pixels = p->batch * p->out_h * p->out_w;
    q.in_c = (uint16_t)p->in_c;
    q.out_c = (uint16_t)p->out_c;
    q.out_offset = (int16_t)p->out_offset;
    q.out_mult = p->out_mult;
    q.out_shift = p->out_shift;
    return q;
}

/* How many layers ran through the pointwise kernel (its precondition held). */
static int32_t pointwise_runs;

/* Random data for the layer p describes (its shape set), the reference's outputs against
 * mc_conv2d_s8_simd's in both roundings; pointwise shapes (most of them in the usual case) also
 * through the 1x1 entry where its precondition holds, one-channel ones also against the depthwise
 * reference (the layer the compiler maps onto this kernel). */
static int32_t check_conv(mc_qconv2d_params *p, int32_t case_no, int pointwise, const char *what) {
    static int8_t dw_buf[CASE_MAX];
    const int32_t k = p->k_h * p->k_w * p->in_c;
    const int32_t in_n = p->batch * p->in_h * p->in_w * p->in_c;
    const int32_t out_n = p->batch * p->out_h * p->out_w * p->out_c;
    int32_t with_bias, ok = 1, r;
    if (p->out_h < 1 || p->out_w < 1) {
        return 1;   /* no output: not a layer */
    }
    if (in_n > CASE_MAX || out_n > CASE_MAX || k * p->out_c > CASE_MAX
        || ((k + 3) & ~3) > MC_CONV_SIMD_MAX_K) {
        return 1;
    }
    with_bias = random_layer(in_n, k, p->out_c, pointwise ? 2 : 1, &p->in_offset, &p->out_offset,
                             &p->act_min, &p->act_max);
    p->out_mult = mult;
    p->out_shift = shift;
    for (r = 0; r < 2; ++r) {
        p->rounding = (mc_rounding)r;
        p->depth_multiplier = 1;
        mc_conv2d_nhwc_s8(in_buf, w_buf, with_bias ? bias_buf : NULL, ref_out, p);
        simd_out[out_n] = 0x5A;
        mc_conv2d_s8_simd(in_buf, packed_w, packed_bias, simd_out, p);
        ok &= compare(what, out_n, case_no);
        if (pointwise && folded_epilogue(p)) {
            const mc_qpointwise_params q = pointwise_params(p);
            simd_out[out_n] = 0x5A;
            mc_conv2d_1x1_s8_simd(in_buf, packed_w, packed_bias, simd_out, &q);
            ok &= compare("conv 1x1 simd", out_n, case_no);
            ++pointwise_runs;
        }
        if (p->in_c == 1) {
            depthwise_weights(w_buf, p->out_c, k, dw_buf);
            p->depth_multiplier = p->out_c;
            mc_depthwise_conv2d_nhwc_s8(in_buf, dw_buf, with_bias ? bias_buf : NULL, ref_out, p);
            p->depth_multiplier = 1;
            ok &= compare("conv simd against the depthwise reference", out_n, case_no);
        }
    }
    return ok;
}

/* One random convolution; pointwise: 1x1, stride 1, unpadded, run by both entry points. */
static int32_t conv_case(int32_t case_no, int pointwise) {
    mc_qconv2d_params p;
    int32_t pad_bottom, pad_right;
    memset(&p, 0, sizeof p);
    p.batch = rnd(1, 2);
    p.in_c = rnd(0, 4) == 0 ? rnd(9, 40) : rnd(1, 8);
    p.out_c = rnd(0, 4) == 0 ? rnd(10, 40) : rnd(1, 9);
    if (pointwise) {
        p.k_h = p.k_w = p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
        p.in_h = p.out_h = rnd(1, 6);
        p.in_w = p.out_w = rnd(1, 7);
    } else {
        p.k_h = rnd(1, 4);
        p.k_w = rnd(1, 4);
        p.stride_h = rnd(1, 3);
        p.stride_w = rnd(1, 3);
        p.dilation_h = rnd(0, 3) == 0 ? 2 : 1;
        p.dilation_w = rnd(0, 3) == 0 ? 2 : 1;
        p.pad_top = rnd(0, p.k_h - 1);
        p.pad_left = rnd(0, p.k_w - 1);
        pad_bottom = rnd(0, p.k_h - 1);
        pad_right = rnd(0, p.k_w - 1);
        p.in_h = rnd(1, 9);
        p.in_w = rnd(1, 9);
        p.out_h = out_size(p.in_h, p.pad_top, pad_bottom, p.k_h, p.stride_h, p.dilation_h);
        p.out_w = out_size(p.in_w, p.pad_left, pad_right, p.k_w, p.stride_w, p.dilation_w);
    }
    return check_conv(&p, case_no, pointwise, pointwise ? "conv simd (1x1 shape)" : "conv simd");
}

/* The gathering path's cases: few input channels (1..4) and kernel rows whose k_w * in_c is often
 * a multiple of four (rows widened straight from the input) or not (gathered), windows up to
 * micro_speech's 10x8, padding on every side up to a whole window (columns and rows wholly
 * outside), images narrower than a word, stride 1..3, dilation, odd pixel counts, two images. */
static int32_t gather_case(int32_t case_no) {
    mc_qconv2d_params p;
    int32_t pad_bottom, pad_right;
    memset(&p, 0, sizeof p);
    p.batch = rnd(0, 3) == 0 ? 2 : 1;
    p.in_c = rnd(0, 3) == 0 ? 4 : rnd(1, 3);
    p.out_c = rnd(1, 10);
    p.k_h = rnd(1, 10);
    /* a whole number of words per kernel row half the time */
    p.k_w = rnd(0, 1) == 0 ? 4 * rnd(1, 2) / (p.in_c == 3 ? 1 : p.in_c) : rnd(1, 8);
    if (p.k_w < 1) {
        p.k_w = 1;
    }
    p.stride_h = rnd(1, 3);
    p.stride_w = rnd(1, 3);
    p.dilation_h = rnd(0, 4) == 0 ? 2 : 1;
    p.dilation_w = rnd(0, 4) == 0 ? 2 : 1;
    p.pad_top = rnd(0, p.dilation_h * (p.k_h - 1) + (rnd(0, 5) == 0));
    p.pad_left = rnd(0, p.dilation_w * (p.k_w - 1) + (rnd(0, 5) == 0));
    pad_bottom = rnd(0, p.dilation_h * (p.k_h - 1) + (rnd(0, 5) == 0));
    pad_right = rnd(0, p.dilation_w * (p.k_w - 1) + (rnd(0, 5) == 0));
    p.in_h = rnd(1, 14);
    p.in_w = rnd(0, 4) == 0 ? rnd(1, 3) : rnd(1, 16);
    p.out_h = out_size(p.in_h, p.pad_top, pad_bottom, p.k_h, p.stride_h, p.dilation_h);
    p.out_w = out_size(p.in_w, p.pad_left, pad_right, p.k_w, p.stride_w, p.dilation_w);
    return check_conv(&p, case_no, 0, "conv simd (gathering)");
}

/* micro_speech's first layer: 49x40x1, 10x8 window, stride 2, SAME padding, 8 channels. */
static int32_t micro_speech_case(int32_t case_no) {
    mc_qconv2d_params p;
    memset(&p, 0, sizeof p);
    p.batch = 1;
    p.in_h = 49;
    p.in_w = 40;
    p.in_c = 1;
    p.out_c = 8;
    p.k_h = 10;
    p.k_w = 8;
    p.stride_h = p.stride_w = 2;
    p.dilation_h = p.dilation_w = 1;
    p.pad_top = 4;
    p.pad_left = 3;
    p.out_h = 25;
    p.out_w = 20;
    return check_conv(&p, case_no, 0, "conv simd (micro_speech's layer)");
}

/* A random fully connected layer: 1 to 700 inputs (odd lengths, a partial last group of four), 1 to
 * 20 outputs (a lone last channel pair, an odd last channel), 1 to 3 batches, per-tensor or
 * per-channel, with or without bias; always in the SIMD kernel's precondition (right shifts of 1 to
 * 22, all of int8). */
static int32_t fc_case(int32_t case_no) {
    mc_qfc_params p;
    mc_qfc_simd_params q;
    int32_t out_n, with_bias, ok = 1, r;
    memset(&p, 0, sizeof p);
    p.batches = rnd(1, 3);
    p.in_depth = rnd(0, 3) == 0 ? rnd(13, 700) : rnd(1, 12);
    p.out_depth = rnd(0, 4) == 0 ? rnd(12, 20) : rnd(1, 11);
    p.per_channel = rnd(0, 1);
    out_n = p.batches * p.out_depth;
    with_bias = random_layer(p.batches * p.in_depth, p.in_depth, p.out_depth, 3, &p.in_offset,
                             &p.out_offset, &p.act_min, &p.act_max);
    p.out_mult = mult;
    p.out_shift = shift32;
    q.batches = (uint16_t)p.batches;
    q.in_depth = (uint16_t)p.in_depth;
    q.out_depth = (uint16_t)p.out_depth;
    q.out_offset = (int16_t)p.out_offset;
    q.per_channel = (uint8_t)p.per_channel;
    q.out_mult = mult;
    q.out_shift = shift32;
    for (r = 0; r < 2; ++r) {
        p.rounding = (mc_rounding)r;
        q.double_rounding = (uint8_t)(p.rounding == MC_ROUND_DOUBLE);
        mc_fully_connected_s8(in_buf, w_buf, with_bias ? bias_buf : NULL, ref_out, &p);
        simd_out[out_n] = 0x5A;
        mc_fully_connected_s8_simd(in_buf, packed_w, packed_bias, simd_out, &q);
        ok &= compare("fully connected simd", out_n, case_no);
    }
    return ok;
}

/* The SIMD32 helpers the kernels rely on, by hand (the portable definitions on the host). */
static void simd_helpers(void) {
    mc_expect_int("sxtb16 bytes 0 and 2", (int64_t)mc_sxtb16(0x80FF7F01u), (int64_t)0xFFFF0001u);
    mc_expect_int("sxtb16 of ror 8: bytes 1 and 3", (int64_t)mc_sxtb16(mc_ror(0x80FF7F01u, 8)),
                  (int64_t)0xFF80007Fu);
    mc_expect_int("smlad -128 * -128 twice", mc_smlad(0xFF80FF80u, 0xFF80FF80u, 5), 32773);
}

void test_conv_simd(void) {
    int32_t i, passed = 0, cases = 0;
    simd_helpers();
    for (i = 0; i < 400; ++i, ++cases) {
        passed += conv_case(i, 0);
    }
    for (i = 0; i < 200; ++i, ++cases) {
        passed += conv_case(i, 1);
    }
    for (i = 0; i < 400; ++i, ++cases) {
        passed += gather_case(i);
    }
    for (i = 0; i < 2; ++i, ++cases) {
        passed += micro_speech_case(i);
    }
    for (i = 0; i < 300; ++i, ++cases) {
        passed += fc_case(i);
    }
    mc_expect_int("random simd conv / fc cases all bit-exact", passed, cases);
    /* two thirds of the 200 pointwise layers in the usual case, in one rounding of two */
    mc_expect_true("the pointwise kernel ran on at least 100 layers", pointwise_runs >= 100);
}
