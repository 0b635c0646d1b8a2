package org.microcodegen.runtime;

/**
 * Quantized softmax over the last axis of [outer][depth], bit for bit TFLite's reference kernels
 * (mc_qsoftmax.c): int8 input through gemmlowp's fixed-point exp, int16 input through the exp and
 * 1/(1+x) tables the compiler computes. See mc_qsoftmax.h for the parameters.
 */
public final class QSoftmax {
    private QSoftmax() {
    }

    private static final int SCALED_DIFF_INTEGER_BITS = 5;
    private static final int ACCUMULATION_INTEGER_BITS = 12;

    /** mc_qsoftmax_params. */
    public static final class Params {
        int outer = 1;
        int depth;
        int inputMultiplier;
        int inputLeftShift;
        int diffMin;
        int rounding = Quant.SINGLE;
        short[] expLut;
        short[] oneOverOnePlusXLut;

        public Params outer(int v) { outer = v; return this; }
        public Params depth(int v) { depth = v; return this; }
        public Params inputMultiplier(int v) { inputMultiplier = v; return this; }
        public Params inputLeftShift(int v) { inputLeftShift = v; return this; }
        public Params diffMin(int v) { diffMin = v; return this; }
        public Params rounding(int v) { rounding = v; return this; }
        public Params expLut(short[] v) { expLut = v; return this; }
        public Params oneOverOnePlusXLut(short[] v) { oneOverOnePlusXLut = v; return this; }
    }

    private static int expOfDiff(int diff, Params p) {
        int scaled = Quant.requantize(diff, p.inputMultiplier, p.inputLeftShift, p.rounding);
        return QFixedPoint.expOnNegativeValues(scaled, SCALED_DIFF_INTEGER_BITS);
    }

    /** One int8 row into result[0..depth); outBits 8 or 16, outMin the output type's minimum. */
    private static void rowS8(byte[] in, int x, Params p, int outBits, int outMin, int[] result) {
        int max = -128;
        for (int c = 0; c < p.depth; ++c) {
            max = Math.max(max, in[x + c]);
        }
        int sumOfExps = 0;
        for (int c = 0; c < p.depth; ++c) {
            int diff = in[x + c] - max;
            if (diff >= p.diffMin) {
                sumOfExps += Quant.roundingDivideByPot(expOfDiff(diff, p), ACCUMULATION_INTEGER_BITS);
            }
        }
        int headroomPlusOne = Integer.numberOfLeadingZeros(sumOfExps);
        int shiftedScale = QFixedPoint.oneOverOnePlusXForXIn01((sumOfExps << headroomPlusOne) - Integer.MIN_VALUE);
        int exponent = (ACCUMULATION_INTEGER_BITS - headroomPlusOne) + 31 - outBits;
        for (int c = 0; c < p.depth; ++c) {
            int diff = in[x + c] - max;
            if (diff >= p.diffMin) {
                int unsat = Quant.roundingDivideByPot(QFixedPoint.mul(shiftedScale, expOfDiff(diff, p)), exponent);
                result[c] = Quant.clamp(unsat + outMin, outMin, -outMin - 1);
            } else {
                result[c] = outMin;
            }
        }
    }

    public static void softmaxS8(byte[] in, int inOff, byte[] out, int outOff, Params p) {
        int[] row = new int[p.depth];
        for (int o = 0; o < p.outer; ++o) {
            rowS8(in, inOff + o * p.depth, p, 8, -128, row);
            for (int c = 0; c < p.depth; ++c) {
                out[outOff + o * p.depth + c] = (byte) row[c];
            }
        }
    }

    public static void softmaxS8S16(byte[] in, int inOff, short[] out, int outOff, Params p) {
        int[] row = new int[p.depth];
        for (int o = 0; o < p.outer; ++o) {
            rowS8(in, inOff + o * p.depth, p, 16, -32768, row);
            for (int c = 0; c < p.depth; ++c) {
                out[outOff + o * p.depth + c] = (short) row[c];
            }
        }
    }

    public static void softmaxS16(short[] in, int inOff, short[] out, int outOff, Params p) {
        for (int o = 0; o < p.outer; ++o) {
            int x = inOff + o * p.depth;
            int y = outOff + o * p.depth;
            int max = -32768;
            for (int c = 0; c < p.depth; ++c) {
                max = Math.max(max, in[x + c]);
            }
            int sumOfExps = 0;
            for (int c = 0; c < p.depth; ++c) {
                int scaled = Quant.requantize(in[x + c] - max, p.inputMultiplier, p.inputLeftShift, p.rounding);
                short e = QFixedPoint.lutLookup((short) Quant.clamp(scaled + 32767, -32768, 32767), p.expLut);
                out[y + c] = e;
                sumOfExps += e;
            }
            int headroomPlusOne = Integer.numberOfLeadingZeros(sumOfExps);
            int shiftedSum = (int) ((((long) sumOfExps << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
            short reciprocal = QFixedPoint.lutLookup(
                    (short) Quant.clamp(shiftedSum - ((1 << 15) + (1 << 16)), -32768, 32767), p.oneOverOnePlusXLut);
            int rightShift = 31 - headroomPlusOne;
            for (int c = 0; c < p.depth; ++c) {
                long product = (long) out[y + c] * reciprocal + (1L << (rightShift - 1));
                out[y + c] = (short) Quant.clamp((int) (product >> rightShift), 0, 32767);
            }
        }
    }
}
