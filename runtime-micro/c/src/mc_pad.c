#include "mc_pad.h"

/* Walks the output rows (all axes but the last) with an index counter. A row whose outer
 * coordinates fall outside the input on any axis is all padding; any other row is padding, a
 * contiguous copy of one input row, padding. */
/* One body for every element type (T) and params struct. */
#define MC_PAD(name, T, PARAMS)                                                               \
    void name(const T *in, T *out, const PARAMS *p) {                                          \
        const int32_t rank = p->rank;                                                          \
        const int32_t last = rank - 1;                                                         \
        const T value = (T)p->value;                                                           \
        int32_t in_stride[MC_MAX_RANK] = {0};                                                  \
        int32_t out_dims[MC_MAX_RANK] = {0};                                                   \
        int32_t idx[MC_MAX_RANK] = {0};                                                        \
        int32_t rows = 1;                                                                      \
        int32_t n, in_w, copy_begin, copy_end, r, d, i;                                        \
                                                                                               \
        in_stride[last] = 1;                                                                   \
        for (d = last - 1; d >= 0; --d) {                                                      \
            in_stride[d] = in_stride[d + 1] * p->in_dims[d + 1];                               \
        }                                                                                      \
        for (d = 0; d < rank; ++d) {                                                           \
            out_dims[d] = p->in_dims[d] + p->pad_before[d] + p->pad_after[d];                  \
        }                                                                                      \
        for (d = 0; d < last; ++d) {                                                           \
            rows *= out_dims[d];                                                               \
        }                                                                                      \
        /* Output columns [copy_begin, copy_end) of every inside row come from the input row. */ \
        n = out_dims[last];                                                                    \
        copy_begin = p->pad_before[last];                                                      \
        in_w = p->in_dims[last];                                                               \
        copy_end = copy_begin + in_w;                                                          \
                                                                                               \
        for (r = 0; r < rows; ++r) {                                                           \
            int32_t inside = 1;                                                                \
            int32_t in_off = 0;                                                                \
            for (d = 0; d < last; ++d) {                                                       \
                const int32_t c = idx[d] - p->pad_before[d];                                   \
                if (c < 0 || c >= p->in_dims[d]) {                                             \
                    inside = 0;                                                                \
                    break;                                                                     \
                }                                                                              \
                in_off += c * in_stride[d];                                                    \
            }                                                                                  \
            if (inside) {                                                                      \
                const T *src = in + in_off;                                                    \
                T *dst = out + copy_begin;                                                     \
                for (i = 0; i < copy_begin; ++i) {                                             \
                    out[i] = value;                                                            \
                }                                                                              \
                for (i = 0; i < in_w; ++i) {                                                   \
                    dst[i] = src[i];                                                           \
                }                                                                              \
                for (i = copy_end; i < n; ++i) {                                               \
                    out[i] = value;                                                            \
                }                                                                              \
            } else {                                                                           \
                for (i = 0; i < n; ++i) {                                                      \
                    out[i] = value;                                                            \
                }                                                                              \
            }                                                                                  \
            out += n;                                                                          \
            for (d = last - 1; d >= 0; --d) {                                                  \
                if (++idx[d] < out_dims[d]) {                                                  \
                    break;                                                                     \
                }                                                                              \
                idx[d] = 0;                                                                    \
            }                                                                                  \
        }                                                                                      \
    }

MC_PAD(mc_pad_f32, float, mc_pad_params)
MC_PAD(mc_pad_s8, int8_t, mc_pad_int_params)
MC_PAD(mc_pad_s16, int16_t, mc_pad_int_params)
