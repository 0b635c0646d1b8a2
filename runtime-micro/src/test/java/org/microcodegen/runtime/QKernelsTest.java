package org.microcodegen.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * The Java integer elementwise and pooling kernels on the hand-worked cases of c/test/test_qkernels.c
 * (same inputs, same expected values), called at an offset into larger arrays as generated code
 * does. Both roundings where a kernel requantizes.
 */
class QKernelsTest {
    private static final int OFF = 3;

    private static byte[] b(int... v) {
        byte[] r = new byte[v.length + OFF];
        for (int i = 0; i < v.length; i++) {
            r[OFF + i] = (byte) v[i];
        }
        return r;
    }

    private static short[] s(int... v) {
        short[] r = new short[v.length + OFF];
        for (int i = 0; i < v.length; i++) {
            r[OFF + i] = (short) v[i];
        }
        return r;
    }

    private static int[] ints(byte[] a) {
        int[] r = new int[a.length - OFF];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[OFF + i];
        }
        return r;
    }

    private static int[] ints(short[] a) {
        int[] r = new int[a.length - OFF];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[OFF + i];
        }
        return r;
    }

    @Test
    void averagePoolRoundsTiesAwayFromZeroAndCountsOnlyCellsInside() {
        // 1x2 windows over pairs: +-3 / 2 -> +-2, +-1 / 2 -> +-1
        Pool2DNhwc.Params pairs = new Pool2DNhwc.Params().batch(4).inH(1).inW(2).channels(1).outH(1).outW(1)
                .kH(1).kW(2).actMin(-128).actMax(127);
        byte[] out = new byte[4 + OFF];
        Pool2DNhwc.avgpool2d(b(1, 2, -1, -2, 0, 1, 0, -1), OFF, out, OFF, pairs);
        assertArrayEquals(new int[] {2, -2, 1, -1}, ints(out));
        // 3x3 over a 3x3 grid with padding 1: corners see 4 cells, edges 6, the centre 9
        Pool2DNhwc.Params grid = new Pool2DNhwc.Params().batch(1).inH(3).inW(3).channels(1).outH(3).outW(3)
                .kH(3).kW(3).padTop(1).padLeft(1).actMin(-128).actMax(127);
        byte[] g = b(1, 2, 3, 4, 5, 6, 7, 8, 10);
        byte[] o9 = new byte[9 + OFF];
        Pool2DNhwc.avgpool2d(g, OFF, o9, OFF, grid);
        assertArrayEquals(new int[] {3, 4, 4, 5, 5, 6, 6, 7, 7}, ints(o9));
        Pool2DNhwc.avgpool2d(g, OFF, o9, OFF, grid.actMin(4).actMax(6));
        assertArrayEquals(new int[] {4, 4, 4, 5, 5, 6, 6, 6, 6}, ints(o9));
        // max: padding never wins over negative values; int16 lowest is -32768
        short[] neg = s(-5, -7, -9, -1, -3, -2, -8, -6, -4);
        short[] m = new short[9 + OFF];
        Pool2DNhwc.maxpool2d(neg, OFF, m, OFF, new Pool2DNhwc.Params().batch(1).inH(3).inW(3).channels(1)
                .outH(3).outW(3).kH(3).kW(3).padTop(1).padLeft(1).actMin(-32768).actMax(32767));
        assertArrayEquals(new int[] {-1, -1, -2, -1, -1, -2, -1, -1, -2}, ints(m));
    }

    @Test
    void requantizeOneTimesAQuarterDependsOnTheRounding() {
        // multiplier 2^30 with shift -1 is 0.25: single rounding gives 0, double rounds 0.5 up to 1 first
        Quantize.RequantizeParams p = new Quantize.RequantizeParams().mult(1 << 30).shift(-1).rounding(Quant.SINGLE);
        int[] out = new int[3];
        Quantize.quantize(s(1, -32768, 32767), OFF, out, 0, 3, p);
        assertArrayEquals(new int[] {0, -8192, 8192}, out);
        Quantize.quantize(s(1, -32768, 32767), OFF, out, 0, 3, p.rounding(Quant.DOUBLE));
        assertArrayEquals(new int[] {1, -8192, 8192}, out);
    }

    @Test
    void requantizeSaturatesToTheOutputType() {
        // (q + 1) * 2 + 5
        Quantize.RequantizeParams p = new Quantize.RequantizeParams().inZeroPoint(-1).outZeroPoint(5)
                .mult(1 << 30).shift(2).rounding(Quant.SINGLE);
        byte[] o8 = new byte[5 + OFF];
        Quantize.quantize(b(-128, -1, 0, 60, 127), OFF, o8, OFF, 5, p);
        assertArrayEquals(new int[] {-128, 5, 7, 127, 127}, ints(o8));
        short[] o16 = new short[5 + OFF];
        Quantize.quantize(b(-128, -1, 0, 60, 127), OFF, o16, OFF, 5, p);
        assertArrayEquals(new int[] {-249, 5, 7, 127, 261}, ints(o16));
    }

    @Test
    void quantizeAsOnnxRuntime() {
        // MlasQuantizeLinear: ties to even, NaN to the lowest value (the same cases as test_qkernels.c)
        float[] in = {1.25f, 1.75f, -1.25f, 0.0f, 1000.0f, -1000.0f, Float.NaN};
        Quantize.AffineParams p = new Quantize.AffineParams().scale(0.5f).zeroPoint(-3).rounding(Quant.FLOAT);
        byte[] o8 = new byte[7 + OFF];
        Quantize.quantize(in, 0, o8, OFF, 7, p);
        assertArrayEquals(new int[] {-1, 1, -5, -3, 127, -128, -128}, ints(o8));
    }

    @Test
    void quantizeRoundsHalfAwayFromZeroAndSaturates() {
        float[] in = {1.25f, -1.25f, 0.0f, 100.0f, -100.0f, 0.7499f, 1e30f};
        Quantize.AffineParams p = new Quantize.AffineParams().scale(0.5f).zeroPoint(-3);
        byte[] o8 = new byte[7 + OFF];
        Quantize.quantize(in, 0, o8, OFF, 7, p);
        assertArrayEquals(new int[] {0, -6, -3, 127, -128, -2, 127}, ints(o8));
        short[] o16 = new short[7 + OFF];
        Quantize.quantize(in, 0, o16, OFF, 7, p);
        assertArrayEquals(new int[] {0, -6, -3, 197, -203, -2, 32767}, ints(o16));
        float[] back = new float[2];
        Quantize.dequantize(o8, OFF, back, 0, 2, p);
        assertArrayEquals(new float[] {1.5f, -1.5f}, back);
        Quantize.dequantize(s(-32768, 32767), OFF, back, 0, 2, p);
        assertArrayEquals(new float[] {-16382.5f, 16385.0f}, back);
    }

    @Test
    void addAndSubBroadcastAndClamp() {
        // scales 0.5 everywhere: inputs times 2^30 * 2^-31, the sum times 2^30 * 2^-49: a + b exactly
        QBinary.AddParams p = new QBinary.AddParams().leftShift(20).in1Mult(1 << 30).in2Mult(1 << 30)
                .outMult(1 << 30).outShift(-18).actMin(-128).actMax(127)
                .bcRank(2).bcOutDims(2, 3).bcAStrides(3, 1).bcBStrides(1, 0);
        for (int r : new int[] {Quant.SINGLE, Quant.DOUBLE}) {
            byte[] o = new byte[6 + OFF];
            QBinary.add(b(10, -20, 100, 0, 127, -128), OFF, b(20, -100), OFF, o, OFF, p.rounding(r));
            assertArrayEquals(new int[] {30, 0, 120, -100, 27, -128}, ints(o));
            QBinary.sub(b(10, -20, 100, 0, 127, -128), OFF, b(20, -100), OFF, o, OFF, p.rounding(r));
            assertArrayEquals(new int[] {-10, -40, 80, 100, 127, -28}, ints(o));
        }
        QBinary.AddParams p16 = new QBinary.AddParams().leftShift(15).in1Mult(1 << 30).in2Mult(1 << 30)
                .outMult(1 << 30).outShift(-13).actMin(-30000).actMax(30000).rounding(Quant.DOUBLE)
                .bcRank(1).bcOutDims(3).bcAStrides(1).bcBStrides(1);
        short[] o16 = new short[3 + OFF];
        QBinary.add(s(20000, -32768, 5), OFF, s(20000, 32767, -7), OFF, o16, OFF, p16);
        assertArrayEquals(new int[] {30000, -1, -2}, ints(o16));
        QBinary.sub(s(20000, -32768, 5), OFF, s(20000, 32767, -7), OFF, o16, OFF, p16);
        assertArrayEquals(new int[] {0, -30000, 12}, ints(o16));
    }

    @Test
    void mulOffsetsBothInputs() {
        // (a - 1) * (b + 2) / 2 + 3; 5 * 3 / 2 = 7.5 -> 8
        QBinary.MulParams p = new QBinary.MulParams().in1Offset(-1).in2Offset(2).outOffset(3).outMult(1 << 30)
                .outShift(0).actMin(-128).actMax(127);
        for (int r : new int[] {Quant.SINGLE, Quant.DOUBLE}) {
            byte[] o = new byte[4 + OFF];
            QBinary.mul(b(6, 127, -128, 1), OFF, b(1, 127, 127, -128), OFF, o, OFF, p.rounding(r).bcRank(1).bcOutDims(4).bcAStrides(1).bcBStrides(1));
            assertArrayEquals(new int[] {11, 127, -128, 3}, ints(o));
        }
        short[] o16 = new short[2 + OFF];
        QBinary.mul(s(301, -300), OFF, s(-2, 100), OFF, o16, OFF, p.actMin(-32768).actMax(32767).bcOutDims(2));
        assertArrayEquals(new int[] {3, -15348}, ints(o16));
    }

    @Test
    void leakyReluAndRelu() {
        // identity 1.0 (2^30, shift 1), alpha 0.125 (2^30, shift -2); zero points 2 -> -1
        QActivation.LeakyReluParams p = new QActivation.LeakyReluParams().inZeroPoint(2).outZeroPoint(-1)
                .identityMult(1 << 30).identityShift(1).alphaMult(1 << 30).alphaShift(-2).rounding(Quant.SINGLE);
        byte[] o = new byte[5 + OFF];
        QActivation.leakyRelu(b(2, 127, -126, -2, 1), OFF, o, OFF, 5, p);
        assertArrayEquals(new int[] {-1, 124, -17, -1, -1}, ints(o));
        short[] o16 = new short[3 + OFF];
        QActivation.leakyRelu(s(32767, -32768, 0), OFF, o16, OFF, 3, p.inZeroPoint(0));
        assertArrayEquals(new int[] {32766, -4097, -1}, ints(o16));
        QActivation.ReluParams r = new QActivation.ReluParams().inZeroPoint(-128).outZeroPoint(-128)
                .mult(1 << 30).shift(1).actMin(-128).actMax(-8).rounding(Quant.DOUBLE);
        byte[] o4 = new byte[4 + OFF];
        QActivation.relu(b(-128, -100, -8, 127), OFF, o4, OFF, 4, r);
        assertArrayEquals(new int[] {-128, -100, -8, -8}, ints(o4));
    }

    @Test
    void meanOverHeightAndWidth() {
        // channel 0: (2 + 3 + 4 - 2) / 4 = 1.75 -> 2 (+1); channel 1: -6 / 4 = -1.5 -> -2 (+1)
        QReduce.MeanParams p = new QReduce.MeanParams().batch(1).inH(2).inW(2).channels(2).inZeroPoint(1)
                .outZeroPoint(1).mult(1 << 30).shift(1).divisor(4).rounding(Quant.SINGLE);
        byte[] o = new byte[2 + OFF];
        QReduce.meanHw(b(3, 0, 4, -1, 5, -1, -1, 0), OFF, o, OFF, p);
        assertArrayEquals(new int[] {3, -1}, ints(o));
        // 1/4 folded into the multiplier, divisor 1: -1.5 rounds up to -1 with single rounding
        QReduce.meanHw(b(3, 0, 4, -1, 5, -1, -1, 0), OFF, o, OFF, p.shift(-1).divisor(1));
        assertArrayEquals(new int[] {3, 0}, ints(o));
    }

    @Test
    void dataMovementOfBytesAndShorts() {
        byte[] x = b(1, 2, 3, 4, 5, 6);
        short[] y = s(-1, -2, -3, 300, 400, 500);
        Pad.Params pad = new Pad.Params().rank(2).inDims(2, 3).padBefore(1, 0).padAfter(0, 2).intValue(-7);
        byte[] p8 = new byte[15 + OFF];
        Pad.pad(x, OFF, p8, OFF, pad);
        assertArrayEquals(new int[] {-7, -7, -7, -7, -7, 1, 2, 3, -7, -7, 4, 5, 6, -7, -7}, ints(p8));
        short[] p16 = new short[15 + OFF];
        Pad.pad(y, OFF, p16, OFF, pad.intValue(0));
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, -1, -2, -3, 0, 0, 300, 400, 500, 0, 0}, ints(p16));

        Transpose.Params t = new Transpose.Params().rank(2).inDims(2, 3).perm(1, 0);
        byte[] t8 = new byte[6 + OFF];
        Transpose.transpose(x, OFF, t8, OFF, t);
        assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, ints(t8));
        short[] t16 = new short[6 + OFF];
        Transpose.transpose(y, OFF, t16, OFF, t);
        assertArrayEquals(new int[] {-1, 300, -2, 400, -3, 500}, ints(t16));

        StridedSlice.Params ss = new StridedSlice.Params().rank(2).inDims(2, 3).outDims(2, 2).begin(1, 0).strides(-1, 2);
        byte[] s8 = new byte[4 + OFF];
        StridedSlice.stridedSlice(x, OFF, s8, OFF, ss);
        assertArrayEquals(new int[] {4, 6, 1, 3}, ints(s8));
        short[] s16 = new short[4 + OFF];
        StridedSlice.stridedSlice(y, OFF, s16, OFF, ss);
        assertArrayEquals(new int[] {300, 500, -1, -3}, ints(s16));

        byte[] c8 = new byte[8 + OFF];
        Concat.part(x, OFF, 3, c8, OFF, 4, 2);
        Concat.part(b(9, 8), OFF, 1, c8, OFF + 3, 4, 2);
        assertArrayEquals(new int[] {1, 2, 3, 9, 4, 5, 6, 8}, ints(c8));
        short[] c16 = new short[8 + OFF];
        Concat.part(y, OFF, 3, c16, OFF, 4, 2);
        Concat.part(s(-9, -8), OFF, 1, c16, OFF + 3, 4, 2);
        assertArrayEquals(new int[] {-1, -2, -3, -9, 300, 400, 500, -8}, ints(c16));
    }
}
