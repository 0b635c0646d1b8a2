#include "mc_qadd_fast.h"

/* One input's rescaling on the fast path: 2 * (x + offset) * 2^left_shift = (x << (left_shift + 1))
 * + base, then floor((SMMULR(that, mult) + half - [negative]) / 2^rshift). */
typedef struct {
    int32_t base, mult, half, rshift;
} input_scale;

typedef struct {
    input_scale in1, in2;
    int32_t left_shift, mult, nudge, rshift, act_min, act_max;
} fast_add;

/* Whether the fast path is exact for p, and its constants (see mc_qadd_fast.h). */
static int fast_of(const mc_qadd_params *p, fast_add *f) {
    f->act_min = p->act_min;
    f->act_max = p->act_max;
    if (p->rounding != MC_ROUND_DOUBLE || p->left_shift < 0 || p->left_shift > 20
        || p->in1_mult < 0 || p->in2_mult < 0 || p->out_mult < 0
        || p->in1_shift > 0 || p->in2_shift > 0 || p->out_shift > -1 || p->out_shift < -22
        || p->in1_offset < -255 || p->in1_offset > 255 || p->in2_offset < -255 || p->in2_offset > 255) {
        return 0;
    }
    f->left_shift = p->left_shift + 1;
    f->in1.base = p->in1_offset * (1 << f->left_shift);
    f->in1.mult = p->in1_mult;
    f->in1.rshift = -p->in1_shift;
    f->in1.half = (int32_t)(((int64_t)1 << f->in1.rshift) >> 1);
    f->in2.base = p->in2_offset * (1 << f->left_shift);
    f->in2.mult = p->in2_mult;
    f->in2.rshift = -p->in2_shift;
    f->in2.half = (int32_t)(((int64_t)1 << f->in2.rshift) >> 1);
    f->mult = p->out_mult;
    f->rshift = -p->out_shift;
    f->nudge = (1 << (f->rshift - 1)) + p->out_offset * (1 << f->rshift);
    return 1;
}

/* |x + offset| <= 510, so the doubled shifted value stays below 2^30 and its rescaled value below
 * 2^29. TFLite gives the input with the larger scale the multiplier 0.5 exactly, shift 0: then
 * there is no rounding divide (divides is 0), else the divide by 2^rshift, rshift >= 1. */
#if defined(__GNUC__)
#define MC_QADD_INLINE static inline __attribute__((always_inline))
#else
#define MC_QADD_INLINE static inline
#endif

MC_QADD_INLINE int32_t rescale(int32_t x, const input_scale *s, int32_t left_shift, int divides) {
    const int32_t h = mc_smmulr(x * (1 << left_shift) + s->base, s->mult);
    return divides ? mc_asr32(h + s->half + (h < 0 ? -1 : 0), s->rshift) : h;
}

/* The sum of two rescaled inputs is below 2^30 in magnitude: doubled it fits, and the nudge (at
 * most 2^21 + 128 * 2^22) keeps the last sum inside 32 bits. */
MC_QADD_INLINE int8_t add_fast(int32_t x, int32_t y, const fast_add *f, int divides1, int divides2) {
    const int32_t raw = rescale(x, &f->in1, f->left_shift, divides1) + rescale(y, &f->in2, f->left_shift, divides2);
    const int32_t h = mc_smmulr(raw * 2, f->mult);
    const int32_t v = mc_asr32(h + f->nudge + (h < 0 ? -1 : 0), f->rshift);
    return (int8_t)mc_clamp_i32(v, f->act_min, f->act_max);
}

/* The reference's arithmetic with mc_requantize_fast (any constants, either rounding). */
static int8_t add_exact(int32_t x, int32_t y, const mc_qadd_params *p) {
    const int32_t sx = (x + p->in1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t sy = (y + p->in2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t raw = mc_requantize_fast(sx, p->in1_mult, p->in1_shift, p->rounding)
                        + mc_requantize_fast(sy, p->in2_mult, p->in2_shift, p->rounding);
    const int32_t o = mc_requantize_fast(raw, p->out_mult, p->out_shift, p->rounding) + p->out_offset;
    return (int8_t)mc_clamp_i32(o, p->act_min, p->act_max);
}

/* n outputs on the fast path, the rounding divides of the two inputs (see rescale) constants. */
MC_QADD_INLINE void row_fast(const int8_t *x, const int8_t *y, int32_t sa, int32_t sb, int32_t n, int8_t *out,
                             const fast_add *f, int divides1, int divides2) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = add_fast(*x, *y, f, divides1, divides2);
        x += sa;
        y += sb;
    }
}

/* n outputs from x and y (sa, sb elements apart: 0 for a broadcast operand). */
static void row(const int8_t *x, const int8_t *y, int32_t sa, int32_t sb, int32_t n, int8_t *out,
                const mc_qadd_params *p, const fast_add *f, int fast) {
    int32_t i;
    if (!fast) {
        for (i = 0; i < n; ++i) {
            out[i] = add_exact(x[i * sa], y[i * sb], p);
        }
    } else if (f->in1.rshift == 0 && f->in2.rshift == 0) {
        row_fast(x, y, sa, sb, n, out, f, 0, 0);
    } else if (f->in1.rshift == 0) {
        row_fast(x, y, sa, sb, n, out, f, 0, 1);
    } else if (f->in2.rshift == 0) {
        row_fast(x, y, sa, sb, n, out, f, 1, 0);
    } else {
        row_fast(x, y, sa, sb, n, out, f, 1, 1);
    }
}

/* Walks the outer output axes as mc_add_s8 does (an odometer keeping both operand offsets). */
void mc_add_s8_fast(const int8_t *a, const int8_t *b, int8_t *out, const mc_qadd_params *p) {
    const mc_bcast *bc = &p->bc;
    const int32_t last = bc->rank - 1;
    const int32_t n = bc->out_dims[last];
    const int32_t rows = mc_bcast_rows(bc);
    int32_t idx[MC_MAX_RANK] = {0};
    int32_t a_off = 0, b_off = 0, r;
    fast_add f;
    const int fast = fast_of(p, &f);
    for (r = 0; r < rows; ++r) {
        row(a + a_off, b + b_off, bc->a_strides[last], bc->b_strides[last], n, out, p, &f, fast);
        out += n;
        mc_bcast_next_row(bc, idx, &a_off, &b_off);
    }
}
