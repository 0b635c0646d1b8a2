package org.microcodegen.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The NHWC conv family in Java: the hand-worked cases of c/test/test_qconv.c, then every case of
 * the reference vectors (tools/qkernel_vectors.py; the C test reads the same file), which must
 * match exactly: LiteRT's outputs with single rounding, TFLite Micro's with double rounding.
 * Kernels are called at a non-zero offset, as the generated code does.
 */
class QConvKernelsTest {
    private static final int HALF = 1 << 30;
    private static final int OFF = 3;

    private static byte[] bytes(int off, int... v) {
        byte[] a = new byte[off + v.length + 2];
        for (int i = 0; i < v.length; i++) {
            a[off + i] = (byte) v[i];
        }
        return a;
    }

    /** A vector's shifts as the kernels' int8 shift table. */
    private static byte[] bytes(int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static int[] ints(byte[] a, int off, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = a[off + i];
        }
        return r;
    }

    @Test
    void handConvS8() {
        // see hand_conv_s8 in test_qconv.c
        byte[] in = bytes(OFF, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        byte[] w = bytes(0, 1, 1, 1, 1);
        byte[] out = new byte[OFF + 9];
        for (int r : new int[] {Quant.SINGLE, Quant.DOUBLE}) {
            Conv2DNhwc.QParams p = new Conv2DNhwc.QParams().inH(3).inW(3).inC(1).outH(3).outW(3).outC(1)
                    .kH(2).kW(2).inOffset(1).outOffset(-5).actMax(12).rounding(r)
                    .outMult(new int[] {HALF}).outShift(new byte[] {0});
            Conv2DNhwc.conv2dS8(in, OFF, w, 0, new int[] {4}, 0, out, OFF, p);
            assertArrayEquals(new int[] {5, 7, 3, 11, 12, 6, 6, 7, 2}, ints(out, OFF, 9));
        }
    }

    @Test
    void handDepthwiseS8MultiplierTwo() {
        byte[] in = bytes(OFF, 1, 2, 3, 4);
        byte[] w = bytes(0, 1, 2, 3, 4, 5, 6, 7, 8);
        byte[] out = new byte[OFF + 4];
        Conv2DNhwc.QParams p = new Conv2DNhwc.QParams().inH(1).inW(2).inC(2).outH(1).outW(1).outC(4)
                .kH(1).kW(2).depthMultiplier(2)
                .outMult(new int[] {HALF, HALF, HALF, HALF}).outShift(new byte[] {0, -1, 1, 0});
        Conv2DNhwc.depthwiseConv2dS8(in, OFF, w, 0, null, 0, out, OFF, p);
        assertArrayEquals(new int[] {8, 5, 34, 20}, ints(out, OFF, 4));
    }

    @Test
    void handFullyConnectedS8() {
        byte[] out = new byte[OFF + 2];
        FullyConnected.QParams p = new FullyConnected.QParams().inDepth(3).outDepth(2).inOffset(1)
                .outOffset(3).rounding(Quant.DOUBLE).outMult(new int[] {HALF}).outShift(new int[] {0});
        FullyConnected.fullyConnectedS8(bytes(OFF, 1, 2, 3), OFF, bytes(0, 1, 0, -1, 2, 2, 2), 0,
                new int[] {0, -17}, 0, out, OFF, p);
        assertArrayEquals(new int[] {2, 4}, ints(out, OFF, 2));
    }

    @Test
    void handTransposeConv() {
        byte[] in = bytes(OFF, 1, 2, 3, 4);
        byte[] w = bytes(0, 1, 1, 1, 1);
        byte[] out = new byte[OFF + 16];
        Conv2DNhwc.QParams p = new Conv2DNhwc.QParams().inH(2).inW(2).inC(1).outH(3).outW(3).outC(1)
                .kH(2).kW(2).outMult(new int[] {HALF}).outShift(new byte[] {1});
        TransposeConv.transposeConvS8(in, OFF, w, 0, null, 0, out, OFF, p);
        assertArrayEquals(new int[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, ints(out, OFF, 9));
        p.outH(4).outW(4).strideH(2).strideW(2);
        TransposeConv.transposeConvS8(in, OFF, w, 0, null, 0, out, OFF, p);
        assertArrayEquals(new int[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, ints(out, OFF, 16));
        float[] outF = new float[9];
        Conv2DNhwc.Params f = new Conv2DNhwc.Params().inH(2).inW(2).inC(1).outH(3).outW(3).outC(1)
                .kH(2).kW(2).actMax(6f);
        TransposeConv.transposeConvF32(new float[] {1, 2, 3, 4}, 0, new float[] {1, 1, 1, 1}, 0, null, 0,
                outF, 0, f);
        assertArrayEquals(new float[] {1, 3, 2, 4, 6, 6, 3, 6, 4}, outF);
    }

    // ---- LiteRT reference vectors ----

    /** One case of the vector file: its kind and its keyed integer arrays. */
    record Case(String name, String kind, Map<String, long[]> values) {
        long[] get(String key) {
            return values.get(key);
        }

        int[] ints(String key) {
            long[] v = values.get(key);
            if (v == null || v.length == 0) {
                return null;
            }
            int[] r = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = (int) v[i];
            }
            return r;
        }

        int one(String key) {
            return (int) values.get(key)[0];
        }

        float[] floats(String key) {
            int[] bits = ints(key);
            if (bits == null) {
                return null;
            }
            float[] r = new float[bits.length];
            for (int i = 0; i < bits.length; i++) {
                r[i] = Float.intBitsToFloat(bits[i]);
            }
            return r;
        }
    }

    /** Parses qkernel_vectors.txt (format in tools/qkernel_vectors.py). */
    static List<Case> readVectors() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream s = QConvKernelsTest.class.getResourceAsStream("/qkernel_vectors.txt")) {
            assertNotNull(s, "qkernel_vectors.txt is not on the test class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8));
            String line;
            String name = null;
            String kind = null;
            Map<String, long[]> values = null;
            while ((line = r.readLine()) != null) {
                String[] t = line.trim().split("\\s+");
                if (t[0].isEmpty() || t[0].startsWith("#")) {
                    continue;
                }
                if (t[0].equals("case")) {
                    name = t[1];
                    kind = t[2];
                    values = new LinkedHashMap<>();
                } else if (t[0].equals("end")) {
                    cases.add(new Case(name, kind, values));
                } else {
                    int n = Integer.parseInt(t[1]);
                    assertEquals(n, t.length - 2, "count of " + t[0] + " in " + name);
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = Long.parseLong(t[2 + i]);
                    }
                    values.put(t[0], v);
                }
            }
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> litertVectors() throws IOException {
        List<Case> cases = readVectors();
        assertTrue(cases.size() >= 30, "only " + cases.size() + " vector cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest("litert " + c.name(), () ->
                    assertArrayEquals(c.ints("output"), run(c, Quant.SINGLE), c.name())));
            if (c.get("output_tflm") != null) {
                tests.add(DynamicTest.dynamicTest("tflm " + c.name(), () ->
                        assertArrayEquals(c.ints("output_tflm"), run(c, Quant.DOUBLE), c.name())));
            }
        }
        assertTrue(tests.size() >= cases.size() + 20, "too few TFLite Micro outputs");
        return tests.stream();
    }

    private static <T extends Conv2DNhwc.Geometry<T>> T geometry(T p, int[] g) {
        return p.batch(g[0]).inH(g[1]).inW(g[2]).inC(g[3]).outH(g[4]).outW(g[5]).outC(g[6]).kH(g[7])
                .kW(g[8]).strideH(g[9]).strideW(g[10]).dilationH(g[11]).dilationW(g[12]).padTop(g[13])
                .padLeft(g[14]).depthMultiplier(g[15]);
    }

    /** Runs a case; the outputs as ints (float outputs as their bits). */
    static int[] run(Case c, int rounding) {
        int[] g = c.ints("geom");
        int[] in = c.ints("input");
        int[] w = c.ints("weights");
        int nOut = c.get("output").length;
        String op = c.kind().substring(0, c.kind().indexOf('_'));
        String type = c.kind().substring(c.kind().indexOf('_') + 1);
        if (type.equals("f32")) {
            float[] out = new float[nOut + OFF];
            float[] x = pad(c.floats("input"));
            float[] b = c.floats("bias");
            float[] act = c.floats("act_f32");
            if (op.equals("fc")) {
                FullyConnected.Params p = new FullyConnected.Params().batches(g[0]).inDepth(g[1])
                        .outDepth(g[2]).actMin(act[0]).actMax(act[1]);
                FullyConnected.fullyConnectedF32(x, OFF, c.floats("weights"), 0, b, 0, out, OFF, p);
            } else {
                Conv2DNhwc.Params p = geometry(new Conv2DNhwc.Params(), g).actMin(act[0]).actMax(act[1]);
                switch (op) {
                    case "conv" -> Conv2DNhwc.conv2dF32(x, OFF, c.floats("weights"), 0, b, 0, out, OFF, p);
                    case "dw" -> Conv2DNhwc.depthwiseConv2dF32(x, OFF, c.floats("weights"), 0, b, 0, out, OFF, p);
                    case "tconv" -> TransposeConv.transposeConvF32(x, OFF, c.floats("weights"), 0, b, 0, out, OFF, p);
                    default -> throw new AssertionError(c.kind());
                }
            }
            int[] r = new int[nOut];
            for (int i = 0; i < nOut; i++) {
                r[i] = Float.floatToRawIntBits(out[OFF + i]);
            }
            return r;
        }
        byte[] wb = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            wb[i] = (byte) w[i];
        }
        int inOffset = -c.one("in_zp");
        int outOffset = c.one("out_zp");
        int[] act = c.ints("act");
        int[] bias32 = c.ints("bias");
        long[] bias64 = c.get("bias");
        boolean s8 = type.equals("s8");
        byte[] xb = new byte[in.length + OFF];
        short[] xs = new short[in.length + OFF];
        for (int i = 0; i < in.length; i++) {
            xb[OFF + i] = (byte) in[i];
            xs[OFF + i] = (short) in[i];
        }
        byte[] ob = new byte[nOut + OFF];
        short[] os = new short[nOut + OFF];
        if (op.equals("fc")) {
            FullyConnected.QParams p = new FullyConnected.QParams().batches(g[0]).inDepth(g[1]).outDepth(g[2])
                    .inOffset(inOffset).outOffset(outOffset).actMin(act[0]).actMax(act[1])
                    .rounding(rounding).perChannel(c.one("per_channel") != 0)
                    .outMult(c.ints("mult")).outShift(c.ints("shift"));
            if (s8) {
                FullyConnected.fullyConnectedS8(xb, OFF, wb, 0, bias32, 0, ob, OFF, p);
            } else {
                FullyConnected.fullyConnectedS16(xs, OFF, wb, 0, bias64, 0, os, OFF, p);
            }
        } else {
            Conv2DNhwc.QParams p = geometry(new Conv2DNhwc.QParams(), g).inOffset(inOffset).outOffset(outOffset)
                    .actMin(act[0]).actMax(act[1]).rounding(rounding)
                    .outMult(c.ints("mult")).outShift(bytes(c.ints("shift")));
            switch (c.kind()) {
                case "conv_s8" -> Conv2DNhwc.conv2dS8(xb, OFF, wb, 0, bias32, 0, ob, OFF, p);
                case "conv_s16" -> Conv2DNhwc.conv2dS16(xs, OFF, wb, 0, bias64, 0, os, OFF, p);
                case "dw_s8" -> Conv2DNhwc.depthwiseConv2dS8(xb, OFF, wb, 0, bias32, 0, ob, OFF, p);
                case "dw_s16" -> Conv2DNhwc.depthwiseConv2dS16(xs, OFF, wb, 0, bias64, 0, os, OFF, p);
                case "tconv_s8" -> TransposeConv.transposeConvS8(xb, OFF, wb, 0, bias32, 0, ob, OFF, p);
                case "tconv_s16" -> TransposeConv.transposeConvS16(xs, OFF, wb, 0, bias64, 0, os, OFF, p);
                default -> throw new AssertionError(c.kind());
            }
        }
        int[] r = new int[nOut];
        for (int i = 0; i < nOut; i++) {
            r[i] = s8 ? ob[OFF + i] : os[OFF + i];
        }
        return r;
    }

    private static float[] pad(float[] x) {
        float[] r = new float[x.length + OFF];
        System.arraycopy(x, 0, r, OFF, x.length);
        return r;
    }
}
