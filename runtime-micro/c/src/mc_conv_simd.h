/* int8 convolution and fully connected layer for cores with the DSP (SIMD32) extension, bit for bit
 * the results of mc_conv2d_nhwc_s8 and mc_fully_connected_s8 (both roundings; the 1x1 entry for the
 * layers its precondition admits), on weights the compiler packed for them. The same source runs on
 * the host with mc_simd.h's portable definitions. The general convolution takes its op's parameter
 * struct; the 1x1 entry and the fully connected layer compact ones of their own.
 *
 * Packed operands (written by the compiler, org.microcodegen.lower.SimdPackings; never by hand):
 *   weight  K = k_h * k_w * in_c (FC: in_depth), Kp = K rounded up to a multiple of 4. Output
 *           channels go in pairs (c, c + 1); an odd last channel is paired with a channel of zeros.
 *           Per pair, per group of four k: the four int8 weights of channel c (k order as in the
 *           model: kernel row, kernel column, input channel), then those of channel c + 1. Weights
 *           for k >= K are 0. Size ceil(out_c / 2) * 2 * Kp bytes, word aligned.
 *   bias    int32 [out_c]: bias[c] + in_offset * (sum over k of w[c][k]), never NULL. The input
 *           offset is folded in: the kernels multiply raw inputs, and pad taps outside the image
 *           with the input's zero point (-in_offset), whose product then cancels its share.
 * Per pass the inner loop computes two output channels for two output pixels (four sums): each
 * word of weights feeds four multiply-accumulates and each word of inputs two SMLADs. Inputs are
 * sign-extended to 16-bit lanes once per pixel into a stack buffer: lanes (x0, x2) then (x1, x3)
 * for each group of four, the order SXTB16 gives the weights (w0, w2) and, rotated by 8, (w1, w3).
 * The four sums of a channel pair are requantized from registers as soon as they are complete
 * (mc_qrequant.h's one-SMLAL form with the output offset folded in, SSAT for a full int8 range).
 *
 * Stack: the convolutions' lane buffer is a C99 array sized by the layer, 2 * Kp int16 lanes, plus
 * Kp bytes for the general convolution's gathered taps: at most 5 KB, since the compiler picks
 * these kernels only for Kp <= MC_CONV_SIMD_MAX_K (person_detect: 1 KB at its widest layer).
 *
 * The fully connected kernel has a single input vector per batch, so it shares inputs across
 * outputs instead: per pass four output rows (two channel pairs) take each input word, one LDR and
 * two SXTB16 for 16 MACs, read in place (no stack buffer, any in_depth). */
#ifndef MC_CONV_SIMD_H
#define MC_CONV_SIMD_H

#include "mc_conv2d_nhwc.h"
#include "mc_fully_connected.h"
#include "mc_qrequant.h"
#include "mc_simd.h"

/* The largest Kp the convolutions take (org.microcodegen.lower.Shapes.SIMD_CONV_MAX_DEPTH); the
 * compiler picks the reference kernel above it. */
#define MC_CONV_SIMD_MAX_K 1024

/* Any CONV_2D (padding, stride, dilation), weights and bias packed as above; also a
 * DEPTHWISE_CONV_2D of one input channel, which is the same computation. Kernel rows of whole
 * words (k_w * in_c a multiple of 4: micro_speech's 10x8 one-channel window) widen straight from
 * the input rows; other rows are first gathered into Kp bytes of stack. */
void mc_conv2d_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                       const mc_qconv2d_params *p);
/* The pointwise kernel's own parameters: only what it reads (20 bytes of flash per layer, where
 * mc_qconv2d_params takes 92). Written by the compiler (org.microcodegen.lower.CParams.QPOINTWISE,
 * which mirrors this typedef), which chooses the kernel only where every value fits its field. */
typedef struct {
    int32_t pixels;                    /* batch * out_h * out_w (= batch * in_h * in_w) */
    uint16_t in_c, out_c;
    int16_t out_offset;                /* output zero point, |out_offset| <= 256 */
    const int32_t *out_mult;           /* [out_c] */
    const int8_t *out_shift;           /* [out_c], each in [-22, -1] */
} mc_qpointwise_params;

/* 1x1, stride 1, unpadded: every output pixel reads one contiguous input pixel. Precondition (the
 * compiler's, org.microcodegen.lower.Shapes.SIMD_POINTWISE): the layer's rounding is double, its
 * activation range all of int8, and every channel's shift in [-22, -1] (mc_rqo_fits), so that every
 * channel takes mc_rqo's epilogue; other layers take mc_conv2d_s8_simd. */
void mc_conv2d_1x1_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out,
                           const mc_qpointwise_params *p);
/* The fully connected kernel's own parameters (20 bytes of flash per layer, where mc_qfc_params
 * takes 44). Written by the compiler (org.microcodegen.lower.CParams.QFC_SIMD, which mirrors this
 * typedef), which chooses the kernel only where every value fits its field. */
typedef struct {
    uint16_t batches, in_depth, out_depth;
    int16_t out_offset;                /* output zero point, |out_offset| <= 256 */
    uint8_t per_channel;               /* 0: out_mult[0] / out_shift[0] for every output */
    uint8_t double_rounding;           /* 1: MC_ROUND_DOUBLE, 0: MC_ROUND_SINGLE */
    const int32_t *out_mult;           /* [out_depth], or [1] */
    const int32_t *out_shift;          /* the same, each in [-22, -1] */
} mc_qfc_simd_params;

/* FULLY_CONNECTED, weights and bias packed as above (K = in_depth); reads inputs in place.
 * Precondition (the compiler's, org.microcodegen.lower.Shapes.SIMD_DENSE): double or single
 * rounding, an activation range of all of int8, and every channel's shift in [-22, -1]
 * (mc_rqo_fits), so that every output takes the one-SMLAL epilogue; other layers take
 * mc_fully_connected_s8. */
void mc_fully_connected_s8_simd(const int8_t *in, const int8_t *w, const int32_t *bias,
                                int8_t *out, const mc_qfc_simd_params *p);

#endif
