#include "mc_conv2d.h"

/* Loop structure
 * --------------
 * Three paths share the code below:
 *   - 1x1, stride 1, no padding, groups 1 (pointwise): a matrix product
 *     out[oc][hw] = sum over ic of w[oc][ic] * in[ic][hw], tiles of 4 output channels x 6 columns
 *     (with stride_w 2, any stride_h: the same tiles row by row, every other input column);
 *   - depthwise (groups == in_c: one input plane per group, so per output plane): the per-plane
 *     code below with the input-channel loops compiled out;
 *   - everything else (general, grouped, dilated).
 * Outside the pointwise path every output plane is computed from the in_c/groups input planes of
 * its group. For each output row we compute once which kernel rows fall inside the input
 * ([kh_begin, kh_end)), and the output columns split into three runs: left border, interior
 * (every kernel column inside the input) and right border. The interior, which holds nearly all the
 * work, runs with no bounds test at all and produces blocks of adjacent outputs at once so that
 * each weight loaded feeds several accumulators held in registers. The borders compute the valid
 * kernel column range per output.
 *
 * For the common shapes (k_w 3 or 5 with stride_w 1, k_w 3 or 4 with stride_w 2, dilation_w 1;
 * k_w 4 stride 2 is the keyword-spotting DS-CNN's first layer) the compiler calls an entry
 * point whose interior has constant k_w, stride and block width, so that the C compiler fully
 * unrolls the tap and block loops (the unroll pragmas) and keeps the block's accumulators in
 * registers; each entry point holds one interior, so a model links only the ones it uses. Sums run over input
 * channel, kernel row, kernel column; the bias is in the sum before the fused activation.
 *
 * The unrolled blocks store plain sums and the fused activation runs afterwards over each finished
 * output row (pointwise: each group of planes), in one loop: inside the blocks it would be copied
 * into every unrolled output and was 40% of the code. */

/* The specialised interior relies on inlining to turn its parameters into constants. */
#if defined(__GNUC__)
#define MC_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define MC_ALWAYS_INLINE static inline
#endif

/* What the inner loops need about the current output row. */
typedef struct {
    const float *x;      /* input (first channel of the group, first valid kernel row, column 0) */
    int32_t iw0;         /* input column of output column 0's first tap: -pad_left */
    const float *w;      /* weights of the output channel at the first valid kernel row */
    int32_t rows;        /* valid kernel rows */
    int32_t x_plane;     /* floats between input planes */
    int32_t x_row;       /* floats between two kernel rows in the input: dilation_h * in_w */
    int32_t w_plane;     /* floats between the kernels of two input channels: k_h * k_w */
    int32_t k_w;
    float bias;
    int32_t w_pair;      /* floats from these weights to the paired output channel's (0: none) */
    float bias_pair;     /* the paired output channel's bias */
} conv_row;

/* The fused activation over n outputs, in place, bit for bit as mc_apply_act, but tested on each
 * float's bits: read as unsigned integers, the floats in [+0, 6] are exactly the patterns
 * [0, bits(6.0f)], the positive finite ones and +inf those up to 0x7F800000, and every pattern
 * above that is a NaN or has its sign bit set (negative, -0, negative NaN), all of which
 * mc_apply_act maps to +0. The common case, a value left as it is, is one integer compare and no
 * store, against a float compare, a flag transfer and a store. */
static void activate(float *x, int32_t n, mc_act act) {
    float *const end = x + n;
    union {
        float f;
        uint32_t u;
    } v;
    if (act == MC_ACT_RELU) {
        for (; x < end; ++x) {
            v.f = *x;
            if (v.u > 0x7F800000u) {
                *x = 0.0f;
            }
        }
    } else if (act == MC_ACT_RELU6) {
        for (; x < end; ++x) {
            v.f = *x;
            if (v.u > 0x40C00000u) {   /* 6.0f */
                *x = v.u > 0x7F800000u ? 0.0f : 6.0f;
            }
        }
    }
}

/* Taps [*k_begin, *k_end) whose input coordinate start + k * dilation lies in [0, size). */
static void valid_taps(int32_t start, int32_t k_size, int32_t dilation, int32_t size,
                       int32_t *k_begin, int32_t *k_end) {
    int32_t b = 0;
    int32_t e = k_size;
    if (start < 0) {
        b = (-start + dilation - 1) / dilation;   /* ceil(-start / dilation) */
    }
    if (start + (k_size - 1) * dilation >= size) {
        /* last valid tap k: start + k * dilation <= size - 1 */
        e = size - 1 - start < 0 ? 0 : (size - 1 - start) / dilation + 1;
    }
    *k_begin = b;
    *k_end = e < b ? b : e;
}

/* One output at input column iw (the kernel's first column), using kernel columns
 * [kw_begin, kw_end) only: the general case, any stride and dilation, used for border columns and
 * for shapes without a specialised interior. icg is a constant (1) in the depthwise path. */
MC_ALWAYS_INLINE float conv_point(const conv_row *r, int32_t icg, int32_t iw, int32_t kw_begin,
                                  int32_t kw_end, int32_t dw) {
    const int32_t taps = kw_end - kw_begin;
    const float *xc = r->x + iw + kw_begin * dw;
    const float *wc = r->w + kw_begin;
    float acc = r->bias;
    int32_t ic, kh, t;
    for (ic = 0; ic < icg; ++ic) {
        const float *x = xc + ic * r->x_plane;
        const float *w = wc + ic * r->w_plane;
        for (kh = 0; kh < r->rows; ++kh) {
            const float *xt = x;
            for (t = 0; t < taps; ++t, xt += dw) {
                acc += *xt * w[t];
            }
            x += r->x_row;
            w += r->k_w;
        }
    }
    return acc;
}

/* One border output (input column iw) of noc (1 or 2) paired output channels, as conv_point
 * with kernel columns [kw0, kw0 + taps) and dilation 1, for constant taps (and noc, k_w): the
 * taps unrolled and each input load shared by the pair. */
MC_ALWAYS_INLINE void conv_edge(const conv_row *r, int32_t icg, int32_t iw, int32_t kw0,
                                int32_t taps, float *out, float *out2, int32_t k_w, int32_t noc) {
    const float *xc = r->x + iw + kw0;
    const float *wc = r->w + kw0;
    float acc0 = r->bias;
    float acc1 = r->bias_pair;
    int32_t ic, kh, t;
    for (ic = 0; ic < icg; ++ic) {
        const float *x = xc + ic * r->x_plane;
        const float *w = wc + ic * r->w_plane;
        const float *w2 = w + r->w_pair;
        for (kh = r->rows; kh > 0; --kh) {
#pragma GCC unroll 4
            for (t = 0; t < taps; ++t) {
                const float xv = x[t];
                acc0 += xv * w[t];
                if (noc == 2) {
                    acc1 += xv * w2[t];
                }
            }
            x += r->x_row;
            w += k_w;
            w2 += k_w;
        }
    }
    *out = acc0;
    if (noc == 2) {
        *out2 = acc1;
    }
}

/* nb (<= 8) adjacent interior outputs, the first at input column iw, with kernel width k_w, stride
 * sw and dilation 1, of noc (1 or 2) output channels: with 2, the paired channel (weights
 * r->w_pair further, outputs at out2) shares every input load. Meant to be called with constant nb,
 * k_w, sw, noc (and icg in the depthwise path). */
MC_ALWAYS_INLINE void conv_block(const conv_row *r, int32_t icg, int32_t iw, float *out,
                                 float *out2, int32_t nb, int32_t k_w, int32_t sw, int32_t noc) {
    float acc[2][8];
    int32_t ic, kh, t, j, c;
    /* Starting from the bias saves an add per output (the order of a float sum is free anyway). */
#pragma GCC unroll 8
    for (j = 0; j < nb; ++j) {
        acc[0][j] = r->bias;
        acc[1][j] = r->bias_pair;
    }
    for (ic = 0; ic < icg; ++ic) {
        const float *x = r->x + ic * r->x_plane + iw;
        const float *w = r->w + ic * r->w_plane;
        const float *w2 = w + r->w_pair;
        for (kh = r->rows; kh > 0; --kh) {   /* (counting down spares a compare) */
#pragma GCC unroll 8
            for (t = 0; t < k_w; ++t) {
                float wv[2];
                wv[0] = w[t];
                wv[1] = noc == 2 ? w2[t] : 0.0f;
#pragma GCC unroll 8
                for (j = 0; j < nb; ++j) {
                    const float xv = x[j * sw + t];
#pragma GCC unroll 2
                    for (c = 0; c < noc; ++c) {
                        acc[c][j] += xv * wv[c];
                    }
                }
            }
            x += r->x_row;
            w += k_w;
            w2 += k_w;
        }
    }
#pragma GCC unroll 8
    for (j = 0; j < nb; ++j) {
        out[j] = acc[0][j];
        if (noc == 2) {
            out2[j] = acc[1][j];
        }
    }
}

/* Interior outputs [ow, ow_end), for constant k_w and stride sw (dilation 1): blocks of 8, then
 * 4, 2 and 1 for the remainder. */
MC_ALWAYS_INLINE void conv_interior_fixed(const conv_row *r, int32_t icg, float *out, float *out2,
                                          int32_t ow, int32_t ow_end, int32_t k_w, int32_t sw,
                                          int32_t noc) {
    const int32_t iw0 = r->iw0;
    /* a pair's 2 x 6 block (12 accumulators) leaves the registers for one kernel row's inputs */
    const int32_t big = noc == 2 ? 6 : 8;
    for (; ow + big <= ow_end; ow += big) {
        conv_block(r, icg, iw0 + ow * sw, out + ow, out2 + ow, big, k_w, sw, noc);
    }
    if (ow + 4 <= ow_end) {
        conv_block(r, icg, iw0 + ow * sw, out + ow, out2 + ow, 4, k_w, sw, noc);
        ow += 4;
    }
    if (ow + 2 <= ow_end) {
        conv_block(r, icg, iw0 + ow * sw, out + ow, out2 + ow, 2, k_w, sw, noc);
        ow += 2;
    }
    if (ow < ow_end) {
        conv_block(r, icg, iw0 + ow * sw, out + ow, out2 + ow, 1, k_w, sw, noc);
    }
}

/* Which interior an entry point is compiled with: kernel width, stride and dilation along w
 * fixed (dilation 1), or any. */
enum { ANY_W = 0, K5S1 = 1, K3S1 = 2, K3S2 = 3, K4S2 = 4 };

/* Interior outputs [ow_begin, ow_end) of one row: every kernel column is inside the input.
 * kind is a constant after inlining, so each entry point holds one interior only. */
MC_ALWAYS_INLINE void conv_interior(const conv_row *r, int32_t icg, float *out, float *out2,
                                    int32_t ow_begin, int32_t ow_end, int32_t sw, int32_t dw,
                                    int32_t kind, int32_t noc) {
    int32_t ow;
    if (kind == K5S1) {
        conv_interior_fixed(r, icg, out, out2, ow_begin, ow_end, 5, 1, noc);
    } else if (kind == K3S1) {
        conv_interior_fixed(r, icg, out, out2, ow_begin, ow_end, 3, 1, noc);
    } else if (kind == K3S2) {
        conv_interior_fixed(r, icg, out, out2, ow_begin, ow_end, 3, 2, noc);
    } else if (kind == K4S2) {
        conv_interior_fixed(r, icg, out, out2, ow_begin, ow_end, 4, 2, noc);
    } else {
        for (ow = ow_begin; ow < ow_end; ++ow) {
            out[ow] = conv_point(r, icg, r->iw0 + ow * sw, 0, r->k_w, dw);
        }
    }
}

/* All output planes of one batch item. Output channel oc of group g reads the icg
 * input planes [g * icg, (g + 1) * icg) and the icg kernels at weight + oc * icg * k_h * k_w.
 * Inlined once per entry point: depthwise = 1 means one input plane per output plane, where the
 * channel loops disappear; kind fixes k_w, stride_w and dilation_w (which the entry point's
 * caller guarantees) so that the column arithmetic folds too. With a fixed kind and more than one
 * input plane per group, output channels go in pairs of the same group, whose interior blocks share
 * every input load; a group's last channel when it has an odd count pairs with itself (computed
 * twice, stored twice to the same place) so that one block shape serves every case. */
MC_ALWAYS_INLINE void conv_planes(const float *in, const float *weight, const float *bias,
                                  float *out, const mc_conv2d_params *p, int32_t depthwise,
                                  int32_t kind) {
    const int32_t icg = depthwise ? 1 : p->in_c / p->groups;
    const int32_t ocg = p->out_c / p->groups;
    const int32_t k_w = kind == K5S1 ? 5 : kind == K4S2 ? 4 : kind == ANY_W ? p->k_w : 3;
    const int32_t sw = kind == K3S2 || kind == K4S2 ? 2 : kind == ANY_W ? p->stride_w : 1;
    const int32_t dw = kind == ANY_W ? p->dilation_w : 1;
    const int32_t noc = depthwise || kind == ANY_W ? 1 : 2;
    const int32_t span_w = (k_w - 1) * dw;   /* kernel width minus one, in input */
    const int32_t out_plane = p->out_h * p->out_w;
    int32_t ow_lo, ow_hi, oc, oc2, oh, ow, ow_end;
    conv_row r;
    conv_row r2;

    r.x_plane = p->in_h * p->in_w;
    r.x_row = p->dilation_h * p->in_w;
    r.w_plane = p->k_h * k_w;
    r.k_w = k_w;
    r.iw0 = -p->pad_left;

    /* Interior columns [ow_lo, ow_hi): ow * sw - pad_left >= 0 and
     * ow * sw - pad_left + span_w <= in_w - 1. */
    ow_lo = (p->pad_left + sw - 1) / sw;
    ow_hi = p->in_w - 1 + p->pad_left - span_w < 0
                ? 0 : (p->in_w - 1 + p->pad_left - span_w) / sw + 1;
    if (ow_lo > p->out_w) {
        ow_lo = p->out_w;
    }
    if (ow_hi > p->out_w) {
        ow_hi = p->out_w;
    }
    if (ow_hi < ow_lo) {
        ow_hi = ow_lo;
    }

    for (oc = 0; oc < p->out_c; oc = oc2 + 1) {
        const float *in_g = in + (oc / ocg) * icg * r.x_plane;
        const float *w_oc = weight + oc * icg * r.w_plane;
        float *out2;
        /* the paired channel: the next one if it is in the same group, else oc itself */
        oc2 = noc == 2 && oc % ocg + 1 < ocg ? oc + 1 : oc;
        out2 = out + (oc2 - oc) * out_plane;
        r.w_pair = (oc2 - oc) * icg * r.w_plane;
        r.bias = bias != NULL ? bias[oc] : 0.0f;
        r.bias_pair = bias != NULL ? bias[oc2] : 0.0f;
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh0, kh1;
            valid_taps(ih0, p->k_h, p->dilation_h, p->in_h, &kh0, &kh1);
            r.rows = kh1 - kh0;
            /* (when no kernel row is valid the pointer is never read; keep it inside the plane) */
            r.x = r.rows > 0 ? in_g + (ih0 + kh0 * p->dilation_h) * p->in_w : in_g;
            r.w = w_oc + kh0 * k_w;
            r2 = r;
            r2.w = r.w + r.w_pair;
            r2.bias = r.bias_pair;

            if (kind == ANY_W) {
                /* the generic interior is conv_point too: one loop over the whole row, a third of
                 * the code for a few instructions per output */
                ow_lo = 0;
                ow_hi = 0;
            }
            conv_interior(&r, icg, out, out2, ow_lo, ow_hi, sw, dw, kind, noc);
            /* the left border [0, ow_lo), then the right one [ow_hi, out_w): one loop, one copy */
            ow = 0;
            ow_end = ow_lo;
            for (;;) {
                for (; ow < ow_end; ++ow) {
                    const int32_t iw = ow * sw - p->pad_left;
                    int32_t kw0, kw1;
                    valid_taps(iw, k_w, dw, p->in_w, &kw0, &kw1);
                    if ((kind == K3S1 || kind == K3S2) && kw1 - kw0 == 2) {
                        /* a 3-wide kernel's border column with padding 1: the common case */
                        conv_edge(&r, icg, iw, kw0, 2, out + ow, out2 + ow, 3, noc);
                        continue;
                    }
                    if (kind == K4S2 && kw1 - kw0 == 3) {
                        conv_edge(&r, icg, iw, kw0, 3, out + ow, out2 + ow, 4, noc);
                        continue;
                    }
                    out[ow] = conv_point(&r, icg, iw, kw0, kw1, dw);
                    if (noc == 2) {
                        out2[ow] = conv_point(&r2, icg, iw, kw0, kw1, dw);
                    }
                }
                if (ow_end == p->out_w) {
                    break;
                }
                ow = ow_hi;
                ow_end = p->out_w;
            }
            activate(out, p->out_w, p->act);
            if (oc2 != oc) {
                activate(out2, p->out_w, p->act);
            }
            out += p->out_w;
            out2 += p->out_w;
        }
        out += (oc2 - oc) * out_plane;
    }
}

/* Every batch item through conv_planes, with constant depthwise and kind. */
MC_ALWAYS_INLINE void conv_batches(const float *in, const float *weight, const float *bias,
                                   float *out, const mc_conv2d_params *p, int32_t depthwise,
                                   int32_t kind) {
    const int32_t in_size = p->in_c * p->in_h * p->in_w;
    const int32_t out_size = p->out_c * p->out_h * p->out_w;
    int32_t b;
    for (b = 0; b < p->batch; ++b) {
        conv_planes(in + b * in_size, weight, bias, out + b * out_size, p, depthwise, kind);
    }
}

/* One function per (depthwise, kind); each links alone. */
#define MC_CONV2D_ENTRY(name, depthwise, kind)                                                    \
    void name(const float *in, const float *weight, const float *bias, float *out,               \
              const mc_conv2d_params *p) {                                                        \
        conv_batches(in, weight, bias, out, p, depthwise, kind);                                  \
    }

MC_CONV2D_ENTRY(mc_conv2d_general_f32, 0, ANY_W)
MC_CONV2D_ENTRY(mc_conv2d_k5s1_f32, 0, K5S1)
MC_CONV2D_ENTRY(mc_conv2d_k3s1_f32, 0, K3S1)
MC_CONV2D_ENTRY(mc_conv2d_k3s2_f32, 0, K3S2)
MC_CONV2D_ENTRY(mc_conv2d_k4s2_f32, 0, K4S2)
MC_CONV2D_ENTRY(mc_conv2d_depthwise_f32, 1, ANY_W)
MC_CONV2D_ENTRY(mc_conv2d_depthwise_k5s1_f32, 1, K5S1)
MC_CONV2D_ENTRY(mc_conv2d_depthwise_k3s1_f32, 1, K3S1)
MC_CONV2D_ENTRY(mc_conv2d_depthwise_k3s2_f32, 1, K3S2)

/* Depthwise 3x3, stride s (1 or 2) along both axes, dilation 1, padding at most 1 on every side,
 * in_h and in_w at least 2: the MobileNet / DS-CNN case. The nine weights of a plane stay in
 * registers for the whole plane (with one plane per output a block reloading them would spend as
 * many loads on weights as on inputs), and every output row has a constant shape: the middle kernel
 * row is always inside the input, the top and bottom ones are either inside or not (both cannot be
 * out with in_h >= 2), a left border exists only as column 0 with pad_left 1 (kernel columns 1-2)
 * and a right border only as the last column (kernel columns 0-1). Sums run over kernel row then
 * column, from the bias, as everywhere else. */

/* nb (<= 4) adjacent outputs of one row from input rows r0, r1, r2 (r0 / r2 only read when top /
 * bottom), the first output's kernel column 0 at input column c0, kernel columns [t0, t1). All
 * arguments but the pointers, c0 and bias are constants. */
MC_ALWAYS_INLINE void dw3_block(const float *r0, const float *r1, const float *r2, int32_t c0,
                                const float *k, float bias, float *out, int32_t nb, int32_t s,
                                int32_t top, int32_t bottom, int32_t t0, int32_t t1) {
    float acc[4];
    int32_t j, t;
#pragma GCC unroll 4
    for (j = 0; j < nb; ++j) {
        acc[j] = bias;
    }
    if (top) {
#pragma GCC unroll 3
        for (t = t0; t < t1; ++t) {
#pragma GCC unroll 4
            for (j = 0; j < nb; ++j) {
                acc[j] += r0[c0 + j * s + t] * k[t];
            }
        }
    }
#pragma GCC unroll 3
    for (t = t0; t < t1; ++t) {
#pragma GCC unroll 4
        for (j = 0; j < nb; ++j) {
            acc[j] += r1[c0 + j * s + t] * k[3 + t];
        }
    }
    if (bottom) {
#pragma GCC unroll 3
        for (t = t0; t < t1; ++t) {
#pragma GCC unroll 4
            for (j = 0; j < nb; ++j) {
                acc[j] += r2[c0 + j * s + t] * k[6 + t];
            }
        }
    }
#pragma GCC unroll 4
    for (j = 0; j < nb; ++j) {
        out[j] = acc[j];
    }
}

/* One output row: the left border (pad_left 1), the interior in blocks of 4 then 1, the right
 * border (right_border 1). top, bottom and s are constants. */
MC_ALWAYS_INLINE void dw3_row(const float *r0, const float *r1, const float *r2, const float *k,
                              float bias, float *out, int32_t out_w, int32_t pad_left,
                              int32_t right_border, int32_t s, int32_t top, int32_t bottom) {
    const int32_t ow_end = out_w - right_border;
    int32_t ow = 0;
    if (pad_left) {
        /* kernel column 0 would read input column -1: columns 1 and 2 read 0 and 1 */
        dw3_block(r0, r1, r2, -1, k, bias, out, 1, s, top, bottom, 1, 3);
        ow = 1;
    }
    for (; ow + 4 <= ow_end; ow += 4) {
        dw3_block(r0, r1, r2, ow * s - pad_left, k, bias, out + ow, 4, s, top, bottom, 0, 3);
    }
    for (; ow < ow_end; ++ow) {
        dw3_block(r0, r1, r2, ow * s - pad_left, k, bias, out + ow, 1, s, top, bottom, 0, 3);
    }
    if (right_border) {
        dw3_block(r0, r1, r2, ow * s - pad_left, k, bias, out + ow, 1, s, top, bottom, 0, 2);
    }
}

/* Every output plane of every batch item; s is a constant. */
MC_ALWAYS_INLINE void depthwise3x3(const float *in, const float *weight, const float *bias,
                                   float *out, const mc_conv2d_params *p, int32_t s) {
    const int32_t in_plane = p->in_h * p->in_w;
    const int32_t mult = p->out_c / p->in_c;
    /* the last column's kernel column 2 lies past the input */
    const int32_t right_border = (p->out_w - 1) * s - p->pad_left + 2 > p->in_w - 1;
    int32_t b, oc, oh, t;
    for (b = 0; b < p->batch; ++b) {
        for (oc = 0; oc < p->out_c; ++oc) {
            const float *x = in + (oc / mult) * in_plane;
            const float bv = bias != NULL ? bias[oc] : 0.0f;
            float k[9];
#pragma GCC unroll 9
            for (t = 0; t < 9; ++t) {
                k[t] = weight[oc * 9 + t];
            }
            for (oh = 0; oh < p->out_h; ++oh) {
                const int32_t ih0 = oh * s - p->pad_top;   /* kernel row 0; row 1 is inside */
                const float *r1 = x + (ih0 + 1) * p->in_w;
                const int32_t top = ih0 >= 0;
                const int32_t bottom = ih0 + 2 <= p->in_h - 1;
                if (top && bottom) {
                    dw3_row(r1 - p->in_w, r1, r1 + p->in_w, k, bv, out, p->out_w, p->pad_left,
                            right_border, s, 1, 1);
                } else if (top) {
                    dw3_row(r1 - p->in_w, r1, r1, k, bv, out, p->out_w, p->pad_left,
                            right_border, s, 1, 0);
                } else {
                    dw3_row(r1, r1, r1 + p->in_w, k, bv, out, p->out_w, p->pad_left,
                            right_border, s, 0, 1);
                }
                activate(out, p->out_w, p->act);
                out += p->out_w;
            }
        }
        in += p->in_c * in_plane;
    }
}

void mc_conv2d_depthwise_3x3s1_f32(const float *in, const float *weight, const float *bias,
                                   float *out, const mc_conv2d_params *p) {
    depthwise3x3(in, weight, bias, out, p, 1);
}

void mc_conv2d_depthwise_3x3s2_f32(const float *in, const float *weight, const float *bias,
                                   float *out, const mc_conv2d_params *p) {
    depthwise3x3(in, weight, bias, out, p, 2);
}

/* nb (<= 6) outputs of noc (1 or 4) adjacent output channels of a 1x1 convolution with no
 * padding, a tile of a matrix product:
 *   out[c][j] = sum over ic of w[c][ic] * in[ic][j * xs]
 * (in and out at the tile's first column; xs is the stride along w). Every input load feeds noc
 * accumulators and every weight load nb: a 4 x 6 tile is 24 accumulators, 4 weights and one input
 * in registers, 10 loads per 24 multiply-adds. Meant to be called with constant nb, noc and xs. */
MC_ALWAYS_INLINE void pointwise_block(const float *in, const float *w, const float *bias,
                                      float *out, int32_t in_c, int32_t in_plane,
                                      int32_t out_plane, int32_t nb, int32_t noc, int32_t xs) {
    float acc[4][5];
    const float *wc[4];
    int32_t ic, j, c;
#pragma GCC unroll 4
    for (c = 0; c < noc; ++c) {
        wc[c] = w + c * in_c;
#pragma GCC unroll 5
        for (j = 0; j < nb; ++j) {
            acc[c][j] = bias[c];
        }
    }
    for (ic = in_c; ic > 0; --ic) {   /* (counting down spares a compare) */
        float wv[4];
#pragma GCC unroll 4
        for (c = 0; c < noc; ++c) {
            wv[c] = *wc[c]++;
        }
#pragma GCC unroll 5
        for (j = 0; j < nb; ++j) {
            const float xv = in[j * xs];
#pragma GCC unroll 4
            for (c = 0; c < noc; ++c) {
                acc[c][j] += xv * wv[c];
            }
        }
        in += in_plane;
    }
#pragma GCC unroll 4
    for (c = 0; c < noc; ++c) {
#pragma GCC unroll 5
        for (j = 0; j < nb; ++j) {
            out[c * out_plane + j] = acc[c][j];
        }
    }
}

/* n outputs of noc channels (w, bias and out at the first one, in and out at the first column),
 * input columns xs apart, in tiles of 6 columns, then 4, 2 and 1. */
MC_ALWAYS_INLINE void pointwise_run(const float *in, const float *w, const float *bias,
                                    float *out, int32_t in_c, int32_t in_plane, int32_t out_plane,
                                    int32_t n, int32_t noc, int32_t xs) {
    int32_t j;
    for (j = 0; j + 5 <= n; j += 5) {
        pointwise_block(in + j * xs, w, bias, out + j, in_c, in_plane, out_plane, 5, noc, xs);
    }
    if (j + 4 <= n) {
        pointwise_block(in + j * xs, w, bias, out + j, in_c, in_plane, out_plane, 4, noc, xs);
        j += 4;
    }
    if (j + 2 <= n) {
        pointwise_block(in + j * xs, w, bias, out + j, in_c, in_plane, out_plane, 2, noc, xs);
        j += 2;
    }
    if (j < n) {
        pointwise_block(in + j * xs, w, bias, out + j, in_c, in_plane, out_plane, 1, noc, xs);
    }
}

/* Output planes of noc channels (w, bias and out at the first one). Stride 1 (xs == 1): each plane
 * is one run of columns. Otherwise row by row, input rows stride_h apart and columns xs apart. */
MC_ALWAYS_INLINE void pointwise_planes(const float *in, const float *w, const float *bias,
                                       float *out, const mc_conv2d_params *p, int32_t noc,
                                       int32_t xs) {
    const int32_t in_plane = p->in_h * p->in_w;
    const int32_t out_plane = p->out_h * p->out_w;
    int32_t oh;
    if (xs == 1) {
        pointwise_run(in, w, bias, out, p->in_c, in_plane, out_plane, out_plane, noc, 1);
        return;
    }
    for (oh = 0; oh < p->out_h; ++oh) {
        pointwise_run(in + oh * p->stride_h * p->in_w, w, bias, out + oh * p->out_w, p->in_c,
                      in_plane, out_plane, p->out_w, noc, xs);
    }
}

/* Four output channels at a time, then one; xs is the stride along w (constant). */
MC_ALWAYS_INLINE void pointwise(const float *in, const float *weight, const float *bias,
                                float *out, const mc_conv2d_params *p, int32_t xs) {
    const int32_t out_plane = p->out_h * p->out_w;
    int32_t b, oc, c;
    for (b = 0; b < p->batch; ++b) {
        for (oc = 0; oc < p->out_c;) {
            const int32_t noc = oc + 4 <= p->out_c ? 4 : 1;
            float bv[4];
            for (c = 0; c < noc; ++c) {
                bv[c] = bias != NULL ? bias[oc + c] : 0.0f;
            }
            if (noc == 4) {
                pointwise_planes(in, weight + oc * p->in_c, bv, out + oc * out_plane, p, 4, xs);
            } else {
                pointwise_planes(in, weight + oc * p->in_c, bv, out + oc * out_plane, p, 1, xs);
            }
            activate(out + oc * out_plane, noc * out_plane, p->act);
            oc += noc;
        }
        in += p->in_c * p->in_h * p->in_w;
        out += p->out_c * out_plane;
    }
}

void mc_conv2d_pointwise_f32(const float *in, const float *weight, const float *bias, float *out,
                             const mc_conv2d_params *p) {
    pointwise(in, weight, bias, out, p, 1);
}

void mc_conv2d_pointwise_s2_f32(const float *in, const float *weight, const float *bias,
                                float *out, const mc_conv2d_params *p) {
    pointwise(in, weight, bias, out, p, 2);
}

/* The compact kernel (`--optimize size`): any shape, plain loops, small code. Four output channels
 * of one group are computed together (a block at the group's end repeats its last channel; a block
 * of one channel, as in depthwise layers, takes a one-sum loop), so each input value is loaded once
 * for four multiply-adds and the four sums stay in registers (restrict: no
 * store can change an input). The valid kernel rows and columns of each output are found once (no
 * bounds test per tap); the innermost loop is a dot product over the kernel columns, or over the input
 * channels for a 1x1 kernel, whose weights are contiguous either way. Each sum runs over input channel,
 * kernel row, kernel column from the bias, as in conv_point, so the results equal the other entry
 * points' bit for bit. */
#define MC_COMPACT_BLOCK 4
void mc_conv2d_compact_f32(const float *restrict in, const float *restrict weight,
                           const float *restrict bias, float *restrict out,
                           const mc_conv2d_params *restrict p) {
    const int32_t icg = p->in_c / p->groups;
    const int32_t ocg = p->out_c / p->groups;
    const int32_t plane = p->in_h * p->in_w;
    const int32_t out_plane = p->out_h * p->out_w;
    const int32_t taps = p->k_h * p->k_w;
    const int32_t x_row = p->dilation_h * p->in_w;
    /* a 1x1 kernel walks the channels innermost: one dot product of icg terms per output */
    const int32_t pointwise = taps == 1;
    const int32_t x_step = pointwise ? plane : p->dilation_w;
    const int32_t ic_rows = pointwise ? 1 : icg;
    const int32_t run_per_tap = (pointwise ? icg : 1) * x_step;
    int32_t n, oc, oh, ow, j;
    for (n = 0; n < p->batch; ++n) {
        for (oc = 0; oc < p->out_c; oc += j) {
            const int32_t group_end = (oc / ocg + 1) * ocg;
            const float *in_g = in + (n * p->in_c + oc / ocg * icg) * plane;
            const float *w_oc[MC_COMPACT_BLOCK];
            float *out_oc[MC_COMPACT_BLOCK];
            float b[MC_COMPACT_BLOCK];
            /* j: the channels this block computes; the others repeat the last one */
            for (j = 0; j < MC_COMPACT_BLOCK; ++j) {
                const int32_t c = oc + j < group_end ? oc + j : group_end - 1;
                w_oc[j] = weight + c * icg * taps;
                out_oc[j] = out + (n * p->out_c + c) * out_plane;
                b[j] = bias != NULL ? bias[c] : 0.0f;
            }
            j = group_end - oc < MC_COMPACT_BLOCK ? group_end - oc : MC_COMPACT_BLOCK;
            for (oh = 0; oh < p->out_h; ++oh) {
                const int32_t ih0 = oh * p->stride_h - p->pad_top;
                int32_t kh0, kh1;
                valid_taps(ih0, p->k_h, p->dilation_h, p->in_h, &kh0, &kh1);
                for (ow = 0; ow < p->out_w; ++ow) {
                    const int32_t iw0 = ow * p->stride_w - p->pad_left;
                    const int32_t at = oh * p->out_w + ow;
                    int32_t kw0, kw1;
                    float s0 = b[0], s1 = b[1], s2 = b[2], s3 = b[3];
                    const float *w0, *w1, *w2, *w3, *x;
                    int32_t w_skip, ic, kh, run;
                    valid_taps(iw0, p->k_w, p->dilation_w, p->in_w, &kw0, &kw1);
                    /* the weight pointers run on: past the columns and rows outside the input */
                    w_skip = kh0 * p->k_w + kw0;
                    w0 = w_oc[0] + w_skip;
                    w1 = w_oc[1] + w_skip;
                    w2 = w_oc[2] + w_skip;
                    w3 = w_oc[3] + w_skip;
                    w_skip = p->k_w - (kw1 - kw0);
                    run = run_per_tap * (kw1 - kw0);
                    x = in_g + (ih0 + kh0 * p->dilation_h) * p->in_w + iw0 + kw0 * p->dilation_w;
                    for (ic = 0; ic < ic_rows; ++ic, x += plane - (kh1 - kh0) * x_row) {
                        for (kh = kh0; kh < kh1; ++kh, x += x_row) {
                            const float *xt = x;
                            const float *const x_end = x + run;
                            if (j == 1) {
                                /* one channel (depthwise): no repeated work */
                                for (; xt != x_end; xt += x_step) {
                                    s0 += *xt * *w0++;
                                }
                            } else {
                                for (; xt != x_end; xt += x_step) {
                                    const float v = *xt;
                                    s0 += v * *w0++;
                                    s1 += v * *w1++;
                                    s2 += v * *w2++;
                                    s3 += v * *w3++;
                                }
                            }
                            w0 += w_skip;
                            w1 += w_skip;
                            w2 += w_skip;
                            w3 += w_skip;
                        }
                        /* the rows below the input */
                        w0 += (p->k_h - kh1 + kh0) * p->k_w;
                        w1 += (p->k_h - kh1 + kh0) * p->k_w;
                        w2 += (p->k_h - kh1 + kh0) * p->k_w;
                        w3 += (p->k_h - kh1 + kh0) * p->k_w;
                    }
                    {
                        const float sums[MC_COMPACT_BLOCK] = {s0, s1, s2, s3};
                        int32_t k;
                        /* last lane first: a repeated channel ends with its own lane's sum */
                        for (k = MC_COMPACT_BLOCK - 1; k >= 0; --k) {
                            out_oc[k][at] = mc_apply_act(sums[k], p->act);
                        }
                    }
                }
            }
        }
    }
}

/* A dense layer as a 1x1 convolution of m images of k channels into n channels: a [m][k] and b
 * [n][k] are the conv's input and weights, so a model of convolutions and dense layers links one loop.
 * The sums run over k from zero and the bias is added last, as in mc_matmul_dense_f32: the same bits. */
void mc_matmul_dense_compact_f32(const float *a, const float *b, const float *bias, float *out, int32_t m,
                                 int32_t k, int32_t n, mc_act act) {
    const mc_conv2d_params p = {m, k, 1, 1, n, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, MC_ACT_NONE};
    int32_t i, j;
    mc_conv2d_compact_f32(a, b, NULL, out, &p);
    for (i = 0; i < m; ++i) {
        for (j = 0; j < n; ++j, ++out) {
            *out = mc_apply_act(bias != NULL ? *out + bias[j] : *out, act);
        }
    }
}

/* The blocked compact kernel: GCC compiles it for size whatever the build's -O level (it is the
 * `--optimize size` kernel, and at -Os GCC also turns each multiply-add into one VMLA, which rounds
 * the product and then the sum exactly as a multiply and an add do). */
#if defined(__GNUC__) && !defined(__clang__)
#define MC_SIZE_FIRST __attribute__((optimize("Os")))
#define MC_NOINLINE __attribute__((noinline))
#else
#define MC_SIZE_FIRST
#define MC_NOINLINE
#endif

/* The taps of one output inside the input: `rows` kernel rows of `cols` columns, for each of `planes`
 * input channels, and the steps over the taps outside it. */
typedef struct {
    const float *start;       /* the sums' starting values */
    int32_t lanes, cols, rows, planes;
    int32_t x_row, x_plane;   /* floats from the end of a row of taps to the next row's start */
    int32_t w_row, w_plane;   /* the same in the weights */
} blocked_taps;

/* sums[0..MC_BLOCK_LANES) = t->start[] + the block's dot products over the taps, in the order of
 * conv_point (input channel, kernel row, kernel column). A function of its own so that its few
 * pointers stay in registers: inlined into the loops around it, GCC kept them on the stack. Every
 * count is at least 1 (the caller skips an output with no tap inside the input). */
static MC_SIZE_FIRST MC_NOINLINE void blocked_sums(const float *restrict x, const float *restrict w,
                                                  const blocked_taps *restrict t, float *restrict sums) {
    const float *const start = t->start;
    float s0 = start[0], s1 = start[1], s2 = start[2], s3 = start[3];
    float s4 = start[4], s5 = start[5], s6 = start[6], s7 = start[7];
    const int32_t lanes = t->lanes;
    int32_t n = t->planes;
    do {
        int32_t r = t->rows;
        do {
            int32_t c = t->cols;
            do {
                const float v = *x++;
                s0 += v * w[0];
                s1 += v * w[1];
                s2 += v * w[2];
                s3 += v * w[3];
                s4 += v * w[4];
                s5 += v * w[5];
                s6 += v * w[6];
                s7 += v * w[7];
                w += lanes;
            } while (--c != 0);
            x += t->x_row;
            w += t->w_row;
        } while (--r != 0);
        x += t->x_plane;
        w += t->w_plane;
    } while (--n != 0);
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    sums[4] = s4;
    sums[5] = s5;
    sums[6] = s6;
    sums[7] = s7;
}

/* The taps of a window of k starting at input coordinate start on an axis of size cells that lie
 * inside it: returns the first, *count their number (0 or more). A function, not inlined: the same
 * code for rows and columns. */
static MC_SIZE_FIRST MC_NOINLINE int32_t taps_inside(int32_t start, int32_t k, int32_t size, int32_t *count) {
    const int32_t first = start < 0 ? (-start < k ? -start : k) : 0;
    const int32_t end = size - start < k ? size - start : k;
    *count = end > first ? end - first : 0;
    return first;
}

/* Each block of output channels, each output position: the sums (blocked_sums), then per channel
 * the bias (dense layers), the activation and the fused pool. The pool keeps the running maximum in
 * the output itself: the first cell of a window stores, the next ones store only a larger value,
 * in the window's row-major order, as mc_maxpool2d_compact_f32 compares them. */
MC_SIZE_FIRST void mc_conv2d_blocked_f32(const float *restrict in, const float *restrict weight,
                                         const float *restrict bias, float *restrict out,
                                         const mc_conv2d_blocked_params *restrict p) {
    const int32_t pool = p->pool;
    const int32_t pooled_w = p->out_w / pool;
    const int32_t out_plane = p->out_h / pool * pooled_w;
    const int32_t in_w = p->in_w;
    int32_t oc, oy, ox, j;
    for (oc = 0; oc < p->out_c; oc += MC_BLOCK_LANES, out += MC_BLOCK_LANES * out_plane) {
        blocked_taps t;
        float start[MC_BLOCK_LANES];
        t.lanes = p->out_c - oc < MC_BLOCK_LANES ? p->out_c - oc : MC_BLOCK_LANES;
        t.planes = p->in_c;
        t.start = start;
        /* a convolution's sums start from its bias, a dense layer's from zero (the other lanes: any value) */
        for (j = 0; j < MC_BLOCK_LANES; ++j) {
            start[j] = j < t.lanes && bias != NULL && !p->bias_last ? bias[oc + j] : 0.0f;
        }
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t ih0 = oy * p->stride_h - p->pad_top;
            const int32_t kh0 = taps_inside(ih0, p->k_h, p->in_h, &t.rows);
            t.x_plane = (p->in_h - t.rows) * in_w;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t iw0 = ox * p->stride_w - p->pad_left;
                const int32_t kw0 = taps_inside(iw0, p->k_w, in_w, &t.cols);
                const int32_t first = oy % pool == 0 && ox % pool == 0;
                float sums[MC_BLOCK_LANES];
                const float *result = start;
                float *o = out + oy / pool * pooled_w + ox / pool;
                t.x_row = in_w - t.cols;
                t.w_row = (p->k_w - t.cols) * t.lanes;
                t.w_plane = (p->k_h - t.rows) * p->k_w * t.lanes;
                if (t.rows > 0 && t.cols > 0) {
                    blocked_sums(in + (ih0 + kh0) * in_w + iw0 + kw0, weight + (kh0 * p->k_w + kw0) * t.lanes, &t, sums);
                    result = sums;
                }
                for (j = 0; j < t.lanes; ++j, o += out_plane) {
                    float v = result[j];
                    if (bias != NULL && p->bias_last) {
                        v += bias[oc + j];
                    }
                    if (p->act != MC_ACT_NONE) {
                        /* as mc_apply_act: NaN and everything not above zero become +0 */
                        if (!(v > 0.0f)) {
                            v = 0.0f;
                        }
                        if (p->act == MC_ACT_RELU6 && !(v < 6.0f)) {
                            v = 6.0f;
                        }
                    }
                    if (first || v > *o) {
                        *o = v;
                    }
                }
            }
        }
        weight += p->in_c * p->k_h * p->k_w * t.lanes;
    }
}
