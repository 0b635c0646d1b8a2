package org.microcodegen.emit;

import org.junit.jupiter.api.Test;

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
}
