package org.microcodegen.runtime;

/**
 * FULLY_CONNECTED as TFLite's reference kernels compute it (mc_fully_connected.c):
 * out[b][o] = sum over i of in[b][i] * w[o][i], + bias[o], requantized (integer) and clamped.
 * Weights [outDepth][inDepth]; bias may be null.
 */
public final class FullyConnected {
    private FullyConnected() {
    }

    /** mc_qfc_params: outMult/outShift hold one entry, or one per output when perChannel. */
    public static final class QParams {
        int batches = 1;
        int inDepth;
        int outDepth;
        int inOffset;
        int outOffset;
        int actMin = -128;
        int actMax = 127;
        int rounding = Quant.SINGLE;
        boolean perChannel;
        int[] outMult;
        int[] outShift;

        public QParams batches(int v) { batches = v; return this; }
        public QParams inDepth(int v) { inDepth = v; return this; }
        public QParams outDepth(int v) { outDepth = v; return this; }
        public QParams inOffset(int v) { inOffset = v; return this; }
        public QParams outOffset(int v) { outOffset = v; return this; }
        public QParams actMin(int v) { actMin = v; return this; }
        public QParams actMax(int v) { actMax = v; return this; }
        public QParams rounding(int v) { rounding = v; return this; }
        public QParams perChannel(boolean v) { perChannel = v; return this; }
        /** As generated code sets it (the C field is an int32_t flag). */
        public QParams perChannel(int v) { perChannel = v != 0; return this; }
        public QParams outMult(int[] v) { outMult = v; return this; }
        public QParams outShift(int[] v) { outShift = v; return this; }
    }

    /** mc_fc_params. */
    public static final class Params {
        int batches = 1;
        int inDepth;
        int outDepth;
        float actMin = Float.NEGATIVE_INFINITY;
        float actMax = Float.POSITIVE_INFINITY;

        public Params batches(int v) { batches = v; return this; }
        public Params inDepth(int v) { inDepth = v; return this; }
        public Params outDepth(int v) { outDepth = v; return this; }
        public Params actMin(float v) { actMin = v; return this; }
        public Params actMax(float v) { actMax = v; return this; }
    }

    /** int8: sum of w * (x + inOffset) in int32, + bias, requantized, + outOffset, clamped. */
    public static void fullyConnectedS8(byte[] in, int inOff, byte[] w, int wOff, int[] bias, int biasOff,
                                        byte[] out, int outOff, QParams p) {
        int o = outOff;
        for (int b = 0; b < p.batches; ++b) {
            int x = inOff + b * p.inDepth;
            for (int oc = 0; oc < p.outDepth; ++oc) {
                int wo = wOff + oc * p.inDepth;
                int c = p.perChannel ? oc : 0;
                int acc = 0;
                for (int i = 0; i < p.inDepth; ++i) {
                    acc += w[wo + i] * (in[x + i] + p.inOffset);
                }
                if (bias != null) {
                    acc += bias[biasOff + oc];
                }
                acc = Quant.requantize(acc, p.outMult[c], p.outShift[c], p.rounding) + p.outOffset;
                out[o++] = (byte) Quant.clamp(acc, p.actMin, p.actMax);
            }
        }
    }

    /**
     * 16x8: sum of w * x in int64, + the int64 bias, requantized as the chosen reference does it
     * (LiteRT, single rounding: the full multiplier; TFLite Micro: the 16-bit one), clamped.
     */
    public static void fullyConnectedS16(short[] in, int inOff, byte[] w, int wOff, long[] bias, int biasOff,
                                         short[] out, int outOff, QParams p) {
        int o = outOff;
        for (int b = 0; b < p.batches; ++b) {
            int x = inOff + b * p.inDepth;
            for (int oc = 0; oc < p.outDepth; ++oc) {
                int wo = wOff + oc * p.inDepth;
                int c = p.perChannel ? oc : 0;
                long acc = 0;
                for (int i = 0; i < p.inDepth; ++i) {
                    acc += w[wo + i] * in[x + i];
                }
                if (bias != null) {
                    acc += bias[biasOff + oc];
                }
                int v = p.rounding == Quant.SINGLE
                        ? Quant.requantize64Full(acc, p.outMult[c], p.outShift[c])
                        : Quant.requantize64(acc, p.outMult[c], p.outShift[c], p.rounding);
                out[o++] = (short) Quant.clamp(v, p.actMin, p.actMax);
            }
        }
    }

    /** float: the sum in input order, + bias, clamped. */
    public static void fullyConnectedF32(float[] in, int inOff, float[] w, int wOff, float[] bias, int biasOff,
                                         float[] out, int outOff, Params p) {
        int o = outOff;
        for (int b = 0; b < p.batches; ++b) {
            int x = inOff + b * p.inDepth;
            for (int oc = 0; oc < p.outDepth; ++oc) {
                int wo = wOff + oc * p.inDepth;
                float acc = 0.0f;
                for (int i = 0; i < p.inDepth; ++i) {
                    acc += in[x + i] * w[wo + i];
                }
                float v = acc + (bias != null ? bias[biasOff + oc] : 0.0f);
                out[o++] = v < p.actMin ? p.actMin : (v > p.actMax ? p.actMax : v);
            }
        }
    }
}
