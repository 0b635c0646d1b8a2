package org.microcodegen.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java quantized nonlinear kernels against LiteRT's reference kernels: every case of
 * c/test/vectors/nonlinear.txt (tools/nonlinear_vectors.py), the file the C tests read too.
 */
class QNonlinearVectorsTest {

    /** One vector line: op name, the numbers before the first '|', then each '|' group. */
    record Line(String op, double[] head, List<int[]> groups) {}

    static List<Line> lines() throws IOException {
        Path file = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("c/test/vectors/nonlinear.txt");
        List<Line> out = new ArrayList<>();
        for (String s : Files.readAllLines(file)) {
            if (s.startsWith("#") || s.isBlank()) {
                continue;
            }
            String[] parts = s.split("\\|");
            String[] head = parts[0].trim().split("\\s+");
            double[] nums = Arrays.stream(head).skip(1).mapToDouble(Double::parseDouble).toArray();
            List<int[]> groups = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                groups.add(Arrays.stream(parts[i].trim().split("\\s+")).mapToInt(Integer::parseInt).toArray());
            }
            out.add(new Line(head[0], nums, groups));
        }
        return out;
    }

    static byte[] bytes(int[] a) {
        byte[] b = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = (byte) a[i];
        }
        return b;
    }

    static short[] shorts(int[] a) {
        short[] b = new short[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = (short) a[i];
        }
        return b;
    }

    @Test
    void softmaxS8MatchesLiteRt() throws IOException {
        int cases = 0;
        for (Line l : lines()) {
            if (!l.op().equals("softmax_s8")) {
                continue;
            }
            double[] h = l.head();
            int depth = (int) h[11];
            byte[] in = bytes(l.groups().get(0));
            byte[] want = bytes(l.groups().get(1));
            byte[] got = new byte[depth + 3];
            QSoftmax.Params single = new QSoftmax.Params().depth(depth).inputMultiplier((int) h[5])
                    .inputLeftShift((int) h[6]).diffMin((int) h[7]).rounding(Quant.SINGLE);
            QSoftmax.softmaxS8(in, 0, got, 3, single);
            assertArrayEquals(want, Arrays.copyOfRange(got, 3, 3 + depth), "single rounding");
            QSoftmax.Params dbl = new QSoftmax.Params().depth(depth).inputMultiplier((int) h[8])
                    .inputLeftShift((int) h[9]).diffMin((int) h[10]).rounding(Quant.DOUBLE);
            QSoftmax.softmaxS8(in, 0, in, 0, dbl);
            assertArrayEquals(want, in, "double rounding, in place");
            cases++;
        }
        assertTrue(cases >= 200, "softmax_s8 cases: " + cases);
    }

    @Test
    void logisticAndTanhS8MatchLiteRt() throws IOException {
        int cases = 0;
        for (Line l : lines()) {
            if (!l.op().equals("logistic_s8") && !l.op().equals("tanh_s8")) {
                continue;
            }
            byte[] lut = bytes(l.groups().get(0));
            byte[] in = bytes(l.groups().get(1));
            byte[] want = bytes(l.groups().get(2));
            byte[] got = new byte[256];
            QNonlinear.lutS8(in, 0, got, 0, 256, lut);
            assertArrayEquals(want, got, l.op());
            cases++;
        }
        assertEquals(8, cases);
    }

    @Test
    void softmaxS16MatchesLiteRtWithDoubleRounding() throws IOException {
        short[] expLut = null;
        short[] oneLut = null;
        int cases = 0;
        int singleMisses = 0;
        for (Line l : lines()) {
            if (l.op().equals("softmax_s16_luts_double")) {
                expLut = shorts(l.groups().get(0));
                oneLut = shorts(l.groups().get(1));
            }
            if (!l.op().equals("softmax_s16")) {
                continue;
            }
            double[] h = l.head();
            int depth = (int) h[7];
            short[] in = shorts(l.groups().get(0));
            short[] want = shorts(l.groups().get(1));
            short[] got = new short[depth];
            QSoftmax.Params p = new QSoftmax.Params().depth(depth).inputMultiplier((int) h[5])
                    .inputLeftShift((int) h[6]).rounding(Quant.DOUBLE).expLut(expLut).oneOverOnePlusXLut(oneLut);
            QSoftmax.softmaxS16(in, 0, got, 0, p);
            assertArrayEquals(want, got);
            QSoftmax.softmaxS16(in, 0, got, 0, p.rounding(Quant.SINGLE));
            if (!Arrays.equals(want, got)) {
                singleMisses++;
            }
            cases++;
        }
        assertTrue(cases >= 72, "softmax_s16 cases: " + cases);
        assertTrue(singleMisses > 0, "the vectors should tell the two roundings apart");
    }
}
