package org.microcodegen.runtime;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java kernels against hand-worked values and against naive oracles that test every tap or cell
 * for bounds and index tensors by their full coordinates (the same intent as c/test for the C kernels).
 * Sums in the oracles run in the kernels' documented order, so results must be identical, not close.
 * Every kernel is called at a non-zero offset into a larger array, as the generated code does.
 */
class JavaKernelsTest {
    private static final int OFF = 7;
    private final Random random = new Random(42);

    private float[] randoms(int n) {
        float[] a = new float[n + 2 * OFF];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static float[] slice(float[] a, int off, int n) {
        float[] s = new float[n];
        System.arraycopy(a, off, s, 0, n);
        return s;
    }

    @Test
    void fusedActivations() {
        assertEquals(0.0f, Act.apply(-1.5f, Act.RELU));
        assertEquals(6.0f, Act.apply(7.0f, Act.RELU6));
        assertEquals(0.0f, Act.apply(Float.NaN, Act.RELU));
        assertEquals(-2.0f, Act.apply(-2.0f, Act.NONE));
    }

    @Test
    void conv2dHandWorked() {
        // 1x1x3x3 input 1..9, one 2x2 kernel of ones, bias 0.5, stride 1: window sums + 0.5.
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 1, 1, 1};
        float[] bias = {0.5f};
        float[] out = new float[4];
        Conv2D.Params p = new Conv2D.Params().batch(1).inC(1).inH(3).inW(3).outC(1).outH(2).outW(2).kH(2).kW(2);
        Conv2D.conv2d(in, 0, w, 0, bias, 0, out, 0, p);
        assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, out);
    }

    /** The oracle: bias + taps in order input channel, kernel row, kernel column, skipping padding. */
    private static void conv2dOracle(float[] in, float[] w, float[] bias, float[] out, int batch, int inC, int inH, int inW,
                                     int outC, int outH, int outW, int kH, int kW, int sH, int sW, int dH, int dW,
                                     int padT, int padL, int groups, int act) {
        int icg = inC / groups;
        int ocg = outC / groups;
        for (int b = 0; b < batch; b++) {
            for (int oc = 0; oc < outC; oc++) {
                for (int oh = 0; oh < outH; oh++) {
                    for (int ow = 0; ow < outW; ow++) {
                        float acc = bias == null ? 0.0f : bias[oc];
                        for (int ic = 0; ic < icg; ic++) {
                            int c = (oc / ocg) * icg + ic;
                            for (int kh = 0; kh < kH; kh++) {
                                for (int kw = 0; kw < kW; kw++) {
                                    int ih = oh * sH - padT + kh * dH;
                                    int iw = ow * sW - padL + kw * dW;
                                    if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
                                        acc += in[((b * inC + c) * inH + ih) * inW + iw] * w[((oc * icg + ic) * kH + kh) * kW + kw];
                                    }
                                }
                            }
                        }
                        out[((b * outC + oc) * outH + oh) * outW + ow] = Act.apply(acc, act);
                    }
                }
            }
        }
    }

    @Test
    void conv2dMatchesOracle() {
        // batch, inC, inH, inW, outC, kH, kW, sH, sW, dH, dW, padT, padL, padB, padR, groups, act, bias
        int[][] cases = {
                {1, 3, 9, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, Act.RELU, 1},   // same padding
                {2, 4, 10, 7, 6, 3, 2, 2, 1, 2, 1, 2, 0, 1, 1, 2, Act.NONE, 0},  // grouped, dilated, asymmetric
                {1, 5, 6, 6, 10, 3, 3, 2, 2, 1, 1, 1, 1, 0, 0, 5, Act.RELU6, 1}, // depthwise, multiplier 2
                {1, 8, 5, 5, 6, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, Act.NONE, 1},   // pointwise
                {1, 2, 3, 3, 2, 5, 5, 1, 1, 1, 1, 3, 3, 3, 3, 1, Act.NONE, 0},   // kernel wider than the input
        };
        for (int[] c : cases) {
            int batch = c[0], inC = c[1], inH = c[2], inW = c[3], outC = c[4], kH = c[5], kW = c[6], sH = c[7], sW = c[8];
            int dH = c[9], dW = c[10], padT = c[11], padL = c[12], padB = c[13], padR = c[14], groups = c[15], act = c[16];
            int outH = (inH + padT + padB - (kH - 1) * dH - 1) / sH + 1;
            int outW = (inW + padL + padR - (kW - 1) * dW - 1) / sW + 1;
            int inN = batch * inC * inH * inW;
            int wN = outC * (inC / groups) * kH * kW;
            int outN = batch * outC * outH * outW;
            float[] in = randoms(inN);
            float[] w = randoms(wN);
            float[] bias = c[17] == 1 ? randoms(outC) : null;
            float[] out = new float[outN + OFF];
            Conv2D.Params p = new Conv2D.Params().batch(batch).inC(inC).inH(inH).inW(inW).outC(outC).outH(outH).outW(outW)
                    .kH(kH).kW(kW).strideH(sH).strideW(sW).dilationH(dH).dilationW(dW).padTop(padT).padLeft(padL)
                    .groups(groups).act(act);
            Conv2D.conv2d(in, OFF, w, OFF, bias, OFF, out, OFF, p);
            float[] ref = new float[outN];
            conv2dOracle(slice(in, OFF, inN), slice(w, OFF, wN), bias == null ? null : slice(bias, OFF, outC), ref,
                    batch, inC, inH, inW, outC, outH, outW, kH, kW, sH, sW, dH, dW, padT, padL, groups, act);
            assertArrayEquals(ref, slice(out, OFF, outN), () -> "conv case " + java.util.Arrays.toString(c));
        }
    }

    @Test
    void poolingHandWorked() {
        // 1x1x3x3 input 1..9, 2x2 windows, stride 2, padding 1 on top/left: windows cover 1, 2..3, 4..7, 5..9.
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Pool2D.Params p = new Pool2D.Params().batch(1).channels(1).inH(3).inW(3).outH(2).outW(2).kH(2).kW(2)
                .strideH(2).strideW(2).padTop(1).padLeft(1);
        float[] out = new float[4];
        Pool2D.maxpool2d(in, 0, out, 0, p);
        assertArrayEquals(new float[] {1, 3, 7, 9}, out);
        Pool2D.avgpool2d(in, 0, out, 0, p);
        assertArrayEquals(new float[] {1, 2.5f, 5.5f, 7}, out);
        Pool2D.avgpool2d(in, 0, out, 0, p.countIncludePad(1));
        assertArrayEquals(new float[] {0.25f, 1.25f, 2.75f, 7}, out);
    }

    @Test
    void poolingWindowInPaddingGivesZero() {
        float[] in = {-3, -4};
        Pool2D.Params p = new Pool2D.Params().batch(1).channels(1).inH(1).inW(2).outH(1).outW(3).kH(1).kW(1)
                .strideW(2).padLeft(1);
        float[] out = new float[3];
        Pool2D.maxpool2d(in, 0, out, 0, p);
        assertArrayEquals(new float[] {0, -4, 0}, out);
    }

    @Test
    void matmulMatchesOracleForEveryTranspose() {
        int m = 3, k = 11, n = 13;
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                float[] a = randoms(m * k);
                float[] b = randoms(k * n);
                float[] bias = randoms(n);
                float[] out = new float[m * n + OFF];
                MatMul.matmul(a, OFF, b, OFF, bias, OFF, out, OFF, m, k, n, ta, tb, Act.RELU);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float s = 0.0f;
                        for (int kk = 0; kk < k; kk++) {
                            float av = ta == 1 ? a[OFF + kk * m + i] : a[OFF + i * k + kk];
                            float bv = tb == 1 ? b[OFF + j * k + kk] : b[OFF + kk * n + j];
                            s += av * bv;
                        }
                        assertEquals(Act.apply(s + bias[OFF + j], Act.RELU), out[OFF + i * n + j], "ta " + ta + " tb " + tb);
                    }
                }
            }
        }
        float[] out = new float[1];
        MatMul.matmul(new float[] {1, 2}, 0, new float[] {3, 4}, 0, null, 0, out, 0, 1, 2, 1, 0, 0, Act.NONE);
        assertEquals(11.0f, out[0]);
    }

    @Test
    void denseIsMatmulWithBReadTransposed() {
        // a[1][2] = {1, 2}; b[3][2] (nn.Dense: out x in) = {1, 0, 0, 1, 2, -1}; bias {0.5, 0, -10}.
        float[] out = new float[3];
        MatMul.matmulDense(new float[] {1, 2}, 0, new float[] {1, 0, 0, 1, 2, -1}, 0, new float[] {0.5f, 0, -10}, 0,
                out, 0, 1, 2, 3, Act.RELU);
        assertArrayEquals(new float[] {1.5f, 2.0f, 0.0f}, out);
    }

    @Test
    void binaryBroadcastMatchesOracle() {
        // out [2,3,4]; a is [2,1,4] (broadcast along axis 1), b is [3,1] (broadcast along 0 and 2).
        int[] dims = {2, 3, 4};
        int[] aStrides = {4, 0, 1};
        int[] bStrides = {0, 1, 0};
        float[] a = randoms(8);
        float[] b = randoms(3);
        Binary.Params p = new Binary.Params().rank(3).outDims(dims).aStrides(aStrides).bStrides(bStrides);
        float[][] results = new float[6][24 + OFF];
        Binary.add(a, OFF, b, OFF, results[0], OFF, p);
        Binary.sub(a, OFF, b, OFF, results[1], OFF, p);
        Binary.mul(a, OFF, b, OFF, results[2], OFF, p);
        Binary.div(a, OFF, b, OFF, results[3], OFF, p);
        Binary.maximum(a, OFF, b, OFF, results[4], OFF, p);
        Binary.minimum(a, OFF, b, OFF, results[5], OFF, p);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int l = 0; l < 4; l++) {
                    float x = a[OFF + i * 4 + l];
                    float y = b[OFF + j];
                    int o = OFF + (i * 3 + j) * 4 + l;
                    assertEquals(x + y, results[0][o]);
                    assertEquals(x - y, results[1][o]);
                    assertEquals(x * y, results[2][o]);
                    assertEquals(x / y, results[3][o]);
                    assertEquals(Math.max(x, y), results[4][o]);
                    assertEquals(Math.min(x, y), results[5][o]);
                }
            }
        }
    }

    @Test
    void binaryInPlaceOverNonBroadcastOperand() {
        float[] a = {1, 2, 3, 4};
        Binary.Params p = new Binary.Params().rank(2).outDims(2, 2).aStrides(2, 1).bStrides(0, 0);
        Binary.mul(a, 0, new float[] {10}, 0, a, 0, p);
        assertArrayEquals(new float[] {10, 20, 30, 40}, a);
    }

    @Test
    void softmaxBatchNormBiasAddActivations() {
        float[] x = {0, (float) Math.log(3)};
        float[] y = new float[2];
        Softmax.softmax(x, 0, y, 0, 1, 2, 1);
        assertEquals(0.25f, y[0], 1e-7f);
        assertEquals(0.75f, y[1], 1e-7f);

        // [1][2][2]: channel c: (x - mean) / sqrt(var + eps) * scale + offset
        float[] in = {1, 3, 5, 7};
        float[] out = new float[4];
        BatchNorm.batchnorm(in, 0, new float[] {2, 1}, 0, new float[] {0, 1}, 0, new float[] {2, 6}, 0,
                new float[] {4, 1}, 0, 0.0f, out, 0, 1, 2, 2);
        assertArrayEquals(new float[] {-1, 1, 0, 2}, out);

        float[] b = new float[4];
        BiasAdd.biasAdd(in, 0, new float[] {10, 20}, 0, b, 0, 1, 2, 2);
        assertArrayEquals(new float[] {11, 13, 25, 27}, b);

        float[] v = {-4, -1, 0.5f, 8};
        float[] r = new float[4];
        Activation.relu6(v, 0, r, 0, 4);
        assertArrayEquals(new float[] {0, 0, 0.5f, 6}, r);
        Activation.hswish(v, 0, r, 0, 4);
        assertArrayEquals(new float[] {-0.0f, -1 * 2 / 6.0f, 0.5f * 3.5f / 6.0f, 8}, r);
        Activation.hsigmoid(v, 0, r, 0, 4);
        assertArrayEquals(new float[] {0, 2 / 6.0f, 3.5f / 6.0f, 1}, r);
        Activation.leakyRelu(v, 0, r, 0, 4, 0.5f);
        assertArrayEquals(new float[] {-2, -0.5f, 0.5f, 8}, r);
        Activation.abs(v, 0, r, 0, 4);
        assertArrayEquals(new float[] {4, 1, 0.5f, 8}, r);
        Activation.sigmoid(new float[] {0}, 0, r, 0, 1);
        assertEquals(0.5f, r[0]);
        Activation.tanh(new float[] {0}, 0, r, 0, 1);
        assertEquals(0.0f, r[0]);
        Activation.relu(v, 0, v, 0, 4);
        assertArrayEquals(new float[] {0, 0, 0.5f, 8}, v);
    }

    @Test
    void transposeStridedSlicePadReduceConcatCopy() {
        float[] in = new float[24];
        for (int i = 0; i < 24; i++) {
            in[i] = i;
        }
        // [2,3,4] -> perm (2,0,1) -> [4,2,3]: out[l][i][j] = in[i][j][l]
        float[] t = new float[24];
        Transpose.transpose(in, 0, t, 0, new Transpose.Params().rank(3).inDims(2, 3, 4).perm(2, 0, 1));
        for (int l = 0; l < 4; l++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(in[(i * 3 + j) * 4 + l], t[(l * 2 + i) * 3 + j]);
                }
            }
        }
        // [2,3,4][1:2, ::2, ::-2]: begin (1, 0, 3), strides (1, 2, -2), out [1,2,2]
        float[] s = new float[4];
        StridedSlice.stridedSlice(in, 0, s, 0, new StridedSlice.Params().rank(3).inDims(2, 3, 4).outDims(1, 2, 2)
                .begin(1, 0, 3).strides(1, 2, -2));
        assertArrayEquals(new float[] {15, 13, 23, 21}, s);
        // [2,2] padded (1,0) x (0,1) with 9: [[9,9,9],[0,1,9],[2,3,9]]
        float[] pd = new float[9];
        Pad.pad(new float[] {0, 1, 2, 3}, 0, pd, 0, new Pad.Params().rank(2).inDims(2, 2).padBefore(1, 0).padAfter(0, 1).value(9));
        assertArrayEquals(new float[] {9, 9, 9, 0, 1, 9, 2, 3, 9}, pd);
        // mean of [2,3,4] over axes 0 and 2 -> [3]
        float[] mean = new float[3];
        Reduce.reduceMean(in, 0, mean, 0, new Reduce.Params().rank(3).inDims(2, 3, 4).reduced(1, 0, 1));
        assertArrayEquals(new float[] {(0 + 1 + 2 + 3 + 12 + 13 + 14 + 15) / 8.0f, 11.5f, 15.5f}, mean);
        // over axis 1 only -> [2,4]
        float[] mean1 = new float[8];
        Reduce.reduceMean(in, 0, mean1, 0, new Reduce.Params().rank(3).inDims(2, 3, 4).reduced(0, 1, 0));
        assertArrayEquals(new float[] {4, 5, 6, 7, 16, 17, 18, 19}, mean1);
        // [2][1] and [2][2] concatenated on axis 1 -> [2][3]
        float[] cat = new float[6];
        Concat.part(new float[] {1, 2}, 0, 1, cat, 0, 3, 2);
        Concat.part(new float[] {3, 4, 5, 6}, 0, 2, cat, 1, 3, 2);
        assertArrayEquals(new float[] {1, 3, 4, 2, 5, 6}, cat);
        float[] cp = new float[3];
        Copy.copy(in, 5, cp, 0, 3);
        assertArrayEquals(new float[] {5, 6, 7}, cp);
    }

    @Test
    void checkSize() {
        Check.size(new float[4], 4, "x");
        assertThrows(NullPointerException.class, () -> Check.size((float[]) null, 1, "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Check.size(new float[3], 4, "x"));
        assertTrue(e.getMessage().contains("x has 3 floats; the model needs 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Check.size(new byte[3], 4, "q"));
        assertTrue(e.getMessage().contains("q has 3 bytes; the model needs 4"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Check.size((long[]) null, 1, "x"));
    }

    @Test
    void copiesEveryArrayTypeBitForBit() {
        byte[] b = new byte[3];
        Copy.copy(new byte[] {-128, 1, 127, 9}, 1, b, 1, 2);
        assertArrayEquals(new byte[] {0, 1, 127}, b);
        long[] l = new long[2];
        Copy.copy(new long[] {Long.MIN_VALUE, 7}, 0, l, 0, 2);
        assertArrayEquals(new long[] {Long.MIN_VALUE, 7}, l);
    }

    // ---------------------------------------------------------------- weights

    private static byte[] littleEndian(float... values) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        return bb.array();
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /**
     * A loader that defines its own copy of {@link Holder} and serves {@code bytes} (or nothing, when null)
     * as every "*.weights" resource: Weights.load looks the resource up through the owner class's loader.
     */
    private static final class ServingLoader extends ClassLoader {
        private final byte[] bytes;

        ServingLoader(byte[] bytes) {
            super(JavaKernelsTest.class.getClassLoader());
            this.bytes = bytes;
        }

        Class<?> holder() throws java.io.IOException {
            String file = Holder.class.getName().replace('.', '/') + ".class";
            try (InputStream in = getParent().getResourceAsStream(file)) {
                byte[] cls = in.readAllBytes();
                return defineClass(Holder.class.getName(), cls, 0, cls.length);
            }
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            if (!name.endsWith(".weights")) {
                return super.getResourceAsStream(name);
            }
            return bytes == null ? null : new ByteArrayInputStream(bytes);
        }
    }

    static final class Holder {
    }

    @Test
    void weightsLoadBitExact() {
        float nan = Float.intBitsToFloat(0x7fc00123);
        byte[] b = littleEndian(1.5f, -0.0f, nan, Float.MIN_VALUE);
        float[] w = WeightsProbe.load(b, 4, crc(b));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(w[1]));
        assertEquals(0x7fc00123, Float.floatToRawIntBits(w[2]));
        assertEquals(Float.MIN_VALUE, w[3]);
    }

    @Test
    void weightsFailLoudly() {
        byte[] b = littleEndian(1, 2, 3);
        long crc = crc(b);
        byte[] corrupt = b.clone();
        corrupt[5] ^= 1;
        assertMessage(() -> WeightsProbe.load(corrupt, 3, crc), "is corrupt: CRC32");
        assertMessage(() -> WeightsProbe.load(java.util.Arrays.copyOf(b, 10), 3, crc), "is truncated: 10 bytes, expected 12");
        assertMessage(() -> WeightsProbe.load(java.util.Arrays.copyOf(b, 16), 3, crc), "is longer than the 12 bytes");
        assertMessage(() -> WeightsProbe.load(null, 3, crc), "is missing");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String expected) {
        IllegalStateException ex = assertThrows(IllegalStateException.class, e);
        assertTrue(ex.getMessage().contains(expected) && ex.getMessage().contains("test.weights"), ex.getMessage());
    }

    /** Serves the given bytes as the resource "test.weights" of a stand-in owner class. */
    private static final class WeightsProbe {
        static float[] load(byte[] bytes, int floats, long crc) {
            Class<?> owner;
            try {
                owner = new ServingLoader(bytes).holder();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return Weights.load(owner, "test.weights", floats, crc);
        }
    }
}
