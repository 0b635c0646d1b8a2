#include "mc_reduce.h"

/* Mean over the marked axes. The input is walked in order; every input element is added to the
 * output element it reduces into, whose offset moves with the kept axes only (stride 0 along
 * reduced axes). The innermost axis is a tight loop: a plain sum when it is reduced, a contiguous
 * accumulate when it is kept. The sums are divided by the number of reduced elements at the end. */
void mc_reduce_mean_f32(const float *in, float *out, const mc_reduce_params *p) {
    const int32_t rank = p->rank;
    const int32_t last = rank - 1;
    int32_t out_stride[MC_MAX_RANK] = {0};
    int32_t idx[MC_MAX_RANK] = {0};
    int32_t out_size = 1;
    int32_t count = 1;             /* elements reduced into each output */
    int32_t rows = 1;
    int32_t out_off = 0;
    int32_t n, r, d, i;
    float inv_count;

    /* Output strides over the kept axes, 0 along the reduced ones. */
    for (d = last; d >= 0; --d) {
        if (p->reduced[d]) {
            out_stride[d] = 0;
            count *= p->in_dims[d];
        } else {
            out_stride[d] = out_size;
            out_size *= p->in_dims[d];
        }
    }
    for (i = 0; i < out_size; ++i) {
        out[i] = 0.0f;
    }
    for (d = 0; d < last; ++d) {
        rows *= p->in_dims[d];
    }
    n = p->in_dims[last];
    for (r = 0; r < rows; ++r) {
        float *dst = out + out_off;
        if (p->reduced[last]) {
            float sum = 0.0f;
            for (i = 0; i < n; ++i) {
                sum += in[i];
            }
            dst[0] += sum;
        } else {
            for (i = 0; i < n; ++i) {
                dst[i] += in[i];
            }
        }
        in += n;
        for (d = last - 1; d >= 0; --d) {
            out_off += out_stride[d];
            if (++idx[d] < p->in_dims[d]) {
                break;
            }
            idx[d] = 0;
            out_off -= out_stride[d] * p->in_dims[d];
        }
    }
    inv_count = 1.0f / (float)count;
    for (i = 0; i < out_size; ++i) {
        out[i] *= inv_count;
    }
}
