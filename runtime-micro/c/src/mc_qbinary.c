#include "mc_qbinary.h"

/* The reference's per-element arithmetic, on int32 values already widened from the input type. */
static int32_t add_sub(int32_t x, int32_t y, int32_t subtract, const mc_qadd_params *p) {
    /* (v + offset) * 2^left_shift fits: |v + offset| < 2^16 and left_shift <= 15 for int16,
     * |v + offset| < 2^9 and left_shift 20 for int8. */
    const int32_t sx = (x + p->in1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t sy = (y + p->in2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t rx = mc_requantize(sx, p->in1_mult, p->in1_shift, p->rounding);
    const int32_t ry = mc_requantize(sy, p->in2_mult, p->in2_shift, p->rounding);
    const int32_t raw = subtract ? rx - ry : rx + ry;
    const int32_t o = mc_requantize(raw, p->out_mult, p->out_shift, p->rounding) + p->out_offset;
    return mc_clamp_i32(o, p->act_min, p->act_max);
}

static int32_t mul(int32_t x, int32_t y, const mc_qmul_params *p) {
    const int32_t prod = (x + p->in1_offset) * (y + p->in2_offset);
    const int32_t o = mc_requantize(prod, p->out_mult, p->out_shift, p->rounding) + p->out_offset;
    return mc_clamp_i32(o, p->act_min, p->act_max);
}

/* Walks the outer output axes with an odometer keeping both operand offsets up to date (as
 * mc_binary.c does) and applies EXPR to every element of each innermost row. */
#define MC_QBINARY(name, T, PARAMS, EXPR)                                                        \
    void name(const T *a, const T *b, T *out, const PARAMS *p) {                                 \
        const mc_bcast *bc = &p->bc;                                                             \
        const int32_t last = bc->rank - 1;                                                       \
        const int32_t n = bc->out_dims[last];                                                    \
        const int32_t sa = bc->a_strides[last];                                                  \
        const int32_t sb = bc->b_strides[last];                                                  \
        int32_t idx[MC_MAX_RANK] = {0};                                                          \
        const int32_t rows = mc_bcast_rows(bc);                                                  \
        int32_t a_off = 0, b_off = 0, r, i;                                                      \
        for (r = 0; r < rows; ++r) {                                                             \
            const T *x = a + a_off;                                                              \
            const T *y = b + b_off;                                                              \
            for (i = 0; i < n; ++i) {                                                            \
                out[i] = (T)(EXPR);                                                              \
            }                                                                                    \
            out += n;                                                                            \
            mc_bcast_next_row(bc, idx, &a_off, &b_off);                                          \
        }                                                                                        \
    }

MC_QBINARY(mc_add_s8, int8_t, mc_qadd_params, add_sub(x[i * sa], y[i * sb], 0, p))
MC_QBINARY(mc_add_s16, int16_t, mc_qadd_params, add_sub(x[i * sa], y[i * sb], 0, p))
MC_QBINARY(mc_sub_s8, int8_t, mc_qadd_params, add_sub(x[i * sa], y[i * sb], 1, p))
MC_QBINARY(mc_sub_s16, int16_t, mc_qadd_params, add_sub(x[i * sa], y[i * sb], 1, p))
MC_QBINARY(mc_mul_s8, int8_t, mc_qmul_params, mul(x[i * sa], y[i * sb], p))
MC_QBINARY(mc_mul_s16, int16_t, mc_qmul_params, mul(x[i * sa], y[i * sb], p))
