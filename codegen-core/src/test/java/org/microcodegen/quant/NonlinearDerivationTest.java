package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compile-time derivations for SOFTMAX, LOGISTIC and TANH against TFLite's formulas as
 * tools/nonlinear_vectors.py evaluates them (Python doubles, numpy float32 and the C library's
 * expf/tanhf/exp that TFLite calls), for the tensor scales of the models LiteRT ran: the kernels
 * given these values reproduce LiteRT's outputs (runtime-micro's QNonlinearVectorsTest and the C tests).
 */
class NonlinearDerivationTest {

    private static List<String[]> lines(String op) throws IOException {
        Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("../runtime-micro/c/test/vectors/nonlinear.txt");
        return Files.readAllLines(file).stream().filter(s -> s.startsWith(op + " "))
                .map(s -> s.split("\\|")).toList();
    }

    private static double[] head(String[] parts) {
        return Arrays.stream(parts[0].trim().split("\\s+")).skip(1).mapToDouble(Double::parseDouble).toArray();
    }

    private static int[] ints(String group) {
        return Arrays.stream(group.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void softmaxInt8ParamsAreTflites() throws IOException {
        List<String[]> cases = lines("softmax_s8");
        assertFalse(cases.isEmpty());
        for (String[] c : cases) {
            double[] h = head(c);
            float scale = (float) h[0];
            assertEquals(new SoftmaxParams((int) h[5], (int) h[6], (int) h[7]),
                    SoftmaxParams.int8(1.0f, scale, Rounding.SINGLE));
            assertEquals(new SoftmaxParams((int) h[8], (int) h[9], (int) h[10]),
                    SoftmaxParams.int8(1.0f, scale, Rounding.DOUBLE));
        }
    }

    @Test
    void softmaxInt8CapsTheMultiplierPerBuild() {
        // beta * scale * 2^26 = 2^32: capped at 2^30 - 1 = (2^31 - 2) * 2^(30 - 31) in the single-
        // rounding build, radius floor(31 * 2^26 / 2^30) = 1; at 2^31 - 1 = (2^31 - 1) * 2^(31 - 31)
        // otherwise, radius floor(31 * 2^26 / 2^31) = 0
        assertEquals(new SoftmaxParams(Integer.MAX_VALUE - 1, 30, -1),
                SoftmaxParams.int8(1.0f, 64.0f, Rounding.SINGLE));
        assertEquals(new SoftmaxParams(Integer.MAX_VALUE, 31, 0),
                SoftmaxParams.int8(1.0f, 64.0f, Rounding.DOUBLE));
    }

    @Test
    void softmaxInt16ParamsAreTflites() throws IOException {
        List<String[]> cases = lines("softmax_s16");
        assertFalse(cases.isEmpty());
        for (String[] c : cases) {
            double[] h = head(c);
            SoftmaxParams p = SoftmaxParams.int16(1.0f, (float) h[0], Rounding.SINGLE, true);
            assertEquals((int) h[5], p.inputMultiplier());
            assertEquals((int) h[6], p.inputLeftShift());
        }
    }

    @Test
    void int8TablesAreLutPopulates() throws IOException {
        int n = 0;
        for (String op : new String[] {"logistic_s8", "tanh_s8"}) {
            for (String[] c : lines(op)) {
                double[] h = head(c);
                byte[] got = ActivationLut.int8((float) h[0], (int) h[1], (float) h[2], (int) h[3],
                        op.startsWith("logistic") ? ActivationLut.Function.LOGISTIC : ActivationLut.Function.TANH);
                int[] want = ints(c[1]);
                for (int i = 0; i < 256; i++) {
                    assertEquals((byte) want[i], got[i], op + " entry " + i);
                }
                n++;
            }
        }
        assertEquals(8, n);
    }

    @Test
    void softmaxInt16TablesInBothPrecisions() throws IOException {
        for (String op : new String[] {"softmax_s16_luts_double", "softmax_s16_luts_float"}) {
            String[] c = lines(op).get(0);
            boolean dbl = op.endsWith("double");
            assertArrayEquals(shorts(ints(c[1])), ActivationLut.softmaxExp(dbl), op + " exp");
            assertArrayEquals(shorts(ints(c[2])), ActivationLut.softmaxOneOverOnePlusX(dbl), op + " 1/(1+x)");
        }
        // the two precisions really differ (TFLite Micro's float tables vs LiteRT's double ones)
        assertFalse(Arrays.equals(ActivationLut.softmaxOneOverOnePlusX(true),
                ActivationLut.softmaxOneOverOnePlusX(false)));
        assertTrue(ActivationLut.softmaxExp(true)[512] >= 32767 - 1);
    }

    private static short[] shorts(int[] a) {
        short[] s = new short[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = (short) a[i];
        }
        return s;
    }
}
