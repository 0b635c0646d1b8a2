/* int8 SOFTMAX (int8 output) in fewer instructions: mc_softmax_s8's results (TFLite's reference
 * kernel, gemmlowp fixed-point exp) bit for bit, from the same params.
 *
 * The reference evaluates the fixed-point exp of every element twice, once for the row's sum and
 * once for its output; this kernel keeps the first MC_SOFTMAX_FAST_CACHE exps of a row (classifier
 * heads have 2 to a few dozen classes) and recomputes only beyond them. The input rescaling uses
 * mc_requantize_fast. */
#ifndef MC_QSOFTMAX_FAST_H
#define MC_QSOFTMAX_FAST_H

#include "mc_qrequant.h"
#include "mc_qsoftmax.h"

#define MC_SOFTMAX_FAST_CACHE 64

void mc_softmax_s8_fast(const int8_t *in, int8_t *out, const mc_qsoftmax_params *p);

#endif
