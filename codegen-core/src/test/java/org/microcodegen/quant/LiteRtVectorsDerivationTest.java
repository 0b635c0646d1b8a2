package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.microcodegen.ir.DType;

/**
 * The compile-time derivations against the LiteRT reference vectors
 * (runtime-micro/src/test/resources/qkernel_vectors.txt): the kernels reproduce LiteRT's outputs
 * bit for bit with the multipliers and activation ranges stored there, so ConvMultipliers and
 * ActivationRange must derive exactly those from the model's float scales.
 */
class LiteRtVectorsDerivationTest {
    private static final Path VECTORS = Path.of("../runtime-micro/src/test/resources/qkernel_vectors.txt");

    @Test
    void multipliersAndActivationRangesMatchWhatLiteRtRanWith() throws IOException {
        int checked = 0;
        for (Map<String, long[]> c : read()) {
            String kind = name(c);
            if (kind.endsWith("_f32")) {
                continue;
            }
            float inScale = Float.intBitsToFloat((int) c.get("scales")[0]);
            float outScale = Float.intBitsToFloat((int) c.get("scales")[1]);
            long[] ws = c.get("w_scales");
            float[] wScales = new float[ws.length];
            for (int i = 0; i < ws.length; i++) {
                wScales[i] = Float.intBitsToFloat((int) ws[i]);
            }
            int[] mult = ints(c.get("mult"));
            int[] shift = ints(c.get("shift"));
            if (kind.startsWith("fc_") && ws.length == 1) {
                QuantizedMultiplier q = ConvMultipliers.perTensor(inScale, wScales[0], outScale, Rounding.SINGLE);
                assertEquals(new QuantizedMultiplier(mult[0], shift[0]), q, kind);
            } else {
                int[][] m = ConvMultipliers.perChannel(inScale, wScales, outScale, mult.length, Rounding.SINGLE);
                assertArrayEquals(mult, m[0], kind);
                assertArrayEquals(shift, m[1], kind);
            }
            ActivationRange.Kind act = ActivationRange.Kind.values()[(int) c.get("act_kind")[0]];
            DType type = kind.endsWith("_s8") ? DType.INT8 : DType.INT16;
            assertArrayEquals(ints(c.get("act")),
                    ActivationRange.of(act, outScale, (int) c.get("out_zp")[0], type), kind);
            checked++;
        }
        assertTrue(checked >= 20, "only " + checked + " quantized cases");
    }

    private static String name(Map<String, long[]> c) {
        return c.keySet().stream().filter(k -> k.startsWith("kind=")).findFirst().orElseThrow().substring(5);
    }

    private static int[] ints(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (int) v[i];
        }
        return r;
    }

    /** The cases of the vector file, each a key -> values map plus a "kind=..." marker key. */
    private static List<Map<String, long[]>> read() throws IOException {
        List<Map<String, long[]>> cases = new ArrayList<>();
        Map<String, long[]> current = null;
        for (String line : Files.readAllLines(VECTORS)) {
            String[] t = line.trim().split("\\s+");
            if (t[0].isEmpty() || t[0].startsWith("#")) {
                continue;
            }
            switch (t[0]) {
                case "case" -> {
                    current = new HashMap<>();
                    current.put("kind=" + t[1], new long[0]);
                }
                case "end" -> cases.add(current);
                default -> {
                    long[] v = new long[Integer.parseInt(t[1])];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Long.parseLong(t[2 + i]);
                    }
                    current.put(t[0], v);
                }
            }
        }
        return cases;
    }
}
