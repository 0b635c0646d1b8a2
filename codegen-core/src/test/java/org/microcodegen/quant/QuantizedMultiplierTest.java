package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * QuantizeMultiplier against values worked out by hand from its definition (frexp, mantissa * 2^31
 * rounded half away from zero): real = multiplier * 2^(shift - 31).
 */
class QuantizedMultiplierTest {

    private static void assertQ(int multiplier, int shift, QuantizedMultiplier q) {
        assertEquals(new QuantizedMultiplier(multiplier, shift), q);
    }

    @Test
    void powersOfTwoAndSimpleFractions() {
        assertQ(1 << 30, 0, QuantizedMultiplier.of(0.5));
        assertQ(1 << 30, 1, QuantizedMultiplier.of(1.0));
        assertQ(1610612736, 0, QuantizedMultiplier.of(0.75));        // 0.75 * 2^31
        assertQ(1 << 30, 3, QuantizedMultiplier.of(4.0));             // a left shift
        assertQ(-(1 << 30), 0, QuantizedMultiplier.of(-0.5));
        assertQ(0, 0, QuantizedMultiplier.of(0.0));
    }

    @Test
    void mantissaIsRoundedHalfAwayFromZero() {
        // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4
        assertQ(1717986918, -3, QuantizedMultiplier.of(0.1));
        // (2^30 + 0.5) / 2^31: an exact tie, which round-half-even would send down to 2^30
        assertQ((1 << 30) + 1, 0, QuantizedMultiplier.of(0.5 + 0x1p-32));
        assertQ(-(1 << 30) - 1, 0, QuantizedMultiplier.of(-0.5 - 0x1p-32));
    }

    @Test
    void aMantissaRoundingUpTo2To31IsHalvedAndTheShiftRaised() {
        // 1 - 2^-33: mantissa * 2^31 = 2147483647.75 rounds to 2^31
        assertQ(1 << 30, 1, QuantizedMultiplier.of(1 - 0x1p-33));
        assertQ(1 << 30, -1, QuantizedMultiplier.of(0.25 - 0x1p-35));   // = 2^30 * 2^(-1 - 31)
    }

    @Test
    void tinyScalesFlushToZeroBelowShiftMinus31() {
        assertQ(1 << 30, -31, QuantizedMultiplier.of(0x1p-32));
        assertQ(0, 0, QuantizedMultiplier.of(0x1p-33));
        assertQ(0, 0, QuantizedMultiplier.of(1e-10));
        assertQ(0, 0, QuantizedMultiplier.of(Double.MIN_VALUE));       // subnormal
    }

    @Test
    void hugeScalesSaturateOnlyForSingleRounding() {
        assertQ(1 << 30, 32, QuantizedMultiplier.of(0x1p31));
        assertQ(1 << 30, 32, QuantizedMultiplier.of(0x1p31, false));
        assertQ(Integer.MAX_VALUE, 30, QuantizedMultiplier.of(0x1p31, true));
        assertQ(1 << 30, 30, QuantizedMultiplier.of(0x1p29, true));    // shift 30 is still fine
    }

    @Test
    void frexpOfSubnormals() {
        assertEquals(-1073, QuantizedMultiplier.frexpExponent(Double.MIN_VALUE));
        assertEquals(-1021, QuantizedMultiplier.frexpExponent(Double.MIN_NORMAL));
        assertEquals(1, QuantizedMultiplier.frexpExponent(1.0));
    }

    @Test
    void realIsTheInverse() {
        assertEquals(0.75, new QuantizedMultiplier(1610612736, 0).real());
        assertEquals(4.0, new QuantizedMultiplier(1 << 30, 3).real());
    }

    @Test
    void nonFiniteScalesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> QuantizedMultiplier.of(Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> QuantizedMultiplier.of(Double.POSITIVE_INFINITY));
    }
}
