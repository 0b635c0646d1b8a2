#include "mc_qsoftmax_fast.h"

/* The integer bits of the rescaled input difference (Q5.26) and of the sum of exps (Q12.19), as in
 * the reference. */
#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12

/* exp(beta * (x - max)) in Q0 for an input difference >= diff_min. */
static int32_t exp_of_diff(int32_t diff, const mc_qsoftmax_params *p) {
    const int32_t scaled = mc_requantize_fast(diff, p->input_multiplier, p->input_left_shift, p->rounding);
    return mc_fp_exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS);
}

void mc_softmax_s8_fast(const int8_t *in, int8_t *out, const mc_qsoftmax_params *p) {
    int32_t exps[MC_SOFTMAX_FAST_CACHE];
    int32_t o, c;
    for (o = 0; o < p->outer; ++o) {
        const int8_t *x = in + (size_t)o * (size_t)p->depth;
        int8_t *y = out + (size_t)o * (size_t)p->depth;
        int32_t max = -128, sum_of_exps = 0, headroom_plus_one, shifted_scale, exponent;
        for (c = 0; c < p->depth; ++c) {
            max = x[c] > max ? x[c] : max;
        }
        for (c = 0; c < p->depth; ++c) {
            const int32_t diff = x[c] - max;
            if (diff >= p->diff_min) {
                const int32_t e = exp_of_diff(diff, p);
                if (c < MC_SOFTMAX_FAST_CACHE) {
                    exps[c] = e;
                }
                sum_of_exps = mc_fp_add(sum_of_exps, mc_rounding_divide_by_pot(e, ACCUMULATION_INTEGER_BITS));
            }
        }
        /* the reciprocal of the sum: sum = 2^num_bits_over_unit * (1 + f), f in [0, 1) */
        headroom_plus_one = mc_clz32((uint32_t)sum_of_exps);
        shifted_scale = mc_fp_one_over_one_plus_x_for_x_in_0_1(
                mc_wrap_i32(((uint32_t)sum_of_exps << headroom_plus_one) - 0x80000000u));
        exponent = (ACCUMULATION_INTEGER_BITS - headroom_plus_one) + 31 - 8;
        for (c = 0; c < p->depth; ++c) {
            const int32_t diff = x[c] - max;
            int32_t v = -128;
            if (diff >= p->diff_min) {
                const int32_t e = c < MC_SOFTMAX_FAST_CACHE ? exps[c] : exp_of_diff(diff, p);
                v = mc_clamp_i32(mc_rounding_divide_by_pot(mc_fp_mul(shifted_scale, e), exponent) - 128,
                                 -128, 127);
            }
            y[c] = (int8_t)v;
        }
    }
}
