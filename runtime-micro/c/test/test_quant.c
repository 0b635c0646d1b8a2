/* mc_quant.h against values worked out by hand from TFLite's definitions: the same cases as
 * QuantTest.java, so C and Java agree on them. Multiplier 2^30 is the real factor 0.5. */
#include "mc_quant.h"
#include "mc_test.h"

#define HALF (1 << 30)
#define MIN INT32_MIN
#define MAX INT32_MAX
#define S MC_ROUND_SINGLE
#define D MC_ROUND_DOUBLE

static void srdhm(void) {
    mc_expect_int("srdhm 1.5", mc_saturating_rounding_doubling_high_mul(3, HALF), 2);
    mc_expect_int("srdhm -1.5", mc_saturating_rounding_doubling_high_mul(-3, HALF), -1);
    mc_expect_int("srdhm -2.5", mc_saturating_rounding_doubling_high_mul(-5, HALF), -2);
    mc_expect_int("srdhm min*min", mc_saturating_rounding_doubling_high_mul(MIN, MIN), MAX);
    mc_expect_int("srdhm min*max", mc_saturating_rounding_doubling_high_mul(MIN, MAX), -2147483647);
    mc_expect_int("srdhm max*half", mc_saturating_rounding_doubling_high_mul(MAX, HALF), 1073741824);
    mc_expect_int("srdhm min*half", mc_saturating_rounding_doubling_high_mul(MIN, HALF), -1073741824);
    mc_expect_int("srdhm 0*min", mc_saturating_rounding_doubling_high_mul(0, MIN), 0);
}

static void rdbpot(void) {
    mc_expect_int("rdbpot 1.5", mc_rounding_divide_by_pot(3, 1), 2);
    mc_expect_int("rdbpot -1.5", mc_rounding_divide_by_pot(-3, 1), -2);
    mc_expect_int("rdbpot -1.25", mc_rounding_divide_by_pot(-5, 2), -1);
    mc_expect_int("rdbpot -1.5b", mc_rounding_divide_by_pot(-6, 2), -2);
    mc_expect_int("rdbpot -0.5", mc_rounding_divide_by_pot(-1, 1), -1);
    mc_expect_int("rdbpot exp 0", mc_rounding_divide_by_pot(7, 0), 7);
    mc_expect_int("rdbpot max 31", mc_rounding_divide_by_pot(MAX, 31), 1);
    mc_expect_int("rdbpot min 31", mc_rounding_divide_by_pot(MIN, 31), -1);
    mc_expect_int("rdbpot -2^30 31", mc_rounding_divide_by_pot(-(1 << 30), 31), -1);
    mc_expect_int("rdbpot 2^30-1 31", mc_rounding_divide_by_pot((1 << 30) - 1, 31), 0);
}

static void requantize(void) {
    /* real factor 0.25 */
    mc_expect_int("rq 1.25 single", mc_requantize(5, HALF, -1, S), 1);
    mc_expect_int("rq 1.25 double", mc_requantize(5, HALF, -1, D), 2);
    mc_expect_int("rq -0.5 single", mc_requantize(-2, HALF, -1, S), 0);
    mc_expect_int("rq -0.5 double", mc_requantize(-2, HALF, -1, D), -1);
    mc_expect_int("rq 0.5 single", mc_requantize(2, HALF, -1, S), 1);
    mc_expect_int("rq 0.5 double", mc_requantize(2, HALF, -1, D), 1);
    mc_expect_int("rq -1.75 single", mc_requantize(-7, HALF, -1, S), -2);
    mc_expect_int("rq -1.75 double", mc_requantize(-7, HALF, -1, D), -2);
    mc_expect_int("rq -0.75 single", mc_requantize(-3, HALF, -1, S), -1);
    mc_expect_int("rq -0.75 double", mc_requantize(-3, HALF, -1, D), -1);
    /* shift 0, positive, -31 */
    mc_expect_int("rq shift 0", mc_requantize(3, HALF, 0, S), 2);
    mc_expect_int("rq shift 0 neg single", mc_requantize(-3, HALF, 0, S), -1);
    mc_expect_int("rq shift 0 neg double", mc_requantize(-3, HALF, 0, D), -1);
    mc_expect_int("rq shift 2 single", mc_requantize(100, HALF, 2, S), 200);
    mc_expect_int("rq shift 2 double", mc_requantize(100, HALF, 2, D), 200);
    mc_expect_int("rq shift 2 neg double", mc_requantize(-75, HALF, 2, D), -150);
    mc_expect_int("rq max -31 single", mc_requantize(MAX, HALF, -31, S), 0);
    mc_expect_int("rq max -31 double", mc_requantize(MAX, HALF, -31, D), 1);
    mc_expect_int("rq min -31 single", mc_requantize(MIN, HALF, -31, S), 0);
    mc_expect_int("rq min -31 double", mc_requantize(MIN, HALF, -31, D), -1);
    mc_expect_int("rq zero mult single", mc_requantize(12345, 0, 0, S), 0);
    mc_expect_int("rq zero mult double", mc_requantize(12345, 0, 0, D), 0);
}

static void requantize64(void) {
    mc_expect_int("rq64 1.5", mc_requantize64(3, HALF, 0, S), 2);
    mc_expect_int("rq64 -1.5", mc_requantize64(-3, HALF, 0, D), -1);
    mc_expect_int("rq64 beyond int32", mc_requantize64(((int64_t)1 << 32) + 3, HALF, -2, S),
                  536870912);
    mc_expect_int("rq64 16-bit multiplier", mc_requantize64(1000000, 1073774592, 0, D), 500031);
    mc_expect_int("rq64 capped", mc_requantize64(1 << 20, 0x7FFF0000, 0, S), 1048544);
    mc_expect_int("rq64 capped max", mc_requantize64(1 << 20, MAX, 0, S), 1048544);
    mc_expect_int("rq64 capped neg", mc_requantize64(-(1 << 20), MAX, 0, S), -1048544);
    mc_expect_int("rq64 shift 7", mc_requantize64(10, HALF, 7, S), 640);
    mc_expect_int("rq64 0.5", mc_requantize64((int64_t)1 << 31, HALF, -31, S), 1);
    mc_expect_int("rq64 -0.5", mc_requantize64(-((int64_t)1 << 31), HALF, -31, D), 0);
}

static void requantize64_full(void) {
    /* the same as mc_requantize for int32-range sums */
    mc_expect_int("rq64 full 1.25", mc_requantize64_full(5, HALF, -1), 1);
    mc_expect_int("rq64 full -0.5", mc_requantize64_full(-2, HALF, -1), 0);
    /* the full multiplier: 10^6 * (2^30 + 2^15) / 2^31 = 500015.26 */
    mc_expect_int("rq64 full multiplier", mc_requantize64_full(1000000, 1073774592, 0), 500015);
    mc_expect_int("rq64 full beyond int32",
                  mc_requantize64_full(((int64_t)1 << 32) + 3, HALF, -2), 536870912);
}

/* MC_ROUND_FLOAT (ONNX Runtime's MLAS): float(x) * scale rounded half to even; the same cases as
 * QuantTest.floatRoundingIsOnnxRuntimes. 0x3F000000 is 0.5f, 0x3E000000 is 0.125f. */
static void requantize_float(void) {
    const mc_rounding f = MC_ROUND_FLOAT;
    mc_expect_int("float 2.5", mc_requantize(5, 0x3F000000, 0, f), 2);
    mc_expect_int("float 3.5", mc_requantize(7, 0x3F000000, 0, f), 4);
    mc_expect_int("float -2.5", mc_requantize(-5, 0x3F000000, 0, f), -2);
    mc_expect_int("float -3.5", mc_requantize(-7, 0x3F000000, 0, f), -4);
    mc_expect_int("float 1.25", mc_requantize(10, 0x3E000000, 0, f), 1);
    /* 16777221 becomes the float 16777220 first (ties to even), so 2097152.5 -> 2097152, not 2097153 */
    mc_expect_int("float int rounding", mc_requantize(16777221, 0x3E000000, 0, f), 2097152);
    mc_expect_int("float clamp high", mc_requantize(MAX, 0x3F800000, 0, f), 4194304);
    mc_expect_int("float clamp low", mc_requantize(MIN, 0x3F800000, 0, f), -4194304);
    mc_expect_int("float zero", mc_requantize(0, 0x3F000000, 0, f), 0);
}

void test_quant(void) {
    requantize_float();
    requantize64_full();
    srdhm();
    rdbpot();
    requantize();
    requantize64();
    mc_expect_int("clamp low", mc_clamp_i32(-300, -128, 127), -128);
    mc_expect_int("clamp high", mc_clamp_i32(300, -128, 127), 127);
    mc_expect_int("clamp inside", mc_clamp_i32(5, -128, 127), 5);
}

