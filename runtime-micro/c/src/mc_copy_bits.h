/* Plain copy of n elements of any dtype but float32 (which has mc_copy_f32), as raw bits, one entry point
 * per element size: for a reshape that cannot alias its input (e.g. a graph input reshaped straight into
 * a graph output) or an output whose value lives in another buffer. */
#ifndef MC_COPY_BITS_H
#define MC_COPY_BITS_H

#include "mc_common.h"

void mc_copy_8bit(const void *in, void *out, int32_t n);
void mc_copy_16bit(const void *in, void *out, int32_t n);
void mc_copy_32bit(const void *in, void *out, int32_t n);
void mc_copy_64bit(const void *in, void *out, int32_t n);

#endif
