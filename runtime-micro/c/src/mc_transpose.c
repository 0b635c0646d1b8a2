#include "mc_transpose.h"

/* Walks the output in order. Output axis i moves through the input with stride in_stride[perm[i]];
 * the innermost output axis is a tight strided loop and the outer axes use an index counter. */
void mc_transpose_f32(const float *in, float *out, const mc_transpose_params *p) {
    const int32_t rank = p->rank;
    const int32_t last = rank - 1;
    int32_t in_stride[MC_MAX_RANK] = {0};
    int32_t dims[MC_MAX_RANK] = {0};  /* output dims */
    int32_t stride[MC_MAX_RANK] = {0};  /* input stride of each output axis */
    int32_t idx[MC_MAX_RANK] = {0};
    int32_t in_off = 0;
    int32_t rows = 1;
    int32_t n, s, r, d, i;

    in_stride[last] = 1;
    for (d = last - 1; d >= 0; --d) {
        in_stride[d] = in_stride[d + 1] * p->in_dims[d + 1];
    }
    for (d = 0; d < rank; ++d) {
        dims[d] = p->in_dims[p->perm[d]];
        stride[d] = in_stride[p->perm[d]];
    }
    for (d = 0; d < last; ++d) {
        rows *= dims[d];
    }
    n = dims[last];
    s = stride[last];
    for (r = 0; r < rows; ++r) {
        const float *src = in + in_off;
        if (s == 1) {
            for (i = 0; i < n; ++i) {
                out[i] = src[i];
            }
        } else {
            for (i = 0; i < n; ++i) {
                out[i] = src[i * s];
            }
        }
        out += n;
        for (d = last - 1; d >= 0; --d) {
            in_off += stride[d];
            if (++idx[d] < dims[d]) {
                break;
            }
            idx[d] = 0;
            in_off -= stride[d] * dims[d];
        }
    }
}
