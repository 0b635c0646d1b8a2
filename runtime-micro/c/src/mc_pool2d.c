#include "mc_pool2d.h"

/* Loop structure (as in mc_conv2d.c): for each output row the valid window rows are computed once;
 * the output columns split into left border, interior (whole window inside the input) and right
 * border. The interior runs without any bounds test; the entry points for 2x2 and 3x3 windows
 * (chosen by the compiler) have constant window sizes so that the C compiler unrolls the window
 * loops. */

#if defined(__GNUC__)
#define MC_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define MC_ALWAYS_INLINE static inline
#endif

/* Window cells [*k_begin, *k_end) whose input coordinate start + k lies in [0, size). */
static void valid_cells(int32_t start, int32_t k_size, int32_t size, int32_t *k_begin,
                        int32_t *k_end) {
    int32_t b = start < 0 ? -start : 0;
    int32_t e = start + k_size > size ? size - start : k_size;
    if (e < b) {
        e = b;
    }
    *k_begin = b;
    *k_end = e;
}

/* Output columns [*ow_lo, *ow_hi) whose whole window lies inside the input row. */
static void interior_columns(const mc_pool2d_params *p, int32_t *ow_lo, int32_t *ow_hi) {
    int32_t lo = (p->pad_left + p->stride_w - 1) / p->stride_w;
    int32_t hi = p->in_w + p->pad_left - p->k_w < 0
                     ? 0 : (p->in_w + p->pad_left - p->k_w) / p->stride_w + 1;
    lo = lo < p->out_w ? lo : p->out_w;
    hi = hi < p->out_w ? hi : p->out_w;
    *ow_lo = lo;
    *ow_hi = hi < lo ? lo : hi;
}

/* Max and sum over rows x cols cells starting at x (rows and cols >= 1; pitch floats per row).
 * Plain loops for the borders and any window; the fixed windows use the unrolled copies below
 * (an unroll pragma on a loop of unknown count would unroll by 4 with remainder code). */
MC_ALWAYS_INLINE float window_max(const float *x, int32_t rows, int32_t cols, int32_t pitch) {
    float m = x[0];
    int32_t r, c;
    for (r = 0; r < rows; ++r, x += pitch) {
        for (c = 0; c < cols; ++c) {
            m = x[c] > m ? x[c] : m;
        }
    }
    return m;
}

MC_ALWAYS_INLINE float window_sum(const float *x, int32_t rows, int32_t cols, int32_t pitch) {
    float s = 0.0f;
    int32_t r, c;
    for (r = 0; r < rows; ++r, x += pitch) {
        for (c = 0; c < cols; ++c) {
            s += x[c];
        }
    }
    return s;
}

/* k x k windows, k a constant (2 or 3), fully unrolled. */
MC_ALWAYS_INLINE float window_max_k(const float *x, int32_t k, int32_t pitch) {
    float m = x[0];
    int32_t r, c;
#pragma GCC unroll 3
    for (r = 0; r < k; ++r, x += pitch) {
#pragma GCC unroll 3
        for (c = 0; c < k; ++c) {
            m = x[c] > m ? x[c] : m;
        }
    }
    return m;
}

MC_ALWAYS_INLINE float window_sum_k(const float *x, int32_t k, int32_t pitch) {
    float s = 0.0f;
    int32_t r, c;
#pragma GCC unroll 3
    for (r = 0; r < k; ++r, x += pitch) {
#pragma GCC unroll 3
        for (c = 0; c < k; ++c) {
            s += x[c];
        }
    }
    return s;
}

/* Outputs [ow, ow_end) of one row whose windows may reach into the padding: only the cells inside
 * the input count (max: padding never wins; average: the caller decides the divisor). x is the
 * input row of the first valid window row, at column 0; rows may be 0 (all in the padding). */
static void max_border(const float *x, float *out, int32_t ow, int32_t ow_end, int32_t rows,
                       const mc_pool2d_params *p) {
    for (; ow < ow_end; ++ow) {
        const int32_t iw0 = ow * p->stride_w - p->pad_left;
        int32_t kw0, kw1;
        valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);
        /* a window entirely in the padding has nothing that can win */
        out[ow] = kw1 > kw0 && rows > 0 ? window_max(x + iw0 + kw0, rows, kw1 - kw0, p->in_w)
                                        : 0.0f;
    }
}

static void avg_border(const float *x, float *out, int32_t ow, int32_t ow_end, int32_t rows,
                       const mc_pool2d_params *p) {
    const float full = (float)(p->k_h * p->k_w);
    for (; ow < ow_end; ++ow) {
        const int32_t iw0 = ow * p->stride_w - p->pad_left;
        int32_t kw0, kw1, cells;
        float sum;
        valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);
        cells = rows * (kw1 - kw0);
        sum = cells > 0 ? window_sum(x + iw0 + kw0, rows, kw1 - kw0, p->in_w) : 0.0f;
        if (p->count_include_pad) {
            out[ow] = sum / full;
        } else {
            out[ow] = cells > 0 ? sum / (float)cells : 0.0f;
        }
    }
}

/* The first valid window row of output row oh: *x (in plane, column 0) and the count of valid
 * rows. */
static int32_t window_rows(const float *plane, int32_t oh, const mc_pool2d_params *p,
                           const float **x) {
    const int32_t ih0 = oh * p->stride_h - p->pad_top;
    int32_t kh0, kh1;
    valid_cells(ih0, p->k_h, p->in_h, &kh0, &kh1);
    *x = kh1 > kh0 ? plane + (ih0 + kh0) * p->in_w : plane;
    return kh1 - kh0;
}

/* Every output plane. k is the window size when the entry point has a fixed k x k window
 * (then p->k_h == p->k_w == k), 0 for any window; a constant after inlining. Rows whose whole
 * window height is inside the input run the interior without bounds tests (k x k unrolled when
 * k is fixed); the other rows (in the vertical padding) go through the border code whole. */
MC_ALWAYS_INLINE void pool_planes(const float *in, float *out, const mc_pool2d_params *p,
                                  int32_t is_max, int32_t k) {
    const int32_t planes = p->batch * p->channels;
    const int32_t k_h = k ? k : p->k_h;
    const int32_t k_w = k ? k : p->k_w;
    const float full = (float)(k_h * k_w);
    int32_t pl, oh, ow, ow_lo, ow_hi;
    interior_columns(p, &ow_lo, &ow_hi);
    for (pl = 0; pl < planes; ++pl) {
        const float *plane = in + pl * p->in_h * p->in_w;
        for (oh = 0; oh < p->out_h; ++oh, out += p->out_w) {
            const float *x;
            const int32_t rows = window_rows(plane, oh, p, &x);
            int32_t lo = ow_lo, hi = ow_lo;
            const float *xc;
            if (rows == k_h) {
                hi = ow_hi;   /* a full-height row: interior columns without bounds tests */
            } else {
                lo = p->out_w;
            }
            if (is_max) {
                max_border(x, out, 0, lo, rows, p);
            } else {
                avg_border(x, out, 0, lo, rows, p);
            }
            xc = x + ow_lo * p->stride_w - p->pad_left;
            for (ow = ow_lo; ow < hi; ++ow, xc += p->stride_w) {
                if (k) {
                    out[ow] = is_max ? window_max_k(xc, k, p->in_w)
                                     : window_sum_k(xc, k, p->in_w) / full;
                } else {
                    out[ow] = is_max ? window_max(xc, k_h, k_w, p->in_w)
                                     : window_sum(xc, k_h, k_w, p->in_w) / full;
                }
            }
            if (is_max) {
                max_border(x, out, hi, p->out_w, rows, p);
            } else {
                avg_border(x, out, hi, p->out_w, rows, p);
            }
        }
    }
}

/* One function per (max or average, window); each links alone. */
#define MC_POOL2D_ENTRY(name, is_max, k)                                                          \
    void name(const float *in, float *out, const mc_pool2d_params *p) {                          \
        pool_planes(in, out, p, is_max, k);                                                       \
    }

MC_POOL2D_ENTRY(mc_maxpool2d_f32, 1, 0)
MC_POOL2D_ENTRY(mc_maxpool2d_k2_f32, 1, 2)
MC_POOL2D_ENTRY(mc_maxpool2d_k3_f32, 1, 3)
MC_POOL2D_ENTRY(mc_avgpool2d_f32, 0, 0)
MC_POOL2D_ENTRY(mc_avgpool2d_k2_f32, 0, 2)
MC_POOL2D_ENTRY(mc_avgpool2d_k3_f32, 0, 3)

/* The compact kernels (`--optimize size`): any window, plain loops over the window's cells inside
 * the input, in the order of window_max / window_sum (so the same bits as the other entry points). */
MC_ALWAYS_INLINE void pool_compact(const float *restrict in, float *restrict out, const mc_pool2d_params *restrict p,
                                   int32_t is_max) {
    const int32_t planes = p->batch * p->channels;
    int32_t c, oh, ow, kh, kw;
    for (c = 0; c < planes; ++c, in += p->in_h * p->in_w) {
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh0, kh1;
            valid_cells(ih0, p->k_h, p->in_h, &kh0, &kh1);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw0, kw1, cells;
                float v;
                valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);
                cells = (kh1 - kh0) * (kw1 - kw0);
                /* a window entirely in the padding: nothing wins, nothing is summed */
                v = cells > 0 && is_max ? in[(ih0 + kh0) * p->in_w + iw0 + kw0] : 0.0f;
                for (kh = kh0; kh < kh1; ++kh) {
                    const float *x = in + (ih0 + kh) * p->in_w + iw0;
                    for (kw = kw0; kw < kw1; ++kw) {
                        if (!is_max) {
                            v += x[kw];
                        } else if (x[kw] > v) {
                            v = x[kw];
                        }
                    }
                }
                if (!is_max) {
                    v = p->count_include_pad ? v / (float)(p->k_h * p->k_w) : (cells > 0 ? v / (float)cells : 0.0f);
                }
                *out++ = v;
            }
        }
    }
}

void mc_maxpool2d_compact_f32(const float *in, float *out, const mc_pool2d_params *p) {
    pool_compact(in, out, p, 1);
}

void mc_avgpool2d_compact_f32(const float *in, float *out, const mc_pool2d_params *p) {
    pool_compact(in, out, p, 0);
}
