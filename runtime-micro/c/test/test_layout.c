/* Transpose, concat, reduce mean, pad and strided slice: naive oracles that unravel every output
 * index into a full multi-index, plus hand-worked cases. */
#include "mc_concat.h"
#include "mc_pad.h"
#include "mc_reduce.h"
#include "mc_strided_slice.h"
#include "mc_test.h"
#include "mc_transpose.h"

#define LAYOUT_BUF 4096

static float in_buf[LAYOUT_BUF], out_buf[LAYOUT_BUF], ref_buf[LAYOUT_BUF];

/* coords of linear index i in a row-major tensor of the given dims */
static void unravel(int32_t i, const int32_t *dims, int32_t rank, int32_t *coords) {
    int32_t d;
    for (d = rank - 1; d >= 0; --d) {
        coords[d] = i % dims[d];
        i /= dims[d];
    }
}

static int32_t ravel(const int32_t *coords, const int32_t *dims, int32_t rank) {
    int32_t d, i = 0;
    for (d = 0; d < rank; ++d) {
        i = i * dims[d] + coords[d];
    }
    return i;
}

static int32_t volume(const int32_t *dims, int32_t rank) {
    int32_t d, n = 1;
    for (d = 0; d < rank; ++d) {
        n *= dims[d];
    }
    return n;
}

/* ---- transpose ---- */

static void transpose_case(const char *name, int32_t rank, const int32_t *dims,
                           const int32_t *perm, uint32_t seed) {
    mc_transpose_params p;
    int32_t out_dims[MC_MAX_RANK], oc[MC_MAX_RANK], ic[MC_MAX_RANK];
    int32_t n = volume(dims, rank);
    int32_t d, i;
    p.rank = rank;
    for (d = 0; d < rank; ++d) {
        p.in_dims[d] = dims[d];
        p.perm[d] = perm[d];
        out_dims[d] = dims[perm[d]];
    }
    mc_rand_seed(seed);
    mc_rand_fill(in_buf, n, -1.0f, 1.0f);
    for (i = 0; i < n; ++i) {
        unravel(i, out_dims, rank, oc);
        for (d = 0; d < rank; ++d) {
            ic[perm[d]] = oc[d];   /* out axis d is in axis perm[d] */
        }
        ref_buf[i] = in_buf[ravel(ic, dims, rank)];
    }
    mc_transpose_f32(in_buf, out_buf, &p);
    mc_expect_equal(name, out_buf, ref_buf, n);
}

static void test_transpose(void) {
    static const int32_t d4[4] = {2, 3, 4, 5};
    static const int32_t nhwc[4] = {0, 2, 3, 1};
    static const int32_t mixed[4] = {3, 1, 0, 2};
    static const int32_t ident[4] = {0, 1, 2, 3};
    static const int32_t d2[2] = {7, 3};
    static const int32_t swap[2] = {1, 0};
    static const int32_t d6[6] = {2, 1, 3, 2, 2, 3};
    static const int32_t p6[6] = {5, 3, 0, 4, 1, 2};
    transpose_case("transpose rank 4 NCHW->NHWC", 4, d4, nhwc, 5001u);
    transpose_case("transpose rank 4 (3,1,0,2)", 4, d4, mixed, 5002u);
    transpose_case("transpose rank 4 identity", 4, d4, ident, 5003u);
    transpose_case("transpose rank 2", 2, d2, swap, 5004u);
    transpose_case("transpose rank 6", 6, d6, p6, 5005u);
    {
        /* hand-worked: [[1, 2, 3], [4, 5, 6]]^T */
        static const float in[6] = {1, 2, 3, 4, 5, 6};
        static const float want[6] = {1, 4, 2, 5, 3, 6};
        mc_transpose_params p = {2, {2, 3}, {1, 0}};
        float out[6];
        mc_transpose_f32(in, out, &p);
        mc_expect_equal("transpose hand-worked 2x3", out, want, 6);
    }
}

/* ---- concat ---- */

static void test_concat(void) {
    /* [2][1][3], [2][2][3] and [2][3][3] along axis 1: chunks 3, 6 and 9 per outer index */
    static const float x0[6] = {1, 2, 3, 4, 5, 6};
    static const float x1[12] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
    static const float x2[18] = {30, 31, 32, 33, 34, 35, 36, 37, 38,
                                 40, 41, 42, 43, 44, 45, 46, 47, 48};
    static const float want[36] = {1, 2, 3, 10, 11, 12, 13, 14, 15, 30, 31, 32, 33, 34, 35, 36, 37, 38,
                                   4, 5, 6, 16, 17, 18, 19, 20, 21, 40, 41, 42, 43, 44, 45, 46, 47, 48};
    static const float *const inputs[3] = {x0, x1, x2};
    static const int32_t chunks[3] = {3, 6, 9};
    /* along axis 0 (outer 1): plain appending */
    static const float want0[18] = {1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
    static const int32_t chunks0[2] = {6, 12};
    float out[36];
    mc_concat_f32(inputs, chunks, 3, out, 2);
    mc_expect_equal("concat 3 inputs along axis 1", out, want, 36);
    mc_concat_f32(inputs, chunks0, 2, out, 1);
    mc_expect_equal("concat along axis 0", out, want0, 18);
}

/* ---- reduce mean ---- */

static void reduce_case(const char *name, int32_t rank, const int32_t *dims,
                        const int32_t *reduced, uint32_t seed) {
    mc_reduce_params p;
    int32_t kept_dims[MC_MAX_RANK], c[MC_MAX_RANK], kc[MC_MAX_RANK];
    int32_t n = volume(dims, rank);
    int32_t n_out, kept = 0, count = 1;
    int32_t d, i;
    p.rank = rank;
    for (d = 0; d < rank; ++d) {
        p.in_dims[d] = dims[d];
        p.reduced[d] = reduced[d];
        if (reduced[d]) {
            count *= dims[d];
        } else {
            kept_dims[kept++] = dims[d];
        }
    }
    n_out = volume(kept_dims, kept);
    mc_rand_seed(seed);
    mc_rand_fill(in_buf, n, -1.0f, 1.0f);
    for (i = 0; i < n_out; ++i) {
        ref_buf[i] = 0.0f;
    }
    for (i = 0; i < n; ++i) {
        int32_t k = 0;
        unravel(i, dims, rank, c);
        for (d = 0; d < rank; ++d) {
            if (!reduced[d]) {
                kc[k++] = c[d];
            }
        }
        ref_buf[ravel(kc, kept_dims, kept)] += in_buf[i];
    }
    for (i = 0; i < n_out; ++i) {
        ref_buf[i] /= (float)count;
    }
    mc_reduce_mean_f32(in_buf, out_buf, &p);
    mc_expect_close(name, out_buf, ref_buf, n_out, 1e-5f);
}

static void test_reduce(void) {
    static const int32_t d3[3] = {2, 3, 4};
    static const int32_t r02[3] = {1, 0, 1};
    static const int32_t r1[3] = {0, 1, 0};
    static const int32_t d4[4] = {2, 3, 4, 5};
    static const int32_t r13[4] = {0, 1, 0, 1};
    static const int32_t r23[4] = {0, 0, 1, 1};   /* global average pooling of NCHW */
    static const int32_t r0[4] = {1, 0, 0, 0};
    static const int32_t rall[4] = {1, 1, 1, 1};
    reduce_case("reduce mean axes (0, 2) of rank 3", 3, d3, r02, 6001u);
    reduce_case("reduce mean middle axis", 3, d3, r1, 6002u);
    reduce_case("reduce mean axes (1, 3) of rank 4", 4, d4, r13, 6003u);
    reduce_case("reduce mean axes (2, 3) (global pool)", 4, d4, r23, 6004u);
    reduce_case("reduce mean leading axis", 4, d4, r0, 6005u);
    reduce_case("reduce mean all axes", 4, d4, rall, 6006u);
    {
        /* hand-worked: [[1, 2, 3], [4, 5, 6]] -> means over axis 1: [2, 5]; over axis 0 */
        static const float in[6] = {1, 2, 3, 4, 5, 6};
        static const float want_rows[2] = {2, 5};
        static const float want_cols[3] = {2.5f, 3.5f, 4.5f};
        mc_reduce_params p = {2, {2, 3}, {0, 1}};
        float out[3];
        mc_reduce_mean_f32(in, out, &p);
        mc_expect_equal("reduce mean hand-worked rows", out, want_rows, 2);
        p.reduced[0] = 1;
        p.reduced[1] = 0;
        mc_reduce_mean_f32(in, out, &p);
        mc_expect_equal("reduce mean hand-worked columns", out, want_cols, 3);
    }
}

/* ---- pad ---- */

static void pad_case(const char *name, int32_t rank, const int32_t *dims, const int32_t *before,
                     const int32_t *after, float value, uint32_t seed) {
    mc_pad_params p;
    int32_t out_dims[MC_MAX_RANK], c[MC_MAX_RANK];
    int32_t n_in = volume(dims, rank);
    int32_t n_out, d, i;
    p.rank = rank;
    p.value = value;
    for (d = 0; d < rank; ++d) {
        p.in_dims[d] = dims[d];
        p.pad_before[d] = before[d];
        p.pad_after[d] = after[d];
        out_dims[d] = dims[d] + before[d] + after[d];
    }
    n_out = volume(out_dims, rank);
    mc_rand_seed(seed);
    mc_rand_fill(in_buf, n_in, -1.0f, 1.0f);
    for (i = 0; i < n_out; ++i) {
        int inside = 1;
        unravel(i, out_dims, rank, c);
        for (d = 0; d < rank; ++d) {
            c[d] -= before[d];
            if (c[d] < 0 || c[d] >= dims[d]) {
                inside = 0;
            }
        }
        ref_buf[i] = inside ? in_buf[ravel(c, dims, rank)] : value;
    }
    mc_pad_f32(in_buf, out_buf, &p);
    mc_expect_equal(name, out_buf, ref_buf, n_out);
}

static void test_pad(void) {
    static const int32_t d4[4] = {2, 3, 4, 5};
    static const int32_t b4[4] = {0, 1, 2, 1};
    static const int32_t a4[4] = {1, 0, 1, 3};
    static const int32_t d3[3] = {3, 2, 4};
    static const int32_t b3[3] = {2, 0, 0};
    static const int32_t a3[3] = {0, 3, 0};
    static const int32_t d1[1] = {5};
    static const int32_t b1[1] = {3};
    static const int32_t a1[1] = {2};
    pad_case("pad rank 4 on several axes", 4, d4, b4, a4, 0.0f, 7001u);
    pad_case("pad rank 3 outer axes only, value -1.5", 3, d3, b3, a3, -1.5f, 7002u);
    pad_case("pad rank 1", 1, d1, b1, a1, 9.0f, 7003u);
    {
        /* hand-worked: [[1, 2], [3, 4]] padded by 1 before on both axes and 1 after on axis 1 */
        static const float in[4] = {1, 2, 3, 4};
        static const float want[12] = {0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0};
        mc_pad_params p = {2, {2, 2}, {1, 1}, {0, 1}, 0.0f};
        float out[12];
        mc_pad_f32(in, out, &p);
        mc_expect_equal("pad hand-worked", out, want, 12);
    }
}

/* ---- strided slice ---- */

static void slice_case(const char *name, int32_t rank, const int32_t *dims, const int32_t *begin,
                       const int32_t *strides, const int32_t *out_dims, uint32_t seed) {
    mc_strided_slice_params p;
    int32_t c[MC_MAX_RANK];
    int32_t n_in = volume(dims, rank);
    int32_t n_out = volume(out_dims, rank);
    int32_t d, i;
    p.rank = rank;
    for (d = 0; d < rank; ++d) {
        p.in_dims[d] = dims[d];
        p.out_dims[d] = out_dims[d];
        p.begin[d] = begin[d];
        p.strides[d] = strides[d];
    }
    mc_rand_seed(seed);
    mc_rand_fill(in_buf, n_in, -1.0f, 1.0f);
    for (i = 0; i < n_out; ++i) {
        unravel(i, out_dims, rank, c);
        for (d = 0; d < rank; ++d) {
            c[d] = begin[d] + c[d] * strides[d];
        }
        ref_buf[i] = in_buf[ravel(c, dims, rank)];
    }
    mc_strided_slice_f32(in_buf, out_buf, &p);
    mc_expect_equal(name, out_buf, ref_buf, n_out);
}

static void test_strided_slice(void) {
    static const int32_t d3[3] = {4, 5, 6};
    /* x[1:4:2, ::-1, 5:0:-2] */
    static const int32_t b1[3] = {1, 4, 5};
    static const int32_t s1[3] = {2, -1, -2};
    static const int32_t o1[3] = {2, 5, 3};
    /* x[::-1, 1:4, 0:6:3] */
    static const int32_t b2[3] = {3, 1, 0};
    static const int32_t s2[3] = {-1, 1, 3};
    static const int32_t o2[3] = {4, 3, 2};
    static const int32_t d4[4] = {1, 3, 4, 4};
    /* x[:, 1:3, 0:4:2, 1:4] */
    static const int32_t b3[4] = {0, 1, 0, 1};
    static const int32_t s3[4] = {1, 1, 2, 1};
    static const int32_t o3[4] = {1, 2, 2, 3};
    slice_case("strided slice negative strides inner and middle", 3, d3, b1, s1, o1, 8001u);
    slice_case("strided slice reversed outer axis", 3, d3, b2, s2, o2, 8002u);
    slice_case("strided slice rank 4 positive strides", 4, d4, b3, s3, o3, 8003u);
    {
        /* hand-worked: [0, 1, 2, 3, 4, 5, 6][5:0:-2] = [5, 3, 1] */
        static const float in[7] = {0, 1, 2, 3, 4, 5, 6};
        static const float want[3] = {5, 3, 1};
        mc_strided_slice_params p = {1, {7}, {3}, {5}, {-2}};
        float out[3];
        mc_strided_slice_f32(in, out, &p);
        mc_expect_equal("strided slice hand-worked [5:0:-2]", out, want, 3);
    }
}

void test_layout(void) {
    test_transpose();
    test_concat();
    test_reduce();
    test_pad();
    test_strided_slice();
}
