package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The two derivations TFLite uses differ in where the float scales are widened; expected values
 * were computed with numpy float32 scales and Python's frexp (for 0.1f * 0.3f / 0.7f the float
 * product 0.030000001f gives 1472560299, the exact double product 1472560321).
 */
class ConvMultipliersTest {

    @Test
    void perChannelMultipliesInDouble() {
        int[][] m = ConvMultipliers.perChannel(0.1f, new float[] {0.3f, 0.7f}, 0.7f, 2,
                Rounding.DOUBLE);
        // 0.1f * 0.7f / 0.7f is 0.1f widened (0.10000000149011612), not 0.1
        assertArrayEquals(new int[] {1472560321, 1717986944}, m[0]);
        assertArrayEquals(new int[] {-4, -3}, m[1]);
    }

    @Test
    void perTensorMultipliesInputAndWeightScalesInFloat() {
        assertEquals(new QuantizedMultiplier(1472560299, -4),
                ConvMultipliers.perTensor(0.1f, 0.3f, 0.7f, Rounding.DOUBLE));
        assertEquals(new QuantizedMultiplier(1921739673, -9),
                ConvMultipliers.perTensor(0.003921569f, 0.01234567f, 0.0277f, Rounding.SINGLE));
        assertArrayEquals(new int[] {1921739723},
                ConvMultipliers.perChannel(0.003921569f, new float[] {0.01234567f}, 0.0277f, 1,
                        Rounding.SINGLE)[0]);
    }

    @Test
    void aSingleWeightScaleIsBroadcast() {
        int[][] m = ConvMultipliers.perChannel(0.5, new float[] {0.5f}, 0.25, 3, Rounding.SINGLE);
        assertArrayEquals(new int[] {1 << 30, 1 << 30, 1 << 30}, m[0]);
        assertArrayEquals(new int[] {1, 1, 1}, m[1]);
    }

    @Test
    void aWrongNumberOfScalesIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ConvMultipliers.perChannel(
                0.5, new float[] {0.5f, 0.5f}, 0.25, 3, Rounding.SINGLE));
    }
}
