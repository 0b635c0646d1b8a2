#include "mc_strided_slice.h"

/* Walks the output in order. Output axis d moves through the input by strides[d] * in_stride[d]
 * elements (negative for a reversed axis); the innermost axis is a tight strided loop and the outer
 * axes use an index counter. */
/* One body for every element type: the float kernel and raw copies of 1, 2 and 4-byte elements. */
#define MC_STRIDED_SLICE_BODY(name, T)                                                      \
    void name(const void *in_bits, void *out_bits, const mc_strided_slice_params *p) {          \
        const T *in = (const T *)in_bits;                                                       \
        T *out = (T *)out_bits;                                                                 \
        const int32_t rank = p->rank;                                                           \
        const int32_t last = rank - 1;                                                          \
        int32_t in_stride[MC_MAX_RANK] = {0};                                                   \
        int32_t step[MC_MAX_RANK] = {0};  /* input elements per output step along each axis */  \
        int32_t idx[MC_MAX_RANK] = {0};                                                         \
        int32_t in_off = 0;            /* offset of the current output row's first element */   \
        int32_t rows = 1;                                                                       \
        int32_t n, s, r, d, i;                                                                  \
                                                                                                \
        in_stride[last] = 1;                                                                    \
        for (d = last - 1; d >= 0; --d) {                                                       \
            in_stride[d] = in_stride[d + 1] * p->in_dims[d + 1];                                \
        }                                                                                       \
        for (d = 0; d < rank; ++d) {                                                            \
            step[d] = p->strides[d] * in_stride[d];                                             \
            in_off += p->begin[d] * in_stride[d];                                               \
        }                                                                                       \
        for (d = 0; d < last; ++d) {                                                            \
            rows *= p->out_dims[d];                                                             \
        }                                                                                       \
        n = p->out_dims[last];                                                                  \
        s = step[last];                                                                         \
        for (r = 0; r < rows; ++r) {                                                            \
            const T *src = in + in_off;                                                         \
            for (i = 0; i < n; ++i) {                                                           \
                out[i] = src[i * s];                                                            \
            }                                                                                   \
            out += n;                                                                           \
            for (d = last - 1; d >= 0; --d) {                                                   \
                in_off += step[d];                                                              \
                if (++idx[d] < p->out_dims[d]) {                                                \
                    break;                                                                      \
                }                                                                               \
                idx[d] = 0;                                                                     \
                in_off -= step[d] * p->out_dims[d];                                             \
            }                                                                                   \
        }                                                                                       \
    }

static MC_STRIDED_SLICE_BODY(mc_strided_slice_f32_as_f32, float)

void mc_strided_slice_f32(const float *in, float *out, const mc_strided_slice_params *p) {
    mc_strided_slice_f32_as_f32(in, out, p);
}

MC_STRIDED_SLICE_BODY(mc_strided_slice_8bit, uint8_t)
MC_STRIDED_SLICE_BODY(mc_strided_slice_16bit, uint16_t)
MC_STRIDED_SLICE_BODY(mc_strided_slice_32bit, uint32_t)
