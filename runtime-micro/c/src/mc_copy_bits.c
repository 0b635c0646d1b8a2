#include "mc_copy_bits.h"

/* The kernels use no libc beyond libm, so the bits move a byte at a time (the compiler may widen it). */
static void copy_bytes(const void *in, void *out, size_t bytes) {
    const unsigned char *src = (const unsigned char *)in;
    unsigned char *dst = (unsigned char *)out;
    size_t i;
    for (i = 0; i < bytes; ++i) {
        dst[i] = src[i];
    }
}

void mc_copy_8bit(const void *in, void *out, int32_t n) {
    copy_bytes(in, out, (size_t)n);
}

void mc_copy_16bit(const void *in, void *out, int32_t n) {
    copy_bytes(in, out, (size_t)n * 2u);
}

void mc_copy_32bit(const void *in, void *out, int32_t n) {
    copy_bytes(in, out, (size_t)n * 4u);
}

void mc_copy_64bit(const void *in, void *out, int32_t n) {
    copy_bytes(in, out, (size_t)n * 8u);
}
