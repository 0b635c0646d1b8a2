/* Weights-only quantization: float activations, weights stored as integers with one float scale per
 * output channel (w = scales[c] * q). Each kernel reads a weight, multiplies its channel's scale in
 * and uses the product where the float kernel uses the float weight, summing in the float kernels'
 * order (a convolution from the bias over input channel, kernel row, kernel column; a dense layer
 * over k, then the bias), so a layer gives the float kernel's bits for the dequantized weights. No
 * float copy of the weights exists.
 *
 * Storage: int8 (5..8 bits), int16 (9..16 bits), or two 4-bit values per byte (2..4 bits), element
 * 2i in the low nibble of byte i and 2i+1 in the high one, over the whole tensor in its order. */
#ifndef MC_WEIGHTS_ONLY_H
#define MC_WEIGHTS_ONLY_H

#include "mc_common.h"
#include "mc_conv2d.h"

/* Convolution, NCHW, weights [out_c][in_c/groups][k_h][k_w]; bias may be NULL. */
void mc_conv2d_wq8_f32(const float *in, const int8_t *weight, const float *scales, const float *bias,
                       float *out, const mc_conv2d_params *p);
void mc_conv2d_wq16_f32(const float *in, const int16_t *weight, const float *scales, const float *bias,
                        float *out, const mc_conv2d_params *p);
void mc_conv2d_wq4_f32(const float *in, const uint8_t *weight, const float *scales, const float *bias,
                       float *out, const mc_conv2d_params *p);

/* Dense layer: a [m][k] times b stored [n][k] (nn.Dense's layout), plus bias[n] (may be NULL). */
void mc_matmul_dense_wq8_f32(const float *a, const int8_t *b, const float *scales, const float *bias,
                             float *out, int32_t m, int32_t k, int32_t n, mc_act act);
void mc_matmul_dense_wq16_f32(const float *a, const int16_t *b, const float *scales, const float *bias,
                              float *out, int32_t m, int32_t k, int32_t n, mc_act act);
void mc_matmul_dense_wq4_f32(const float *a, const uint8_t *b, const float *scales, const float *bias,
                             float *out, int32_t m, int32_t k, int32_t n, mc_act act);

#endif
