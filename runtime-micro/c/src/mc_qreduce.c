#include "mc_qreduce.h"

#define MC_QMEAN(name, T, LO, HI)                                                           \
    void name(const T *in, T *out, const mc_qmean_params *p) {                              \
        const int32_t cells = p->in_h * p->in_w;                                            \
        const int32_t n = p->divisor;                                                       \
        int32_t b, c, i;                                                                    \
        for (b = 0; b < p->batch; ++b, in += cells * p->channels) {                         \
            for (c = 0; c < p->channels; ++c) {                                             \
                int32_t acc = 0;                                                            \
                for (i = 0; i < cells; ++i) {                                               \
                    acc += in[i * p->channels + c] - p->in_zero_point;                      \
                }                                                                           \
                acc = mc_requantize(acc, p->mult, p->shift, p->rounding);                   \
                if (n > 1) {                                                                \
                    acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;                  \
                }                                                                           \
                *out++ = (T)mc_clamp_i32(acc + p->out_zero_point, LO, HI);                  \
            }                                                                               \
        }                                                                                   \
    }

MC_QMEAN(mc_mean_hw_s8, int8_t, -128, 127)
MC_QMEAN(mc_mean_hw_s16, int16_t, -32768, 32767)
