package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.DType;
import org.microcodegen.quant.ActivationRange.Kind;

/** CalculateActivationRangeQuantized, worked by hand: zeroPoint + round(f / scale), clipped to the type. */
class ActivationRangeTest {

    @Test
    void int8Ranges() {
        assertArrayEquals(new int[] {-128, 127}, ActivationRange.of(Kind.NONE, 0.5f, -10, DType.INT8));
        assertArrayEquals(new int[] {-10, 127}, ActivationRange.of(Kind.RELU, 0.5f, -10, DType.INT8));
        assertArrayEquals(new int[] {-10, 2}, ActivationRange.of(Kind.RELU6, 0.5f, -10, DType.INT8));
        assertArrayEquals(new int[] {-12, -8},
                ActivationRange.of(Kind.RELU_N1_TO_1, 0.5f, -10, DType.INT8));
    }

    @Test
    void tiesRoundAwayFromZero() {
        // 6 / 4 = 1.5 -> 2; -1 / 2 = -0.5 -> -1 (Math.round would give 0), 1 / 2 -> 1
        assertArrayEquals(new int[] {0, 2}, ActivationRange.of(Kind.RELU6, 4f, 0, DType.INT8));
        assertArrayEquals(new int[] {-1, 1},
                ActivationRange.of(Kind.RELU_N1_TO_1, 2f, 0, DType.INT8));
    }

    @Test
    void zeroPointsAtTheRangeEndsClip() {
        assertArrayEquals(new int[] {127, 127}, ActivationRange.of(Kind.RELU6, 0.1f, 127, DType.INT8));
        assertArrayEquals(new int[] {-128, -68}, ActivationRange.of(Kind.RELU6, 0.1f, -128, DType.INT8));
        assertArrayEquals(new int[] {0, 255}, ActivationRange.of(Kind.RELU, 0.1f, -3, DType.UINT8));
    }

    @Test
    void int16() {
        assertArrayEquals(new int[] {0, 32767},
                ActivationRange.of(Kind.RELU6, 1f / 32768, 0, DType.INT16));
        assertArrayEquals(new int[] {-32768, 32767},
                ActivationRange.of(Kind.NONE, 1f / 32768, 0, DType.INT16));
        assertArrayEquals(new int[] {-4096, 4096},
                ActivationRange.of(Kind.RELU_N1_TO_1, 1f / 4096, 0, DType.INT16));
    }

    @Test
    void floatOutputsHaveNoQuantizedRange() {
        assertThrows(IllegalArgumentException.class,
                () -> ActivationRange.of(Kind.RELU, 1f, 0, DType.FLOAT32));
    }
}
