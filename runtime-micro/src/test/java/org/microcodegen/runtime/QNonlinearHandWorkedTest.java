package org.microcodegen.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The hand-worked cases of test_qnonlinear.c (hard_swish_hand_worked ...), so C and Java agree on them. */
class QNonlinearHandWorkedTest {
    private static final byte[] X = {-128, -77, -1, 0, 10, 76, 77, 127};

    @Test
    void hardSwishLeftShiftingReluish() {
        // tests/fixtures/tflite-ops/hard_swish_int8's parameters; x = 10 -> -98 is worked out in test_qnonlinear.c
        QNonlinear.HardSwishParams p = new QNonlinear.HardSwishParams().inZeroPoint(-1).outZeroPoint(-110)
                .reluishMult(27334).reluishExponent(2).outMult(30445).outExponent(-6);
        byte[] out = new byte[X.length];
        QNonlinear.hardSwishS8(X, 0, out, 0, X.length, p);
        assertArrayEquals(new byte[] {-110, -111, -110, -109, -98, 33, 35, 127}, out);
    }

    @Test
    void hardSwishRightShiftingReluish() {
        QNonlinear.HardSwishParams p = new QNonlinear.HardSwishParams().inZeroPoint(5).outZeroPoint(-3)
                .reluishMult(22370).reluishExponent(-3).outMult(16384).outExponent(-5);
        byte[] out = new byte[X.length];
        QNonlinear.hardSwishS8(X, 0, out, 0, X.length, p);
        assertArrayEquals(new byte[] {-128, -83, -9, -8, 2, 70, 71, 124}, out);
    }

    @Test
    void sixteenBitFixedPointHelpers() {
        assertArrayEquals(new int[] {2, -1, 32767, 1308},
                new int[] {QNonlinear.srdhm16(3, 1 << 14), QNonlinear.srdhm16(-3, 1 << 14), QNonlinear.srdhm16(-32768, -32768),
                    QNonlinear.srdhm16(1408, 30445)});
        assertArrayEquals(new int[] {1, -1, 747}, new int[] {QNonlinear.sdhm16(3, 1 << 14), QNonlinear.sdhm16(-3, 1 << 14),
            QNonlinear.sdhm16(18733, 1308)});
        assertArrayEquals(new int[] {32767, -32768, 4698}, new int[] {QNonlinear.saturatingShl16(20000, 1),
            QNonlinear.saturatingShl16(-20000, 3), QNonlinear.saturatingShl16(2349, 1)});
    }
}
