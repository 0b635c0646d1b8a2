#include "mc_pad.h"

/* Walks the output rows (all axes but the last) with an index counter. A row whose outer
 * coordinates fall outside the input on any axis is all padding; any other row is padding, a
 * contiguous copy of one input row, padding. */
void mc_pad_f32(const float *in, float *out, const mc_pad_params *p) {
    const int32_t rank = p->rank;
    const int32_t last = rank - 1;
    const float value = p->value;
    int32_t in_stride[MC_MAX_RANK] = {0};
    int32_t out_dims[MC_MAX_RANK] = {0};
    int32_t idx[MC_MAX_RANK] = {0};
    int32_t rows = 1;
    int32_t n, in_w, copy_begin, copy_end, r, d, i;

    in_stride[last] = 1;
    for (d = last - 1; d >= 0; --d) {
        in_stride[d] = in_stride[d + 1] * p->in_dims[d + 1];
    }
    for (d = 0; d < rank; ++d) {
        out_dims[d] = p->in_dims[d] + p->pad_before[d] + p->pad_after[d];
    }
    for (d = 0; d < last; ++d) {
        rows *= out_dims[d];
    }
    /* Output columns [copy_begin, copy_end) of every inside row come from the input row. */
    n = out_dims[last];
    copy_begin = p->pad_before[last];
    in_w = p->in_dims[last];
    copy_end = copy_begin + in_w;

    for (r = 0; r < rows; ++r) {
        int32_t inside = 1;
        int32_t in_off = 0;
        for (d = 0; d < last; ++d) {
            const int32_t c = idx[d] - p->pad_before[d];
            if (c < 0 || c >= p->in_dims[d]) {
                inside = 0;
                break;
            }
            in_off += c * in_stride[d];
        }
        if (inside) {
            const float *src = in + in_off;
            float *dst = out + copy_begin;
            for (i = 0; i < copy_begin; ++i) {
                out[i] = value;
            }
            for (i = 0; i < in_w; ++i) {
                dst[i] = src[i];
            }
            for (i = copy_end; i < n; ++i) {
                out[i] = value;
            }
        } else {
            for (i = 0; i < n; ++i) {
                out[i] = value;
            }
        }
        out += n;
        for (d = last - 1; d >= 0; --d) {
            if (++idx[d] < out_dims[d]) {
                break;
            }
            idx[d] = 0;
        }
    }
}
