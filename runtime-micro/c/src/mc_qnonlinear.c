#include "mc_qnonlinear.h"

void mc_lut_s8(const int8_t *in, int8_t *out, int32_t n, const int8_t *lut) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        out[i] = lut[(uint8_t)in[i]];
    }
}

/* gemmlowp's 16-bit saturating rounding doubling high multiply: a * b / 2^15 rounded to nearest
 * (ties away from zero), the one overflow (-32768 * -32768) saturated. C99 division truncates, as
 * gemmlowp's does. */
static int32_t srdhm16(int32_t a, int32_t b) {
    const int32_t ab = a * b;
    if (a == -32768 && b == -32768) {
        return 32767;
    }
    return (ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14))) / (1 << 15);
}

/* The same without rounding (truncating toward zero, like ARM's SQDMULH): TFLite uses it for the
 * final product to cancel the bias of the two rounded ones before it. */
static int32_t sdhm16(int32_t a, int32_t b) {
    if (a == -32768 && b == -32768) {
        return 32767;
    }
    return (a * b) / (1 << 15);
}

/* value * 2^amount saturated to int16; 0 <= amount <= 30. */
static int32_t saturating_shl16(int32_t value, int32_t amount) {
    const int64_t r = (int64_t)value * ((int64_t)1 << amount);
    return r > 32767 ? 32767 : r < -32768 ? -32768 : (int32_t)r;
}

static int32_t wrap_i16(int32_t v) {
    return (int32_t)(((uint32_t)v + 32768u) & 0xFFFFu) - 32768;
}

void mc_hard_swish_s8(const int8_t *in, int8_t *out, int32_t n, const mc_qhard_swish_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        /* |in - zero point| <= 255, so the 7-bit left shift stays in int16 */
        const int32_t hires = (in[i] - p->in_zero_point) * 128;
        const int32_t preshift_out = srdhm16(hires, p->out_mult);
        int32_t reluish = hires;
        int32_t result;
        /* the left shift in two steps, as TFLite does: all but one bit, the multiply, the last bit,
         * so that saturation in the first step cannot reach the result */
        if (p->reluish_exponent > 0) {
            reluish = saturating_shl16(reluish, p->reluish_exponent - 1);
        }
        reluish = srdhm16(reluish, p->reluish_mult);
        if (p->reluish_exponent > 0) {
            reluish = saturating_shl16(reluish, 1);
        } else if (p->reluish_exponent < 0) {
            reluish = mc_rounding_divide_by_pot(reluish, -p->reluish_exponent);
        }
        /* [-1, 1] in Q15 to [0, 1] */
        reluish = (reluish + (1 << 15)) >> 1;
        result = mc_rounding_divide_by_pot(sdhm16(reluish, preshift_out), -p->out_exponent);
        /* TFLite adds the zero point in int16 arithmetic (wrapping) before it clamps */
        result = wrap_i16(result + p->out_zero_point);
        out[i] = (int8_t)mc_clamp_i32(result, -128, 127);
    }
}

/* sigmoid(i/24) in 0.16 fixed point, i = 0..255: LiteRT's table, as tools/litert_sigmoid_table.py
 * measured it (c/test/vectors/litert_sigmoid_table.txt; the tests check both copies). */
static const uint16_t sigmoid_table[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535};

static int32_t scaled_input(int32_t x, const mc_qsigmoid16_params *p) {
    const int32_t round = p->shift > 0 ? 1 << (p->shift - 1) : 0;
    return mc_asr32(x * p->mult + round, p->shift);
}

/* The table at a / 2^bits, linearly interpolated with the low bits, kept scaled by 2^bits; beyond the
 * last entry, saturated. */
static uint32_t interpolated(uint32_t a, uint32_t bits, uint32_t saturated) {
    const uint32_t step = a >> bits;
    uint32_t lo;
    if (step >= 255u) {
        return saturated;
    }
    lo = sigmoid_table[step];
    return (lo << bits) + (a & ((1u << bits) - 1u)) * (sigmoid_table[step + 1] - lo);
}

void mc_logistic_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qsigmoid16_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t v = scaled_input(in[i], p);
        /* 2^17 steps span [0, 32/3): 512 per table entry */
        uint32_t r = interpolated((uint32_t)(v < 0 ? -v : v), 9, 0x7FFFu << 10);
        /* sigmoid(-x) = 1 - sigmoid(x); then 0.25 to 0.15 fixed point, rounded as TFLite does */
        r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        out[i] = (int16_t)(r >> 10);
    }
}

void mc_tanh_s16(const int16_t *in, int16_t *out, int32_t n, const mc_qsigmoid16_params *p) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t v = scaled_input(in[i], p);
        /* tanh(x) = 2 sigmoid(2x) - 1: 256 per table entry */
        int32_t r = (int32_t)interpolated((uint32_t)(v < 0 ? -v : v), 8, 0xFFFFu << 8);
        r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        out[i] = (int16_t)mc_asr32(r, 8);
    }
}
