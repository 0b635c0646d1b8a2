#include "mc_qpool_simd.h"

/* The most int8 values a 16-bit lane sums without overflow. */
#define LANE_CELLS 255

/* Window cells [*k0, *k1) whose input coordinate start + k lies in [0, size). */
static void valid_cells(int32_t start, int32_t k_size, int32_t size, int32_t *k0, int32_t *k1) {
    const int32_t b = start < 0 ? -start : 0;
    const int32_t e = start + k_size > size ? size - start : k_size;
    *k0 = b;
    *k1 = e < b ? b : e;
}

/* The reference's average: rounding half away from zero (C99 division truncates toward zero). */
static int8_t average(int32_t sum, int32_t n, const mc_qpool2d_params *p) {
    int32_t v = 0;
    if (n != 0) {
        v = sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
    }
    return (int8_t)(v < p->act_min ? p->act_min : (v > p->act_max ? p->act_max : v));
}

/* Sums of channels [c, c + 4) over rows x cols cells from x (row_step, col_step apart). */
static void sum4(const int8_t *x, int32_t rows, int32_t cols, int32_t row_step, int32_t col_step,
                 int32_t *sum) {
    uint32_t s02 = 0, s13 = 0;
    int32_t r, k, cells = 0;
    sum[0] = sum[1] = sum[2] = sum[3] = 0;
    for (r = 0; r < rows; ++r) {
        const int8_t *xr = x + r * row_step;
        for (k = 0; k < cols; ++k) {
            const uint32_t v = mc_read_u32(xr + k * col_step);
            s02 = mc_sadd16(s02, mc_sxtb16(v));
            s13 = mc_sadd16(s13, mc_sxtb16_ror8(v));
            if (++cells == LANE_CELLS) {
                sum[0] += mc_lane16(s02, 0); sum[2] += mc_lane16(s02, 1);
                sum[1] += mc_lane16(s13, 0); sum[3] += mc_lane16(s13, 1);
                s02 = s13 = 0;
                cells = 0;
            }
        }
    }
    sum[0] += mc_lane16(s02, 0); sum[2] += mc_lane16(s02, 1);
    sum[1] += mc_lane16(s13, 0); sum[3] += mc_lane16(s13, 1);
}

void mc_avgpool2d_nhwc_s8_simd(const int8_t *in, int8_t *out, const mc_qpool2d_params *p) {
    const int32_t channels = p->channels;
    const int32_t row = p->in_w * channels;
    int32_t b, oh, ow, c, r, k;
    for (b = 0; b < p->batch; ++b) {
        const int8_t *img = in + (size_t)b * (size_t)p->in_h * (size_t)row;
        for (oh = 0; oh < p->out_h; ++oh) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh0, kh1;
            valid_cells(ih0, p->k_h, p->in_h, &kh0, &kh1);
            for (ow = 0; ow < p->out_w; ++ow) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw0, kw1, n;
                const int8_t *x;
                valid_cells(iw0, p->k_w, p->in_w, &kw0, &kw1);
                n = (kh1 - kh0) * (kw1 - kw0);
                /* never formed outside the input: the window may lie in the padding */
                x = n == 0 ? img : img + (ih0 + kh0) * row + (iw0 + kw0) * channels;
                for (c = 0; c < channels; c += 4) {
                    /* four channels at a time; the last one to three one by one */
                    const int32_t lanes = channels - c < 4 ? channels - c : 4;
                    int32_t sum[4], lane;
                    if (lanes == 4) {
                        sum4(x + c, kh1 - kh0, kw1 - kw0, row, channels, sum);
                    } else {
                        for (lane = 0; lane < lanes; ++lane) {
                            sum[lane] = 0;
                            for (r = 0; r < kh1 - kh0; ++r) {
                                for (k = 0; k < kw1 - kw0; ++k) {
                                    sum[lane] += x[r * row + k * channels + c + lane];
                                }
                            }
                        }
                    }
                    for (lane = 0; lane < lanes; ++lane) {
                        *out++ = average(sum[lane], n, p);
                    }
                }
            }
        }
    }
}
