package org.microcodegen.runtime;

/**
 * gemmlowp's fixed-point exp and 1/(1+x) on raw int values (mc_qfixedpoint.h), bit for bit. A
 * value "Qi" has i integer bits and 31 - i fractional bits; products are the saturating rounding
 * doubling high multiply in either TFLite build; additions wrap as Java's int ones do.
 */
final class QFixedPoint {
    private QFixedPoint() {
    }

    /** exp(-2^e) in Q0 for e = -2 .. 4 */
    private static final int[] EXP_MULTIPLIERS = {1672461947, 1302514674, 790015084, 290630308,
        39332535, 720401, 242};

    static int mul(int a, int b) {
        return Quant.saturatingRoundingDoublingHighMul(a, b);
    }

    /** SaturatingRoundingMultiplyByPOT for 0 < exponent < 31. */
    static int saturatingShl(int x, int exponent) {
        int threshold = (int) ((1L << (31 - exponent)) - 1);
        if (x > threshold) {
            return Integer.MAX_VALUE;
        }
        if (x < -threshold) {
            return Integer.MIN_VALUE;
        }
        return x << exponent;
    }

    /** exp(a) for a Q0 value a in [-1/4, 0). */
    static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
        final int constantTerm = 1895147668;
        final int constant1Over3 = 715827883;
        int x = a + (1 << 28);
        int x2 = mul(x, x);
        int x3 = mul(x2, x);
        int x4 = mul(x2, x2);
        int x4Over4 = Quant.roundingDivideByPot(x4, 2);
        int poly = Quant.roundingDivideByPot(mul(x4Over4 + x3, constant1Over3) + x2, 1);
        return constantTerm + mul(constantTerm, x + poly);
    }

    /** exp(a) for a &lt;= 0 in Q(integerBits), 1 &lt;= integerBits &lt;= 5; the result is Q0. */
    static int expOnNegativeValues(int a, int integerBits) {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int aModQuarterMinusOneQuarter = (a & (oneQuarter - 1)) - oneQuarter;
        int remainder = aModQuarterMinusOneQuarter - a;
        int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
                saturatingShl(aModQuarterMinusOneQuarter, integerBits));
        for (int e = -2; e <= 4; ++e) {
            if (integerBits > e && (remainder & (1 << (fractionalBits + e))) != 0) {
                result = mul(result, EXP_MULTIPLIERS[e + 2]);
            }
        }
        return a == 0 ? Integer.MAX_VALUE : result;
    }

    /** 1 / (1 + a) for a Q0 value a in [0, 1); the result is Q0. */
    static int oneOverOnePlusXForXIn01(int a) {
        long sum = (long) a + Integer.MAX_VALUE;
        int halfDenominator = (int) ((sum + (sum >= 0 ? 1 : -1)) / 2);
        int x = 1515870810 + mul(halfDenominator, -1010580540);
        for (int i = 0; i < 3; ++i) {
            int oneMinusHalfDenominatorTimesX = (1 << 29) - mul(halfDenominator, x);
            x = x + saturatingShl(mul(x, oneMinusHalfDenominatorTimesX), 2);
        }
        return saturatingShl(x, 1);
    }

    /** TFLite's LUTLookup for int16 (513-entry table, 7-bit interpolation). */
    static short lutLookup(short value, short[] lut) {
        int index = 256 + (value >> 7);
        int offset = value & 0x7f;
        int base = lut[index];
        int slope = lut[index + 1] - lut[index];
        int delta = (slope * offset + 64) >> 7;
        return (short) (base + delta);
    }
}
