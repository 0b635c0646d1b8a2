package org.microcodegen.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Quant's rounding helpers against values worked out by hand from TFLite's definitions (the same
 * cases as test_quant.c, so C and Java agree on them). Multiplier 2^30 is the real factor 0.5.
 */
class QuantTest {
    private static final int HALF = 1 << 30;
    private static final int MIN = Integer.MIN_VALUE;
    private static final int MAX = Integer.MAX_VALUE;

    @Test
    void saturatingRoundingDoublingHighMul() {
        assertEquals(2, Quant.saturatingRoundingDoublingHighMul(3, HALF));      // 1.5 -> 2
        assertEquals(-1, Quant.saturatingRoundingDoublingHighMul(-3, HALF));    // -1.5 -> -1 (gemmlowp's nudge)
        assertEquals(-2, Quant.saturatingRoundingDoublingHighMul(-5, HALF));    // -2.5 -> -2
        assertEquals(MAX, Quant.saturatingRoundingDoublingHighMul(MIN, MIN));   // the one overflow
        assertEquals(-2147483647, Quant.saturatingRoundingDoublingHighMul(MIN, MAX));
        assertEquals(1073741824, Quant.saturatingRoundingDoublingHighMul(MAX, HALF));
        assertEquals(-1073741824, Quant.saturatingRoundingDoublingHighMul(MIN, HALF));
        assertEquals(0, Quant.saturatingRoundingDoublingHighMul(0, MIN));
    }

    @Test
    void roundingDivideByPotRoundsTiesAwayFromZero() {
        assertEquals(2, Quant.roundingDivideByPot(3, 1));      // 1.5
        assertEquals(-2, Quant.roundingDivideByPot(-3, 1));    // -1.5
        assertEquals(-1, Quant.roundingDivideByPot(-5, 2));    // -1.25
        assertEquals(-2, Quant.roundingDivideByPot(-6, 2));    // -1.5
        assertEquals(-1, Quant.roundingDivideByPot(-1, 1));    // -0.5
        assertEquals(7, Quant.roundingDivideByPot(7, 0));
        assertEquals(1, Quant.roundingDivideByPot(MAX, 31));   // 0.99999...
        assertEquals(-1, Quant.roundingDivideByPot(MIN, 31));  // -1
        assertEquals(-1, Quant.roundingDivideByPot(-(1 << 30), 31));   // -0.5
        assertEquals(0, Quant.roundingDivideByPot((1 << 30) - 1, 31)); // just under 0.5
    }

    @Test
    void singleAndDoubleRoundingDiffer() {
        // real factor 0.25: 5 * 0.25 = 1.25; double rounding rounds 2.5 up first, then 1.5 up
        assertEquals(1, Quant.requantize(5, HALF, -1, Quant.SINGLE));
        assertEquals(2, Quant.requantize(5, HALF, -1, Quant.DOUBLE));
        // -0.5: single rounding rounds ties up, double rounding away from zero
        assertEquals(0, Quant.requantize(-2, HALF, -1, Quant.SINGLE));
        assertEquals(-1, Quant.requantize(-2, HALF, -1, Quant.DOUBLE));
        assertEquals(1, Quant.requantize(2, HALF, -1, Quant.SINGLE));
        assertEquals(1, Quant.requantize(2, HALF, -1, Quant.DOUBLE));
        // -1.75 and -0.75
        assertEquals(-2, Quant.requantize(-7, HALF, -1, Quant.SINGLE));
        assertEquals(-2, Quant.requantize(-7, HALF, -1, Quant.DOUBLE));
        assertEquals(-1, Quant.requantize(-3, HALF, -1, Quant.SINGLE));
        assertEquals(-1, Quant.requantize(-3, HALF, -1, Quant.DOUBLE));
    }

    @Test
    void shiftZeroPositiveAndMinus31() {
        assertEquals(2, Quant.requantize(3, HALF, 0, Quant.SINGLE));
        assertEquals(-1, Quant.requantize(-3, HALF, 0, Quant.SINGLE));
        assertEquals(-1, Quant.requantize(-3, HALF, 0, Quant.DOUBLE));
        assertEquals(200, Quant.requantize(100, HALF, 2, Quant.SINGLE));
        assertEquals(200, Quant.requantize(100, HALF, 2, Quant.DOUBLE));
        assertEquals(-150, Quant.requantize(-75, HALF, 2, Quant.DOUBLE));
        // real factor 2^-32: INT32_MAX -> 0.4999..., INT32_MIN -> -0.5
        assertEquals(0, Quant.requantize(MAX, HALF, -31, Quant.SINGLE));
        assertEquals(1, Quant.requantize(MAX, HALF, -31, Quant.DOUBLE));
        assertEquals(0, Quant.requantize(MIN, HALF, -31, Quant.SINGLE));
        assertEquals(-1, Quant.requantize(MIN, HALF, -31, Quant.DOUBLE));
        // a zero multiplier (a flushed tiny scale) gives 0 either way
        assertEquals(0, Quant.requantize(12345, 0, 0, Quant.SINGLE));
        assertEquals(0, Quant.requantize(12345, 0, 0, Quant.DOUBLE));
    }

    @Test
    void int64AccumulatorUsesA16BitMultiplier() {
        assertEquals(2, Quant.requantize64(3, HALF, 0, Quant.SINGLE));
        assertEquals(-1, Quant.requantize64(-3, HALF, 0, Quant.DOUBLE));
        // an accumulator beyond int32: (2^32 + 3) / 8 = 536870912.375
        assertEquals(536870912, Quant.requantize64((1L << 32) + 3, HALF, -2, Quant.SINGLE));
        // 2^30 + 2^15 rounds to the 16-bit 16385: 10^6 * 16385 / 2^15 = 500030.52 (the full
        // multiplier would give 500015.26)
        assertEquals(500031, Quant.requantize64(1000000, 1073774592, 0, Quant.DOUBLE));
        // multipliers at the top are capped to 0x7FFF: 2^20 * 0x7FFF / 2^15 = 1048544
        assertEquals(1048544, Quant.requantize64(1 << 20, 0x7FFF0000, 0, Quant.SINGLE));
        assertEquals(1048544, Quant.requantize64(1 << 20, MAX, 0, Quant.SINGLE));
        assertEquals(-1048544, Quant.requantize64(-(1 << 20), MAX, 0, Quant.SINGLE));
        // shift 7 (a left shift) and -31
        assertEquals(640, Quant.requantize64(10, HALF, 7, Quant.SINGLE));
        // 2^31 * 2^-32: ties round up, +0.5 -> 1 and -0.5 -> 0
        assertEquals(1, Quant.requantize64(1L << 31, HALF, -31, Quant.SINGLE));
        assertEquals(0, Quant.requantize64(-(1L << 31), HALF, -31, Quant.DOUBLE));
    }

    @Test
    void int64AccumulatorWithTheFullMultiplier() {
        assertEquals(1, Quant.requantize64Full(5, HALF, -1));
        assertEquals(0, Quant.requantize64Full(-2, HALF, -1));
        assertEquals(500015, Quant.requantize64Full(1000000, 1073774592, 0));
        assertEquals(536870912, Quant.requantize64Full((1L << 32) + 3, HALF, -2));
    }

    @Test
    void clamp() {
        assertEquals(-128, Quant.clamp(-300, -128, 127));
        assertEquals(127, Quant.clamp(300, -128, 127));
        assertEquals(5, Quant.clamp(5, -128, 127));
    }

    @Test
    void floatRoundingIsOnnxRuntimes() {
        // float(x) * scale, ties to even (the same cases as test_quant.c); 0x3F000000 = 0.5f, 0x3E000000 = 0.125f
        assertEquals(2, Quant.requantize(5, 0x3F000000, 0, Quant.FLOAT));
        assertEquals(4, Quant.requantize(7, 0x3F000000, 0, Quant.FLOAT));
        assertEquals(-2, Quant.requantize(-5, 0x3F000000, 0, Quant.FLOAT));
        assertEquals(-4, Quant.requantize(-7, 0x3F000000, 0, Quant.FLOAT));
        assertEquals(1, Quant.requantize(10, 0x3E000000, 0, Quant.FLOAT));
        // 16777221 is the float 16777220 first, so 2097152.5 -> 2097152, not 2097153
        assertEquals(2097152, Quant.requantize(16777221, 0x3E000000, 0, Quant.FLOAT));
        assertEquals(4194304, Quant.requantize(Integer.MAX_VALUE, 0x3F800000, 0, Quant.FLOAT));
        assertEquals(-4194304, Quant.requantize(Integer.MIN_VALUE, 0x3F800000, 0, Quant.FLOAT));
        assertEquals(0, Quant.requantize(0, 0x3F000000, 0, Quant.FLOAT));
    }
}
