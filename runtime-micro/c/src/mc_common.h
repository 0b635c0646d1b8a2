/* micro-codegen runtime: definitions shared by every kernel.
 *
 * All kernels are C99, allocate nothing, print nothing and take tensor sizes as arguments so that
 * the generated code can pass compile-time constants. Tensors are dense, row-major, float32, and
 * image tensors are NCHW (MindSpore's layout). */
#ifndef MC_COMMON_H
#define MC_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Highest tensor rank a kernel that takes a shape array accepts. */
#define MC_MAX_RANK 6

/* Activation fused into the epilogue of a conv or a matmul (the compiler fuses a following ReLU/ReLU6). */
typedef enum {
    MC_ACT_NONE = 0,
    MC_ACT_RELU = 1,
    MC_ACT_RELU6 = 2
} mc_act;

static inline float mc_apply_act(float v, mc_act act) {
    if (act == MC_ACT_RELU) {
        return v > 0.0f ? v : 0.0f;
    }
    if (act == MC_ACT_RELU6) {
        return v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f;
    }
    return v;
}

#endif
