#include "mc_test.h"

#include <math.h>
#include <stdio.h>

static int passed;
static int failed;
static uint32_t lcg_state = 1u;

void mc_expect_close(const char *name, const float *got, const float *want, int32_t n,
                     float rel_tol) {
    float scale = 1.0f;
    float worst = 0.0f;
    int32_t worst_i = -1;
    int32_t i;
    for (i = 0; i < n; ++i) {
        if (fabsf(want[i]) > scale) {
            scale = fabsf(want[i]);
        }
    }
    for (i = 0; i < n; ++i) {
        const float d = fabsf(got[i] - want[i]);
        /* the negated test also catches NaN */
        if (!(d <= worst)) {
            worst = d;
            worst_i = i;
        }
    }
    if (worst_i < 0 || worst <= rel_tol * scale) {
        ++passed;
    } else {
        ++failed;
        printf("FAIL %s: element %d is %.9g, expected %.9g (|diff| %.3g > %.3g)\n", name,
               (int)worst_i, (double)got[worst_i], (double)want[worst_i], (double)worst,
               (double)(rel_tol * scale));
    }
}

void mc_expect_equal(const char *name, const float *got, const float *want, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        if (!(got[i] == want[i])) {
            ++failed;
            printf("FAIL %s: element %d is %.9g, expected exactly %.9g\n", name, (int)i,
                   (double)got[i], (double)want[i]);
            return;
        }
    }
    ++passed;
}

void mc_expect_true(const char *name, int condition) {
    if (condition) {
        ++passed;
    } else {
        ++failed;
        printf("FAIL %s\n", name);
    }
}

void mc_expect_equal_i32(const char *name, const int32_t *got, const int32_t *want, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        if (got[i] != want[i]) {
            ++failed;
            printf("FAIL %s: element %d is %ld, expected %ld\n", name, (int)i, (long)got[i],
                   (long)want[i]);
            return;
        }
    }
    ++passed;
}

void mc_expect_int(const char *name, int64_t got, int64_t want) {
    if (got == want) {
        ++passed;
    } else {
        ++failed;
        printf("FAIL %s: got %lld, expected %lld\n", name, (long long)got, (long long)want);
    }
}

int mc_test_summary(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

void mc_rand_seed(uint32_t seed) {
    lcg_state = seed;
}

float mc_rand_float(float lo, float hi) {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    /* top 24 bits: exactly representable as a float in [0, 1) */
    return lo + (hi - lo) * ((float)(lcg_state >> 8) / 16777216.0f);
}

int32_t mc_rand_int(int32_t lo, int32_t hi) {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lo + (int32_t)((lcg_state >> 8) % (uint32_t)(hi - lo + 1));
}

void mc_rand_fill(float *x, int32_t n, float lo, float hi) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        x[i] = mc_rand_float(lo, hi);
    }
}
