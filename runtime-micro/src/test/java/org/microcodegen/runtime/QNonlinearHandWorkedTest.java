package org.microcodegen.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    @Test
    void sigmoid16HandWorked() {
        // the values worked out in test_qnonlinear.c's sigmoid16_hand_worked (input scale 2^-12: x * 3)
        short[] x = {0, 1, -1, 4096, -4096};
        QNonlinear.Sigmoid16Params pot = new QNonlinear.Sigmoid16Params().mult(3).shift(0);
        short[] out = new short[x.length];
        QNonlinear.logisticS16(x, 0, out, 0, x.length, pot);
        assertArrayEquals(new short[] {16384, 16386, 16382, 23956, 8812}, out);
        QNonlinear.tanhS16(x, 0, out, 0, x.length, pot);
        assertArrayEquals(new short[] {0, 8, -8, 24956, -24956}, out);
    }

    @Test
    void sigmoidTableIsTheOneMeasuredFromLiteRt() throws IOException {
        Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("c/test/vectors/litert_sigmoid_table.txt");
        int[] measured = Files.readAllLines(file).stream().filter(l -> !l.startsWith("#"))
                .flatMap(l -> Arrays.stream(l.trim().split("\\s+"))).mapToInt(Integer::parseInt).toArray();
        assertArrayEquals(measured, QNonlinear.SIGMOID_TABLE);
        // and the kernel reads it: doubled input, x = 128 k -> entry k with weight 0
        QNonlinear.Sigmoid16Params doubled = new QNonlinear.Sigmoid16Params().mult(2).shift(0);
        short[] y = new short[1];
        for (int k = 0; k < 255; k++) {
            QNonlinear.tanhS16(new short[] {(short) (128 * k)}, 0, y, 0, 1, doubled);
            assertEquals(measured[k], y[0] + 32768, "entry " + k);
        }
    }
}
