/* int8 average pooling on the Cortex-M4's DSP instructions (mc_simd.h): mc_avgpool2d_nhwc_s8's
 * results (TFLite's reference kernel) bit for bit, from the same params.
 *
 * Four channels at a time: one word load brings a cell's four channels, SXTB16 splits them into two
 * pairs of 16-bit lanes and SADD16 adds each pair to two running sums, so a cell of four channels
 * costs five instructions. A 16-bit lane holds the sum of 255 int8 values (255 * 128 < 2^15); larger
 * windows move the lane sums into 32-bit sums every 255 cells. The average and the clamp are the
 * reference's (divide rounding half away from zero). Channels after the last block of four take a
 * plain loop. */
#ifndef MC_QPOOL_SIMD_H
#define MC_QPOOL_SIMD_H

#include "mc_pool2d_nhwc.h"
#include "mc_simd.h"

void mc_avgpool2d_nhwc_s8_simd(const int8_t *in, int8_t *out, const mc_qpool2d_params *p);

#endif
