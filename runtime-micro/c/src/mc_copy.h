/* Plain copy of n floats, for a reshape that cannot alias its input (e.g. a graph input reshaped
 * straight into a graph output). */
#ifndef MC_COPY_H
#define MC_COPY_H

#include "mc_common.h"

void mc_copy_f32(const float *in, float *out, int32_t n);

#endif
