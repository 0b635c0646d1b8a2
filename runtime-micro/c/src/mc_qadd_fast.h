/* int8 ADD in fewer instructions: mc_add_s8's results (TFLite's reference kernel with its add
 * requantization and fused activation) bit for bit, from the same params and broadcasts.
 *
 * Each of the reference's three requantizations costs a handful of instructions instead of a
 * 64-bit multiply, sign tests and a 64-bit mask (mc_qrequant.h has the arithmetic): the doubling
 * high multiply is SMMULR of the doubled value, the input offset and left shift fold into one
 * shifted add, and the output offset folds into the rounding of the last division. That needs
 * the constants TFLite derives for ADD (right shifts on every multiplier, int8 values shifted left
 * by at most 20, which keeps every intermediate below 2^30); with other constants, or single
 * rounding, the kernel runs mc_requantize_fast per element (still exact). */
#ifndef MC_QADD_FAST_H
#define MC_QADD_FAST_H

#include "mc_qbinary.h"
#include "mc_qrequant.h"
#include "mc_simd.h"

void mc_add_s8_fast(const int8_t *a, const int8_t *b, int8_t *out, const mc_qadd_params *p);

#endif
