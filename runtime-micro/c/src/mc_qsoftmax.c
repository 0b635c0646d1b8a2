#include "mc_qsoftmax.h"

/* The integer bits of the rescaled input difference (Q5.26) and of the sum of exps (Q12.19). */
#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12

/* What one int8 row needs before its outputs can be written. */
typedef struct {
    int32_t max;
    int32_t shifted_scale;  /* Q0: 1 / sum_of_exps without its power of two */
    int32_t exponent;       /* the power of two, including the output type's width */
} row_scale;

/* exp(beta * (x - max)) in Q0 for an int8 input difference >= diff_min. */
MC_FP_OUTLINE int32_t exp_of_diff(int32_t diff, const mc_qsoftmax_params *p) {
    const int32_t scaled = mc_requantize(diff, p->input_multiplier, p->input_left_shift, p->rounding);
    return mc_fp_exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS);
}

static row_scale softmax_s8_row_scale(const int8_t *x, const mc_qsoftmax_params *p, int32_t out_bits) {
    row_scale s;
    int32_t sum_of_exps = 0;
    int32_t c, headroom_plus_one;
    s.max = -128;
    for (c = 0; c < p->depth; ++c) {
        if (x[c] > s.max) {
            s.max = x[c];
        }
    }
    for (c = 0; c < p->depth; ++c) {
        const int32_t diff = x[c] - s.max;
        if (diff >= p->diff_min) {
            sum_of_exps = mc_fp_add(sum_of_exps,
                                    mc_rounding_divide_by_pot(exp_of_diff(diff, p), ACCUMULATION_INTEGER_BITS));
        }
    }
    /* GetReciprocal: sum = 2^num_bits_over_unit * (1 + f), f in [0, 1) */
    headroom_plus_one = mc_clz32((uint32_t)sum_of_exps);
    s.shifted_scale = mc_fp_one_over_one_plus_x_for_x_in_0_1(
            mc_wrap_i32(((uint32_t)sum_of_exps << headroom_plus_one) - 0x80000000u));
    s.exponent = (ACCUMULATION_INTEGER_BITS - headroom_plus_one) + 31 - out_bits;
    return s;
}

/* The output of one element, before the cast to the output type (whose minimum is out_min). */
static int32_t softmax_s8_output(int32_t x, const row_scale *s, const mc_qsoftmax_params *p,
                                 int32_t out_min) {
    const int32_t diff = x - s->max;
    if (diff < p->diff_min) {
        return out_min;
    }
    return mc_clamp_i32(mc_rounding_divide_by_pot(mc_fp_mul(s->shifted_scale, exp_of_diff(diff, p)),
                                                  s->exponent) + out_min,
                        out_min, -out_min - 1);
}

void mc_softmax_s8(const int8_t *in, int8_t *out, const mc_qsoftmax_params *p) {
    int32_t o, c;
    for (o = 0; o < p->outer; ++o) {
        const int8_t *x = in + (size_t)o * (size_t)p->depth;
        int8_t *y = out + (size_t)o * (size_t)p->depth;
        const row_scale s = softmax_s8_row_scale(x, p, 8);
        for (c = 0; c < p->depth; ++c) {
            y[c] = (int8_t)softmax_s8_output(x[c], &s, p, -128);
        }
    }
}

void mc_softmax_s8_s16(const int8_t *in, int16_t *out, const mc_qsoftmax_params *p) {
    int32_t o, c;
    for (o = 0; o < p->outer; ++o) {
        const int8_t *x = in + (size_t)o * (size_t)p->depth;
        int16_t *y = out + (size_t)o * (size_t)p->depth;
        const row_scale s = softmax_s8_row_scale(x, p, 16);
        for (c = 0; c < p->depth; ++c) {
            y[c] = (int16_t)softmax_s8_output(x[c], &s, p, -32768);
        }
    }
}

void mc_softmax_s16(const int16_t *in, int16_t *out, const mc_qsoftmax_params *p) {
    int32_t o, c;
    for (o = 0; o < p->outer; ++o) {
        const int16_t *x = in + (size_t)o * (size_t)p->depth;
        int16_t *y = out + (size_t)o * (size_t)p->depth;
        int32_t max = -32768;
        int32_t sum_of_exps = 0; /* Q16.15 */
        int32_t headroom_plus_one, shifted_sum, right_shift;
        int16_t reciprocal;
        for (c = 0; c < p->depth; ++c) {
            if (x[c] > max) {
                max = x[c];
            }
        }
        for (c = 0; c < p->depth; ++c) {
            /* the difference rescaled so that [-65535, 0] is [-10, 0], recentred on the table */
            const int32_t scaled = mc_requantize(x[c] - max, p->input_multiplier,
                                                 p->input_left_shift, p->rounding);
            const int16_t e = mc_lut_lookup_s16(
                    (int16_t)mc_clamp_i32(scaled + 32767, -32768, 32767), p->exp_lut);
            y[c] = e;
            sum_of_exps += e;
        }
        /* 1 / sum through the 1/(1+x) table: sum normalised to [1, 2), x = sum - 1 */
        headroom_plus_one = mc_clz32((uint32_t)sum_of_exps);
        shifted_sum = (int32_t)mc_asr64(((int64_t)sum_of_exps * ((int64_t)1 << (headroom_plus_one - 1)))
                                        + (1 << 13), 14);
        reciprocal = mc_lut_lookup_s16(
                (int16_t)mc_clamp_i32(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767),
                p->one_over_one_plus_x_lut);
        right_shift = 31 - headroom_plus_one;
        for (c = 0; c < p->depth; ++c) {
            const int64_t product = (int64_t)y[c] * reciprocal + ((int64_t)1 << (right_shift - 1));
            y[c] = (int16_t)mc_clamp_i32((int32_t)mc_asr64(product, right_shift), 0, 32767);
        }
    }
}
