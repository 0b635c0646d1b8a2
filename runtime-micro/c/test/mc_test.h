/* A tiny assertion helper for the kernel unit tests: every check is counted as passed or failed,
 * a failure prints what differed, and mc_test_summary() prints the closing "N passed, N failed"
 * line and returns the process exit code. */
#ifndef MC_TEST_H
#define MC_TEST_H

#include <stdint.h>

/* Passes when |got[i] - want[i]| <= rel_tol * max(1, max|want|) for every i (the end-to-end
 * tolerance of the compiler's tests). */
void mc_expect_close(const char *name, const float *got, const float *want, int32_t n,
                     float rel_tol);
/* Passes when got and want are bit-for-bit the same floats. */
void mc_expect_equal(const char *name, const float *got, const float *want, int32_t n);
void mc_expect_true(const char *name, int condition);
/* Passes when got and want hold the same integers (integer kernels must be bit-exact). */
void mc_expect_equal_i32(const char *name, const int32_t *got, const int32_t *want, int32_t n);
/* One integer, for the rounding helpers. */
void mc_expect_int(const char *name, int64_t got, int64_t want);

int mc_test_summary(void);

/* Deterministic pseudo-random data: a 32-bit LCG, values uniform in [lo, hi). */
void mc_rand_seed(uint32_t seed);
float mc_rand_float(float lo, float hi);
void mc_rand_fill(float *x, int32_t n, float lo, float hi);
/* An integer uniform in [lo, hi] (hi - lo < 2^24), from the same generator. */
int32_t mc_rand_int(int32_t lo, int32_t hi);

/* The test suites, one per file, run by test_main.c. */
void test_conv2d(void);
void test_pool2d(void);
void test_elementwise(void);
void test_matmul(void);
void test_layout(void);
void test_qnonlinear(void);
void test_quant(void);
void test_qconv(void);
void test_qkernels(void);
void test_weights_only(void);
void test_qdepthwise(void);
void test_qsimd_kernels(void);
void test_conv_simd(void);

#endif
