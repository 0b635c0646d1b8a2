#include "mc_pool2d.h"

/* Window cells [*k_begin, *k_end) whose input coordinate start + k lies in [0, size). Computing the
 * valid range once per output row/column keeps bounds tests out of the inner loops. */
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

void mc_maxpool2d_f32(const float *in, float *out, const mc_pool2d_params *p) {
    const int32_t planes = p->batch * p->channels;
    int32_t pl, oh, ow, kh, kw;
    for (pl = 0; pl < planes; ++pl) {
        const float *plane = in + pl * p->in_h * p->in_w;
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh0, kh1;
            valid_cells(ih0, p->k_h, p->in_h, &kh0, &kh1);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw0, kw1;
                float m;
                valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);
                if (kh0 == kh1 || kw0 == kw1) {
                    *out++ = 0.0f;   /* window entirely in the padding: nothing can win */
                    continue;
                }
                /* Padding never wins: start from a real cell, look at real cells only. */
                m = plane[(ih0 + kh0) * p->in_w + iw0 + kw0];
                for (kh = kh0; kh < kh1; ++kh) {
                    const float *row = plane + (ih0 + kh) * p->in_w + iw0 + kw0;
                    for (kw = 0; kw < kw1 - kw0; ++kw) {
                        m = row[kw] > m ? row[kw] : m;
                    }
                }
                *out++ = m;
            }
        }
    }
}

void mc_avgpool2d_f32(const float *in, float *out, const mc_pool2d_params *p) {
    const int32_t planes = p->batch * p->channels;
    const float full = (float)(p->k_h * p->k_w);
    int32_t pl, oh, ow, kh, kw;
    for (pl = 0; pl < planes; ++pl) {
        const float *plane = in + pl * p->in_h * p->in_w;
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh0, kh1;
            valid_cells(ih0, p->k_h, p->in_h, &kh0, &kh1);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw0, kw1, cells;
                float sum = 0.0f;
                valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);
                for (kh = kh0; kh < kh1; ++kh) {
                    const float *row = plane + (ih0 + kh) * p->in_w + iw0 + kw0;
                    for (kw = 0; kw < kw1 - kw0; ++kw) {
                        sum += row[kw];
                    }
                }
                cells = (kh1 - kh0) * (kw1 - kw0);
                if (p->count_include_pad) {
                    *out++ = sum / full;
                } else {
                    *out++ = cells > 0 ? sum / (float)cells : 0.0f;
                }
            }
        }
    }
}
