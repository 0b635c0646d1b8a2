package org.microcodegen.emit;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Weights must survive the trip through C source text bit for bit. */
class CLiteralsTest {
    @Test
    void nineDigitLiteralsRoundTripEveryFloat() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            String lit = CLiterals.floatLiteral(f);
            float back = Float.parseFloat(lit.substring(0, lit.length() - 1));
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back), lit);
        }
    }

    @Test
    void specialValuesUseMathMacros() {
        assertEquals("INFINITY", CLiterals.floatLiteral(Float.POSITIVE_INFINITY));
        assertEquals("-INFINITY", CLiterals.floatLiteral(Float.NEGATIVE_INFINITY));
        assertEquals("NAN", CLiterals.floatLiteral(Float.NaN));
        assertEquals("1.00000001e-01f", CLiterals.floatLiteral(0.1f));
    }

    @Test
    void negativeZeroKeepsItsSign() {
        assertEquals("0.00000000e+00f", CLiterals.floatLiteral(0.0f));
        assertEquals("-0.00000000e+00f", CLiterals.floatLiteral(-0.0f));
    }

    /** The exact formatter this class replaced: BigDecimal of the exact binary value, rounded to nine digits. */
    private static String oracle(float f) {
        BigDecimal exact = new BigDecimal(f).round(new MathContext(9, RoundingMode.HALF_EVEN));
        return String.format(Locale.ROOT, "%.8e", exact) + "f";
    }

    private static void assertSameAsOracle(float f) {
        assertEquals(oracle(f), CLiterals.floatLiteral(f), () -> "bits 0x" + Integer.toHexString(Float.floatToRawIntBits(f)));
    }

    @Test
    void fastDigitsEqualTheExactOnesOnRandomBitPatterns() {
        SplittableRandom rnd = new SplittableRandom(20261129);
        for (int i = 0; i < 3_000_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (!Float.isNaN(f) && !Float.isInfinite(f) && f != 0) {
                assertSameAsOracle(f);
            }
        }
    }

    @Test
    void fastDigitsEqualTheExactOnesOnTypicalWeights() {
        // Trained weights are mostly small normal numbers: sample them densely, as floats of doubles.
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 1_000_000; i++) {
            assertSameAsOracle((float) (rnd.nextGaussian() * 0.1));
        }
    }

    @Test
    void fastDigitsEqualTheExactOnesOnEdgeCases() {
        for (int e = -149; e <= 127; e++) {   // every power of two, subnormal to largest
            float p = (float) Math.scalb(1.0, e);
            for (float f : new float[] {p, Math.nextUp(p), Math.nextDown(p), -p}) {
                if (f != 0 && !Float.isInfinite(f)) {
                    assertSameAsOracle(f);
                }
            }
        }
        for (int p = -45; p <= 38; p++) {   // around every power of ten, where the exponent changes
            float t = Float.parseFloat("1e" + p);
            float lo = t;
            float hi = t;
            for (int k = 0; k < 50 && t != 0 && !Float.isInfinite(t); k++) {
                assertSameAsOracle(lo);
                assertSameAsOracle(hi);
                lo = Math.nextDown(lo);
                hi = Math.nextUp(hi);
            }
        }
        for (int bits = 1; bits < 1 << 16; bits++) {   // the smallest subnormals
            assertSameAsOracle(Float.intBitsToFloat(bits));
        }
        for (int i = 1; i <= 1 << 16; i++) {   // integers, halves and quarters: short exact expansions
            assertSameAsOracle(i);
            assertSameAsOracle(i + 0.5f);
            assertSameAsOracle(i * 1024f + 0.25f);
        }
        for (float f : new float[] {Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, 1f, 9.9999999e8f, 999999.94f, 16777216f, 0.1f}) {
            assertSameAsOracle(f);
            assertSameAsOracle(-f);
        }
    }

    @Test
    void exactTiesRoundHalfEven() {
        // i + odd/16 with a six-digit i has exactly ten significant digits, the last a 5: a true tie at nine
        // digits, which only the exact path can round (to even). So has i + odd/32 with a five-digit i.
        for (int i = 100_000; i < 1_000_000; i += 7) {
            for (int odd = 1; odd < 16; odd += 2) {
                assertSameAsOracle(i + odd / 16f);
                assertSameAsOracle(-(i + odd / 16f));
            }
        }
        for (int i = 10_000; i < 100_000; i += 3) {
            assertSameAsOracle(i + 5 / 32f);
        }
        assertEquals("1.23456062e+05f", CLiterals.floatLiteral(123456.0625f));   // ...0625 -> ...062: even
        assertEquals("1.23457188e+05f", CLiterals.floatLiteral(123457.1875f));   // ...1875 -> ...188: even
    }
}
