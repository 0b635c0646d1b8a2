/* int8 depthwise convolution on the Cortex-M4's DSP instructions (mc_simd.h): the results of
 * mc_depthwise_conv2d_nhwc_s8 (TFLite's reference kernel) bit for bit (the general kernel in both
 * roundings, the 3x3 one within its precondition, below), on the weights in TFLite's stored layout
 * [1][k_h][k_w][out_c]; the general kernel takes the op's mc_qconv2d_params, the 3x3 one a compact
 * struct of its own with the same values.
 *
 * Four output channels at a time: one word load brings four input channels and one four weights;
 * SXTB16 splits each into two pairs of 16-bit lanes, SADD16 adds the input offset to both lanes at
 * once (x + offset lies in [-255, 255]), and SMLABB / SMLATT multiply lane by lane into four
 * separate sums. With a depth multiplier of 4k the four channels of a block read one input value,
 * which SMLABB / SMLATB take from its bottom lane. Channels beyond the last full block take a plain
 * loop. Requantization: mc_qrequant.h. On the host the instructions are mc_simd.h's portable
 * definitions, so the host tests check this source. */
#ifndef MC_QDEPTHWISE_H
#define MC_QDEPTHWISE_H

#include "mc_conv2d_nhwc.h"
#include "mc_qrequant.h"
#include "mc_simd.h"

/* Any kernel size, stride, dilation and padding; depth_multiplier 1 or a multiple of 4. */
void mc_depthwise_conv2d_nhwc_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias,
                                      int8_t *out, const mc_qconv2d_params *p);

/* The 3x3 kernel's own parameters: only what it reads, in the smallest types that hold its layers
 * (32 bytes of flash per layer, where mc_qconv2d_params takes 92). Written by the compiler
 * (org.microcodegen.lower.CParams.QDEPTHWISE_3X3, which mirrors this typedef), which chooses the
 * kernel only where every value fits its field; a larger layer takes mc_depthwise_conv2d_nhwc_s8_simd. */
typedef struct {
    const int32_t *out_mult;           /* [out_c], each >= 0 */
    const int8_t *out_shift;           /* [out_c], each in [-22, -1] */
    uint16_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
    int16_t out_offset;                /* output zero point, |out_offset| <= 255 */
    uint8_t stride_h, stride_w, pad_top, pad_left, depth_multiplier;
    int8_t in_zero;                    /* the input zero point: -in_offset */
    int8_t act_min, act_max;           /* the activation's range */
} mc_qdepthwise3x3_params;

/* 3x3 kernels, dilation 1, any stride and padding (MobileNet's): every pixel through one unrolled
 * path over a ring of three framed rows (mc_qdepthwise.c), 3 x 34 x 8 B = 816 B of stack.
 * Precondition, which it does not check (the compiler's kernel registry gives it only such layers,
 * CKernels.depthwise3x3; everything else takes mc_depthwise_conv2d_nhwc_s8_simd):
 *   - out_c a multiple of 4, and depth_multiplier 1 or a multiple of 4 (out_c = in_c x multiplier);
 *   - the layer's rounding MC_ROUND_DOUBLE (not in the struct: the kernel has only that epilogue);
 *   - per output channel: |bias| + 9 * 255 * 128 < 2^29 (the sums' bound, so that the 32-bit
 *     epilogue mc_rq_small2 is exact), and out_mult, out_shift and out_offset as above. */
void mc_depthwise_conv2d_nhwc_s8_3x3(const int8_t *in, const int8_t *w, const int32_t *bias,
                                     int8_t *out, const mc_qdepthwise3x3_params *p);

#endif
