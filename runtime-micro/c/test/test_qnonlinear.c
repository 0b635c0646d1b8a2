/* The quantized nonlinear kernels against LiteRT's reference kernels (BUILTIN_REF): every case of
 * vectors/nonlinear.txt (written by tools/nonlinear_vectors.py) must be reproduced exactly, plus
 * hand-worked values of the gemmlowp fixed-point helpers. The Java tests read the same file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_qnonlinear.h"
#include "mc_qsoftmax.h"
#include "mc_test.h"

#define VECTORS "c/test/vectors/nonlinear.txt"
#define MAX_VALUES 1024

/* Reads integers up to the next '|' or the end of the line; returns how many. */
static int32_t read_ints(char **cursor, int32_t *out, int32_t max) {
    int32_t n = 0;
    char *s = *cursor;
    while (*s != '\0' && *s != '|' && *s != '\n') {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s) {
            ++s;
            continue;
        }
        if (n < max) {
            out[n++] = (int32_t)v;
        }
        s = end;
    }
    if (*s == '|') {
        ++s;
    }
    *cursor = s;
    return n;
}

static int32_t softmax_s16_single_rounding_misses;
static int16_t exp_lut_d[MC_SOFTMAX_LUT_SIZE], one_lut_d[MC_SOFTMAX_LUT_SIZE];

static void check_softmax_s8(char *rest, int32_t line_no) {
    double in_scale, out_scale, beta;
    int in_zp, out_zp, m1, s1, d1, m2, s2, d2, depth, consumed = 0;
    int32_t x[MAX_VALUES], want[MAX_VALUES], nx, nw, i;
    int8_t in8[MAX_VALUES], out8[MAX_VALUES], want8[MAX_VALUES];
    char name[64];
    mc_qsoftmax_params p;
    if (sscanf(rest, "%lf %d %lf %d %lf %d %d %d %d %d %d %d %n", &in_scale, &in_zp, &out_scale,
               &out_zp, &beta, &m1, &s1, &d1, &m2, &s2, &d2, &depth, &consumed) != 12) {
        mc_expect_true("softmax_s8 vector line parses", 0);
        return;
    }
    rest += consumed;
    if (*rest == '|') {
        ++rest;
    }
    nx = read_ints(&rest, x, MAX_VALUES);
    nw = read_ints(&rest, want, MAX_VALUES);
    mc_expect_true("softmax_s8 vector sizes", nx == depth && nw == depth);
    for (i = 0; i < nx; ++i) {
        in8[i] = (int8_t)x[i];
        want8[i] = (int8_t)want[i];
    }
    memset(&p, 0, sizeof p);
    p.outer = 1;
    p.depth = depth;
    p.input_multiplier = m1;
    p.input_left_shift = s1;
    p.diff_min = d1;
    p.rounding = MC_ROUND_SINGLE;
    mc_softmax_s8(in8, out8, &p);
    sprintf(name, "softmax_s8 LiteRT vector line %d", (int)line_no);
    mc_expect_true(name, memcmp(out8, want8, (size_t)depth) == 0);
    /* in place gives the same */
    /* the TFLite Micro build's parameters (double rounding, uncapped multiplier) */
    p.input_multiplier = m2;
    p.input_left_shift = s2;
    p.diff_min = d2;
    p.rounding = MC_ROUND_DOUBLE;
    mc_softmax_s8(in8, out8, &p);
    mc_expect_true(name, memcmp(out8, want8, (size_t)depth) == 0);
    /* in place gives the same */
    p.input_multiplier = m1;
    p.input_left_shift = s1;
    p.diff_min = d1;
    p.rounding = MC_ROUND_SINGLE;
    mc_softmax_s8(in8, in8, &p);
    mc_expect_true(name, memcmp(in8, want8, (size_t)depth) == 0);
}

static void check_lut_s8(const char *op, char *rest, int32_t line_no) {
    double in_scale, out_scale;
    int in_zp, out_zp, consumed = 0;
    int32_t lut[MAX_VALUES], x[MAX_VALUES], want[MAX_VALUES], i, nl, nx, nw;
    int8_t lut8[256], in8[256], out8[256], want8[256];
    char name[96];
    if (sscanf(rest, "%lf %d %lf %d %n", &in_scale, &in_zp, &out_scale, &out_zp, &consumed) != 4) {
        mc_expect_true("lut vector line parses", 0);
        return;
    }
    rest += consumed;
    if (*rest == '|') {
        ++rest;
    }
    nl = read_ints(&rest, lut, MAX_VALUES);
    nx = read_ints(&rest, x, MAX_VALUES);
    nw = read_ints(&rest, want, MAX_VALUES);
    mc_expect_true("lut vector sizes", nl == 256 && nx == 256 && nw == 256);
    for (i = 0; i < 256; ++i) {
        lut8[i] = (int8_t)lut[i];
        in8[i] = (int8_t)x[i];
        want8[i] = (int8_t)want[i];
    }
    mc_lut_s8(in8, out8, 256, lut8);
    sprintf(name, "%s LiteRT vector line %d", op, (int)line_no);
    mc_expect_true(name, memcmp(out8, want8, 256) == 0);
}

static void check_softmax_s16(char *rest, int32_t line_no) {
    double in_scale, out_scale, beta;
    int in_zp, out_zp, m, s, depth, consumed = 0;
    int32_t x[MAX_VALUES], want[MAX_VALUES], nx, nw, i;
    int16_t in16[MAX_VALUES], out16[MAX_VALUES], want16[MAX_VALUES];
    char name[64];
    mc_qsoftmax_params p;
    if (sscanf(rest, "%lf %d %lf %d %lf %d %d %d %n", &in_scale, &in_zp, &out_scale, &out_zp,
               &beta, &m, &s, &depth, &consumed) != 8) {
        mc_expect_true("softmax_s16 vector line parses", 0);
        return;
    }
    rest += consumed;
    if (*rest == '|') {
        ++rest;
    }
    nx = read_ints(&rest, x, MAX_VALUES);
    nw = read_ints(&rest, want, MAX_VALUES);
    mc_expect_true("softmax_s16 vector sizes", nx == depth && nw == depth);
    for (i = 0; i < nx; ++i) {
        in16[i] = (int16_t)x[i];
        want16[i] = (int16_t)want[i];
    }
    memset(&p, 0, sizeof p);
    p.outer = 1;
    p.depth = depth;
    p.input_multiplier = m;
    p.input_left_shift = s;
    /* LiteRT 2.3's wheel rescales the int16 difference with double rounding: all cases match
     * MC_ROUND_DOUBLE, while single rounding is off by one in 16 of 72 (checked below) */
    p.rounding = MC_ROUND_DOUBLE;
    p.exp_lut = exp_lut_d;
    p.one_over_one_plus_x_lut = one_lut_d;
    mc_softmax_s16(in16, out16, &p);
    sprintf(name, "softmax_s16 LiteRT vector line %d", (int)line_no);
    mc_expect_true(name, memcmp(out16, want16, (size_t)depth * sizeof(int16_t)) == 0);
    p.rounding = MC_ROUND_SINGLE;
    mc_softmax_s16(in16, out16, &p);
    if (memcmp(out16, want16, (size_t)depth * sizeof(int16_t)) != 0) {
        ++softmax_s16_single_rounding_misses;
    }
}

static void read_luts(char *rest) {
    int32_t a[MAX_VALUES], b[MAX_VALUES], i;
    if (*rest == '|') {
        ++rest;
    }
    while (*rest == ' ' || *rest == '|') {
        ++rest;
    }
    mc_expect_true("softmax_s16 tables have 513 entries",
                   read_ints(&rest, a, MAX_VALUES) == MC_SOFTMAX_LUT_SIZE
                   && read_ints(&rest, b, MAX_VALUES) == MC_SOFTMAX_LUT_SIZE);
    for (i = 0; i < MC_SOFTMAX_LUT_SIZE; ++i) {
        exp_lut_d[i] = (int16_t)a[i];
        one_lut_d[i] = (int16_t)b[i];
    }
}

static void fixed_point_hand_worked(void) {
    /* exp(0) is One() of Q0; exp(-1/4) in Q5.26 is the first barrel-shifter constant's value */
    mc_expect_true("exp(0) = INT32_MAX", mc_fp_exp_on_negative_values(0, 5) == INT32_MAX);
    /* exp(-1/4) = 0.7788007831 = 1672461947 / 2^31 to within gemmlowp's own test tolerance */
    mc_expect_true("exp(-1/4)", abs(mc_fp_exp_on_negative_values(-(1 << 24), 5) - 1672461947) < 500);
    /* 1/(1+0) saturates to One(); 1/(1+1/2) = 2/3 within the Newton-Raphson error */
    mc_expect_true("1/(1+0) = INT32_MAX", mc_fp_one_over_one_plus_x_for_x_in_0_1(0) >= INT32_MAX - 2);
    mc_expect_true("1/(1+1/2) ~ 2/3",
                   abs(mc_fp_one_over_one_plus_x_for_x_in_0_1(1 << 30) - 1431655765) < 4);
    mc_expect_true("clz", mc_clz32(1u) == 31 && mc_clz32(0x80000000u) == 0 && mc_clz32(0u) == 32);
}

static void hard_swish_hand_worked(void) {
    /* The parameters of tests/fixtures/tflite-ops/hard_swish_int8 (input 0.0391015 zp -1, output
     * 0.0210426 zp -110): reluish 27334 * 2^2, output 30445 * 2^-6. x = 10: 11 * 128 = 1408 on the
     * hires scale; preshift 1408 * 30445 / 2^15 = 1308.2 -> 1308; reluish 1408 << 1 = 2816,
     * * 27334 / 2^15 = 2349.02 -> 2349, << 1 = 4698, to [0, 1]: (4698 + 32768) >> 1 = 18733;
     * 18733 * 1308 / 2^15 = 747.8 -> 747 (truncated), / 2^6 = 11.67 -> 12, - 110 = -98
     * (the real hard swish: 0.430 * 3.430 / 6 = 0.2459 = 11.7 output steps). Below -3 (x = -77:
     * -3.0) the result is the zero point or one below; 127 (4.97) saturates. */
    static const int8_t x[8] = {-128, -77, -1, 0, 10, 76, 77, 127};
    static const int32_t want[8] = {-110, -111, -110, -109, -98, 33, 35, 127};
    /* A right-shifting reluish exponent (input 0.001 zp 5, output 0.0005 zp -3): 22370 * 2^-3, 16384 * 2^-5 */
    static const int32_t want_right[8] = {-128, -83, -9, -8, 2, 70, 71, 124};
    int8_t o[8];
    int32_t got[8], i;
    mc_qhard_swish_params p = {-1, -110, 27334, 2, 30445, -6};
    mc_hard_swish_s8(x, o, 8, &p);
    for (i = 0; i < 8; ++i) {
        got[i] = o[i];
    }
    mc_expect_equal_i32("hard swish s8, left-shifting reluish", got, want, 8);
    p.in_zero_point = 5;
    p.out_zero_point = -3;
    p.reluish_mult = 22370;
    p.reluish_exponent = -3;
    p.out_mult = 16384;
    p.out_exponent = -5;
    mc_hard_swish_s8(x, o, 8, &p);
    for (i = 0; i < 8; ++i) {
        got[i] = o[i];
    }
    mc_expect_equal_i32("hard swish s8, right-shifting reluish", got, want_right, 8);
}

#define SIGMOID_TABLE "c/test/vectors/litert_sigmoid_table.txt"

static void sigmoid16_hand_worked(void) {
    /* input scale 2^-12 (1.0 = 4096): LOGISTIC's power-of-two case multiplies by 3, so 1.0 is 12288 =
     * entry 24 exactly: sigmoid(1) = table[24] / 2^16 = 47911 / 65536, to Q15 (47911 * 512 + 512) >> 10
     * = 23956 (0.7311 * 32768 = 23955.8); sigmoid(-1) = 1 - that, 8812; 0 -> 16384 (0.5).
     * TANH, same scale (x * 3): x = 1 is step 0 weighted 3/256 between 32768 and 33451:
     * (32768 * 256 + 3 * 683 - 2^23 + 2^7) >> 8 = 8 (tanh(2^-12) * 32768 = 8.0). */
    static const int16_t x[5] = {0, 1, -1, 4096, -4096};
    static const int32_t want_logistic[5] = {16384, 16386, 16382, 23956, 8812};
    static const int32_t want_tanh[5] = {0, 8, -8, 24956, -24956};
    const mc_qsigmoid16_params pot = {3, 0};
    int16_t o[5];
    int32_t got[5], i;
    mc_logistic_s16(x, o, 5, &pot);
    for (i = 0; i < 5; ++i) {
        got[i] = o[i];
    }
    mc_expect_equal_i32("logistic s16, input scale 2^-12", got, want_logistic, 5);
    mc_tanh_s16(x, o, 5, &pot);
    for (i = 0; i < 5; ++i) {
        got[i] = o[i];
    }
    mc_expect_equal_i32("tanh s16, input scale 2^-12", got, want_tanh, 5);
}

/* The kernels' table equals the one measured from LiteRT: with the input doubled (mult 2, shift 0),
 * TANH at x = 128 k reads entry k with weight 0, so its output is table[k] - 32768. */
static void sigmoid16_table_is_litert(void) {
    FILE *f = fopen(SIGMOID_TABLE, "r");
    static char line[1024];
    int32_t table[256], n = 0, k, same = 1;
    const mc_qsigmoid16_params doubled = {2, 0};
    if (f == NULL) {
        mc_expect_true("open " SIGMOID_TABLE, 0);
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *cursor = line;
        if (line[0] != '#') {
            n += read_ints(&cursor, table + n, 256 - n);
        }
    }
    fclose(f);
    mc_expect_true("sigmoid table: 256 entries read", n == 256);
    for (k = 0; k < 255 && n == 256; ++k) {
        const int16_t x = (int16_t)(128 * k);
        int16_t y;
        mc_tanh_s16(&x, &y, 1, &doubled);
        if (y + 32768 != table[k]) {
            printf("FAIL sigmoid table entry %d: %d, LiteRT %d\n", (int)k, (int)(y + 32768), (int)table[k]);
            same = 0;
        }
    }
    mc_expect_true("sigmoid table equals LiteRT's (entries 0..254 read back through mc_tanh_s16)", same);
}

void test_qnonlinear(void) {
    FILE *f = fopen(VECTORS, "r");
    static char line[16384];
    int32_t line_no = 0, cases = 0;
    fixed_point_hand_worked();
    hard_swish_hand_worked();
    sigmoid16_hand_worked();
    sigmoid16_table_is_litert();
    if (f == NULL) {
        mc_expect_true("open " VECTORS, 0);
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char op[64];
        int consumed = 0;
        ++line_no;
        if (line[0] == '#' || sscanf(line, "%63s %n", op, &consumed) != 1) {
            continue;
        }
        if (strcmp(op, "softmax_s8") == 0) {
            check_softmax_s8(line + consumed, line_no);
        } else if (strcmp(op, "logistic_s8") == 0 || strcmp(op, "tanh_s8") == 0) {
            check_lut_s8(op, line + consumed, line_no);
        } else if (strcmp(op, "softmax_s16_luts_double") == 0) {
            read_luts(line + consumed);
        } else if (strcmp(op, "softmax_s16") == 0) {
            check_softmax_s16(line + consumed, line_no);
        } else {
            continue;
        }
        ++cases;
    }
    fclose(f);
    mc_expect_true("nonlinear vectors: at least 250 cases read", cases >= 250);
    mc_expect_true("int16 softmax: single rounding does not match LiteRT (the vectors tell them apart)",
                   softmax_s16_single_rounding_misses > 0);
}
