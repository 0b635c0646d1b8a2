#include "mc_weights_only.h"

/* The integer weight at element index i, by storage. */
#define MC_WQ_FETCH_8(w, i) ((int32_t)(w)[i])
#define MC_WQ_FETCH_16(w, i) ((int32_t)(w)[i])
/* a nibble as two's complement: (v ^ 8) - 8 maps 0..7 to 0..7 and 8..15 to -8..-1 */
#define MC_WQ_FETCH_4(w, i) ((int32_t)((((w)[(i) >> 1] >> (((i) & 1) << 2)) & 0xF) ^ 8) - 8)

/* The kernel taps [*k_begin, *k_end) whose input coordinate start + k * dilation is inside [0, size);
 * without a division for dilation 1, since it runs once per output. */
static inline void wq_valid_taps(int32_t start, int32_t k_size, int32_t dilation, int32_t size,
                                 int32_t *k_begin, int32_t *k_end) {
    int32_t b, e = k_size;
    if (dilation == 1) {
        b = start < 0 ? -start : 0;
        e = size - start < k_size ? size - start : k_size;
    } else {
        b = start < 0 ? (-start + dilation - 1) / dilation : 0;
        if (start + (k_size - 1) * dilation >= size) {
            e = size - 1 - start < 0 ? 0 : (size - 1 - start) / dilation + 1;
        }
    }
    *k_begin = b;
    *k_end = e < b ? b : e;
}

/* The accumulation of one output (ONE) or of four or eight neighbouring outputs of a row (FOUR, EIGHT;
 * input columns sw apart): over input channel, kernel row, kernel column of the taps [kw0, kw1) inside the input, the
 * order of mc_conv2d_*_f32, from w_i (the channel's first weight) and x0 (the first output's tap kw0 of
 * input channel 0, kernel row kh0). A block dequantizes each weight once (scale * q, the product the
 * float kernel would read) and feeds it to four or eight sums, each still summed in its own order, so
 * the bits are those of one output at a time while the integer fetch, conversion and scaling are shared. */
#define MC_WQ_TAPS(fetch, body)                                                                          \
    for (ic = 0; ic < icg; ++ic, w_i += taps) {                                                          \
        for (kh = kh0; kh < kh1; ++kh) {                                                                 \
            const float *x = x0 + ic * plane + (kh - kh0) * p->dilation_h * p->in_w;                            \
            int32_t wk = w_i + kh * p->k_w + kw0;                                                        \
            for (kw = kw0; kw < kw1; ++kw, ++wk, x += dw) {                                              \
                const float wv = scale * (float)fetch(weight, wk);                                       \
                body                                                                                     \
            }                                                                                            \
        }                                                                                                \
    }
#define MC_WQ_ONE(fetch) MC_WQ_TAPS(fetch, s0 += *x * wv;)
#define MC_WQ_FOUR(fetch, sw)                                                                            \
    MC_WQ_TAPS(fetch, s0 += x[0] * wv; s1 += x[(sw)] * wv; s2 += x[2 * (sw)] * wv; s3 += x[3 * (sw)] * wv;)
#define MC_WQ_EIGHT(fetch, sw)                                                                           \
    MC_WQ_TAPS(fetch, s0 += x[0] * wv; s1 += x[(sw)] * wv; s2 += x[2 * (sw)] * wv; s3 += x[3 * (sw)] * wv; \
                      s4 += x[4 * (sw)] * wv; s5 += x[5 * (sw)] * wv; s6 += x[6 * (sw)] * wv;             \
                      s7 += x[7 * (sw)] * wv;)

#define MC_WQ_SUMS_4 float s1 = b, s2 = b, s3 = b;
#define MC_WQ_SUMS_8 float s1 = b, s2 = b, s3 = b, s4 = b, s5 = b, s6 = b, s7 = b;
#define MC_WQ_STORE_4                                                                                    \
    out[0] = mc_apply_act(s0, p->act);                                                                   \
    out[1] = mc_apply_act(s1, p->act);                                                                   \
    out[2] = mc_apply_act(s2, p->act);                                                                   \
    out[3] = mc_apply_act(s3, p->act);
#define MC_WQ_STORE_8                                                                                    \
    MC_WQ_STORE_4                                                                                        \
    out[4] = mc_apply_act(s4, p->act);                                                                   \
    out[5] = mc_apply_act(s5, p->act);                                                                   \
    out[6] = mc_apply_act(s6, p->act);                                                                   \
    out[7] = mc_apply_act(s7, p->act);
/* A block of `width` columns, taken (and the column loop continued past it) when the block fits in the row
 * and its columns share their taps: the valid taps move monotonically with the column, so equal at both
 * ends of the block means equal for all of it. */
#define MC_WQ_BLOCK(width, fetch, sums, declare_sums, store_sums)                                        \
    if (ow + (width) <= p->out_w) {                                                                      \
        int32_t kw0_last, kw1_last;                                                                      \
        wq_valid_taps(iw0 + ((width) - 1) * sw, p->k_w, dw, p->in_w, &kw0_last, &kw1_last);              \
        if (kw0_last == kw0 && kw1_last == kw1) {                                                        \
            declare_sums                                                                                 \
            if (sw == 1) {                                                                               \
                sums(fetch, 1)                                                                           \
            } else {                                                                                     \
                sums(fetch, sw)                                                                          \
            }                                                                                            \
            store_sums                                                                                   \
            out += (width);                                                                              \
            ow += (width);                                                                               \
            continue;                                                                                    \
        }                                                                                                \
    }

/* One convolution per storage: every output from its bias. Columns go eight, then four at a time where
 * the block's columns share their taps (always, away from the padding), with stride 1 spelled out so
 * the block's loads take constant offsets; the rest one at a time. */
#define MC_WQ_CONV(name, wtype, fetch)                                                                   \
    void name(const float *in, const wtype *weight, const float *scales, const float *bias, float *out,  \
              const mc_conv2d_params *p) {                                                               \
        const int32_t icg = p->in_c / p->groups;                                                         \
        const int32_t ocg = p->out_c / p->groups;                                                        \
        const int32_t plane = p->in_h * p->in_w;                                                         \
        const int32_t taps = p->k_h * p->k_w;                                                            \
        const int32_t dw = p->dilation_w;                                                                \
        const int32_t sw = p->stride_w;                                                                  \
        int32_t n, oc, oh, ow, ic, kh, kw;                                                               \
        for (n = 0; n < p->batch; ++n) {                                                                 \
            for (oc = 0; oc < p->out_c; ++oc) {                                                          \
                const float scale = scales[oc];                                                          \
                const float *in_g = in + (n * p->in_c + oc / ocg * icg) * plane;                         \
                const float b = bias != NULL ? bias[oc] : 0.0f;                                          \
                for (oh = 0; oh < p->out_h; ++oh) {                                                      \
                    const int32_t ih0 = oh * p->stride_h - p->pad_top;                                   \
                    int32_t kh0, kh1;                                                                    \
                    wq_valid_taps(ih0, p->k_h, p->dilation_h, p->in_h, &kh0, &kh1);                      \
                    for (ow = 0; ow < p->out_w;) {                                                       \
                        const int32_t iw0 = ow * sw - p->pad_left;                                       \
                        int32_t kw0, kw1, w_i = oc * icg * taps;                                         \
                        const float *x0;                                                                 \
                        float s0 = b;                                                                    \
                        wq_valid_taps(iw0, p->k_w, dw, p->in_w, &kw0, &kw1);                             \
                        x0 = in_g + (ih0 + kh0 * p->dilation_h) * p->in_w + iw0 + kw0 * dw;              \
                        MC_WQ_BLOCK(8, fetch, MC_WQ_EIGHT, MC_WQ_SUMS_8, MC_WQ_STORE_8)                  \
                        MC_WQ_BLOCK(4, fetch, MC_WQ_FOUR, MC_WQ_SUMS_4, MC_WQ_STORE_4)                   \
                        MC_WQ_ONE(fetch)                                                                 \
                        *out++ = mc_apply_act(s0, p->act);                                               \
                        ++ow;                                                                            \
                    }                                                                                    \
                }                                                                                        \
            }                                                                                            \
        }                                                                                                \
    }

MC_WQ_CONV(mc_conv2d_wq8_f32, int8_t, MC_WQ_FETCH_8)
MC_WQ_CONV(mc_conv2d_wq16_f32, int16_t, MC_WQ_FETCH_16)
MC_WQ_CONV(mc_conv2d_wq4_f32, uint8_t, MC_WQ_FETCH_4)

/* One dense layer per storage: each output a dot product over k from 0, then the bias
 * (mc_matmul_dense_f32's order). Two outputs per pass share each loaded input; each keeps its own sum
 * and order. */
#define MC_WQ_DENSE(name, wtype, fetch)                                                                  \
    void name(const float *a, const wtype *b, const float *scales, const float *bias, float *out,        \
              int32_t m, int32_t k, int32_t n, mc_act act) {                                             \
        int32_t i, j, kk;                                                                                \
        for (i = 0; i < m; ++i) {                                                                        \
            const float *x = a + i * k;                                                                  \
            for (j = 0; j + 2 <= n; j += 2) {                                                            \
                const float scale0 = scales[j], scale1 = scales[j + 1];                                  \
                const int32_t row0 = j * k, row1 = row0 + k;                                             \
                float s0 = 0.0f, s1 = 0.0f;                                                              \
                for (kk = 0; kk < k; ++kk) {                                                             \
                    const float xv = x[kk];                                                              \
                    s0 += xv * (scale0 * (float)fetch(b, row0 + kk));                                    \
                    s1 += xv * (scale1 * (float)fetch(b, row1 + kk));                                    \
                }                                                                                        \
                *out++ = mc_apply_act(bias != NULL ? s0 + bias[j] : s0, act);                            \
                *out++ = mc_apply_act(bias != NULL ? s1 + bias[j + 1] : s1, act);                        \
            }                                                                                            \
            for (; j < n; ++j) {                                                                         \
                const float scale = scales[j];                                                           \
                const int32_t row = j * k;                                                               \
                float s = 0.0f;                                                                          \
                for (kk = 0; kk < k; ++kk) {                                                             \
                    s += x[kk] * (scale * (float)fetch(b, row + kk));                                    \
                }                                                                                        \
                *out++ = mc_apply_act(bias != NULL ? s + bias[j] : s, act);                              \
            }                                                                                            \
        }                                                                                                \
    }

MC_WQ_DENSE(mc_matmul_dense_wq8_f32, int8_t, MC_WQ_FETCH_8)
MC_WQ_DENSE(mc_matmul_dense_wq16_f32, int16_t, MC_WQ_FETCH_16)
static MC_WQ_DENSE(wq4_dense_any_k, uint8_t, MC_WQ_FETCH_4)

/* The low and the high nibble of a byte as two's complement (MC_WQ_FETCH_4's (v ^ 8) - 8). */
#define MC_WQ_NIBBLE_LO(v) ((int32_t)(((v) & 0xF) ^ 8) - 8)
#define MC_WQ_NIBBLE_HI(v) ((int32_t)((((v) >> 4) & 0xF) ^ 8) - 8)

/* With k even every row starts on a byte: each byte is read once and gives two weights, the pairs in
 * the same order and arithmetic as wq4_dense_any_k (which odd k takes). */
void mc_matmul_dense_wq4_f32(const float *a, const uint8_t *b, const float *scales, const float *bias, float *out,
                             int32_t m, int32_t k, int32_t n, mc_act act) {
    int32_t i, j, kk;
    if (k % 2 != 0) {
        wq4_dense_any_k(a, b, scales, bias, out, m, k, n, act);
        return;
    }
    for (i = 0; i < m; ++i) {
        const float *x = a + i * k;
        for (j = 0; j < n; j += 2) {
            const int32_t two = j + 1 < n;
            const float scale0 = scales[j], scale1 = two ? scales[j + 1] : 0.0f;
            const uint8_t *w0 = b + j * k / 2;
            const uint8_t *w1 = two ? w0 + k / 2 : w0;
            float s0 = 0.0f, s1 = 0.0f;
            for (kk = 0; kk < k; kk += 2, ++w0, ++w1) {
                const int32_t p0 = *w0, p1 = *w1;
                const float x_lo = x[kk], x_hi = x[kk + 1];
                s0 += x_lo * (scale0 * (float)MC_WQ_NIBBLE_LO(p0));
                s1 += x_lo * (scale1 * (float)MC_WQ_NIBBLE_LO(p1));
                s0 += x_hi * (scale0 * (float)MC_WQ_NIBBLE_HI(p0));
                s1 += x_hi * (scale1 * (float)MC_WQ_NIBBLE_HI(p1));
            }
            *out++ = mc_apply_act(bias != NULL ? s0 + bias[j] : s0, act);
            if (two) {
                *out++ = mc_apply_act(bias != NULL ? s1 + bias[j + 1] : s1, act);
            }
        }
    }
}
