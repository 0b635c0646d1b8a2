package org.microcodegen.runtime;

/**
 * Quantized LEAKY_RELU and the RELU family (RELU, RELU6, RELU_N1_TO_1) for int8 (byte[]) and int16
 * (short[]) (mc_qactivation.c), bit for bit TFLite's reference kernels.
 */
public final class QActivation {
    private QActivation() {
    }

    /** mc_qleaky_relu_params. */
    public static final class LeakyReluParams {
        int inZeroPoint;
        int outZeroPoint;
        int identityMult;
        int identityShift;
        int alphaMult;
        int alphaShift;
        int rounding;

        public LeakyReluParams inZeroPoint(int v) { inZeroPoint = v; return this; }
        public LeakyReluParams outZeroPoint(int v) { outZeroPoint = v; return this; }
        public LeakyReluParams identityMult(int v) { identityMult = v; return this; }
        public LeakyReluParams identityShift(int v) { identityShift = v; return this; }
        public LeakyReluParams alphaMult(int v) { alphaMult = v; return this; }
        public LeakyReluParams alphaShift(int v) { alphaShift = v; return this; }
        public LeakyReluParams rounding(int v) { rounding = v; return this; }
    }

    /** mc_qrelu_params. */
    public static final class ReluParams {
        int inZeroPoint;
        int outZeroPoint;
        int mult;
        int shift;
        int actMin = Integer.MIN_VALUE;
        int actMax = Integer.MAX_VALUE;
        int rounding;

        public ReluParams inZeroPoint(int v) { inZeroPoint = v; return this; }
        public ReluParams outZeroPoint(int v) { outZeroPoint = v; return this; }
        public ReluParams mult(int v) { mult = v; return this; }
        public ReluParams shift(int v) { shift = v; return this; }
        public ReluParams actMin(int v) { actMin = v; return this; }
        public ReluParams actMax(int v) { actMax = v; return this; }
        public ReluParams rounding(int v) { rounding = v; return this; }
    }

    /** Non-negative inputs (after the zero point) by the identity multiplier, negative by alpha's. */
    static int leakyRelu(int q, LeakyReluParams p) {
        final int v = q - p.inZeroPoint;
        final int r = v >= 0 ? Quant.requantize(v, p.identityMult, p.identityShift, p.rounding)
                             : Quant.requantize(v, p.alphaMult, p.alphaShift, p.rounding);
        return r + p.outZeroPoint;
    }

    static int relu(int q, ReluParams p) {
        final int r = Quant.requantize(q - p.inZeroPoint, p.mult, p.shift, p.rounding) + p.outZeroPoint;
        return Math.min(Math.max(r, p.actMin), p.actMax);
    }

    public static void leakyRelu(byte[] in, int inOff, byte[] out, int outOff, int n, LeakyReluParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (byte) Math.min(Math.max(leakyRelu(in[inOff + i], p), -128), 127);
        }
    }

    public static void leakyRelu(short[] in, int inOff, short[] out, int outOff, int n, LeakyReluParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (short) Math.min(Math.max(leakyRelu(in[inOff + i], p), -32768), 32767);
        }
    }

    public static void relu(byte[] in, int inOff, byte[] out, int outOff, int n, ReluParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (byte) relu(in[inOff + i], p);
        }
    }

    public static void relu(short[] in, int inOff, short[] out, int outOff, int n, ReluParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (short) relu(in[inOff + i], p);
        }
    }
}
