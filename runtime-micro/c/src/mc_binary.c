#include "mc_binary.h"

/* A run is one pass over the innermost output axis: n outputs, with a and b advancing by sa and sb
 * elements per output (0 where that operand is broadcast). The common stride pairs get their own
 * loops so that each compiles to a tight loop with the broadcast value held in a register.
 * Each output is written after both its inputs are read, so out may alias an operand that is not
 * broadcast. */
typedef void (*mc_run_fn)(const float *a, int32_t sa, const float *b, int32_t sb, float *out,
                          int32_t n);

#define MC_DEFINE_RUN(name, EXPR)                                                           \
    static void name(const float *a, int32_t sa, const float *b, int32_t sb, float *out,    \
                     int32_t n) {                                                           \
        int32_t i;                                                                          \
        if (sa == 1 && sb == 1) {                                                           \
            for (i = 0; i < n; ++i) {                                                       \
                const float x = a[i];                                                       \
                const float y = b[i];                                                       \
                out[i] = (EXPR);                                                            \
            }                                                                               \
        } else if (sa == 1 && sb == 0) {                                                    \
            const float y = b[0];                                                           \
            for (i = 0; i < n; ++i) {                                                       \
                const float x = a[i];                                                       \
                out[i] = (EXPR);                                                            \
            }                                                                               \
        } else if (sa == 0 && sb == 1) {                                                    \
            const float x = a[0];                                                           \
            for (i = 0; i < n; ++i) {                                                       \
                const float y = b[i];                                                       \
                out[i] = (EXPR);                                                            \
            }                                                                               \
        } else {                                                                            \
            for (i = 0; i < n; ++i) {                                                       \
                const float x = a[i * sa];                                                  \
                const float y = b[i * sb];                                                  \
                out[i] = (EXPR);                                                            \
            }                                                                               \
        }                                                                                   \
    }

MC_DEFINE_RUN(run_add, x + y)
MC_DEFINE_RUN(run_sub, x - y)
MC_DEFINE_RUN(run_mul, x * y)
MC_DEFINE_RUN(run_div, x / y)
MC_DEFINE_RUN(run_maximum, x > y ? x : y)
MC_DEFINE_RUN(run_minimum, x < y ? x : y)

/* Walks the outer output axes (all but the last) with an index counter, keeping the operand
 * offsets up to date incrementally, and hands each innermost row to run(). */
static void broadcast(const float *a, const float *b, float *out, const mc_bcast *bc,
                      mc_run_fn run) {
    const int32_t last = bc->rank - 1;
    const int32_t n = bc->out_dims[last];
    const int32_t sa = bc->a_strides[last];
    const int32_t sb = bc->b_strides[last];
    const int32_t rows = mc_bcast_rows(bc);
    int32_t idx[MC_MAX_RANK] = {0};
    int32_t a_off = 0, b_off = 0, r;
    for (r = 0; r < rows; ++r) {
        run(a + a_off, sa, b + b_off, sb, out, n);
        out += n;
        mc_bcast_next_row(bc, idx, &a_off, &b_off);
    }
}

void mc_add_f32(const float *a, const float *b, float *out, const mc_bcast *bc) {
    broadcast(a, b, out, bc, run_add);
}

void mc_sub_f32(const float *a, const float *b, float *out, const mc_bcast *bc) {
    broadcast(a, b, out, bc, run_sub);
}

void mc_mul_f32(const float *a, const float *b, float *out, const mc_bcast *bc) {
    broadcast(a, b, out, bc, run_mul);
}

void mc_div_f32(const float *a, const float *b, float *out, const mc_bcast *bc) {
    broadcast(a, b, out, bc, run_div);
}

void mc_maximum_f32(const float *a, const float *b, float *out, const mc_bcast *bc) {
    broadcast(a, b, out, bc, run_maximum);
}

void mc_minimum_f32(const float *a, const float *b, float *out, const mc_bcast *bc) {
    broadcast(a, b, out, bc, run_minimum);
}
