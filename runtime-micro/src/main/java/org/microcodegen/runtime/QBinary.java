package org.microcodegen.runtime;

/**
 * Quantized ADD, SUB and MUL for int8 (byte[]) and int16 (short[]) with broadcasting (mc_qbinary.c),
 * bit for bit TFLite's reference kernels. Broadcasting is described by a {@link Binary.Params}
 * (mc_bcast); the quantization by {@link AddParams} or {@link MulParams}, derived at compile time.
 */
public final class QBinary {
    private static final int ADD = 0;
    private static final int SUB = 1;
    private static final int MUL = 2;

    private QBinary() {
    }

    /** mc_qadd_params (ADD and SUB). */
    public static final class AddParams {
        /** The broadcast (mc_bcast), set field by field as the C struct's nested bc is. */
        final Binary.Params bc = new Binary.Params();
        int leftShift;
        int in1Offset;
        int in1Mult;
        int in1Shift;
        int in2Offset;
        int in2Mult;
        int in2Shift;
        int outOffset;
        int outMult;
        int outShift;
        int actMin = Integer.MIN_VALUE;
        int actMax = Integer.MAX_VALUE;
        int rounding;

        public AddParams leftShift(int v) { leftShift = v; return this; }
        public AddParams in1Offset(int v) { in1Offset = v; return this; }
        public AddParams in1Mult(int v) { in1Mult = v; return this; }
        public AddParams in1Shift(int v) { in1Shift = v; return this; }
        public AddParams in2Offset(int v) { in2Offset = v; return this; }
        public AddParams in2Mult(int v) { in2Mult = v; return this; }
        public AddParams in2Shift(int v) { in2Shift = v; return this; }
        public AddParams outOffset(int v) { outOffset = v; return this; }
        public AddParams outMult(int v) { outMult = v; return this; }
        public AddParams outShift(int v) { outShift = v; return this; }
        public AddParams actMin(int v) { actMin = v; return this; }
        public AddParams actMax(int v) { actMax = v; return this; }
        public AddParams rounding(int v) { rounding = v; return this; }
        public AddParams bcRank(int v) { bc.rank(v); return this; }
        public AddParams bcOutDims(int... v) { bc.outDims(v); return this; }
        public AddParams bcAStrides(int... v) { bc.aStrides(v); return this; }
        public AddParams bcBStrides(int... v) { bc.bStrides(v); return this; }
    }

    /** mc_qmul_params. */
    public static final class MulParams {
        /** The broadcast (mc_bcast), set field by field as the C struct's nested bc is. */
        final Binary.Params bc = new Binary.Params();
        int in1Offset;
        int in2Offset;
        int outOffset;
        int outMult;
        int outShift;
        int actMin = Integer.MIN_VALUE;
        int actMax = Integer.MAX_VALUE;
        int rounding;

        public MulParams in1Offset(int v) { in1Offset = v; return this; }
        public MulParams in2Offset(int v) { in2Offset = v; return this; }
        public MulParams outOffset(int v) { outOffset = v; return this; }
        public MulParams outMult(int v) { outMult = v; return this; }
        public MulParams outShift(int v) { outShift = v; return this; }
        public MulParams actMin(int v) { actMin = v; return this; }
        public MulParams actMax(int v) { actMax = v; return this; }
        public MulParams rounding(int v) { rounding = v; return this; }
        public MulParams bcRank(int v) { bc.rank(v); return this; }
        public MulParams bcOutDims(int... v) { bc.outDims(v); return this; }
        public MulParams bcAStrides(int... v) { bc.aStrides(v); return this; }
        public MulParams bcBStrides(int... v) { bc.bStrides(v); return this; }
    }

    public static void add(byte[] a, int aOff, byte[] b, int bOff, byte[] out, int outOff, AddParams p) {
        broadcast(ADD, a, null, aOff, b, null, bOff, out, null, outOff, p.bc, p, null);
    }

    public static void add(short[] a, int aOff, short[] b, int bOff, short[] out, int outOff, AddParams p) {
        broadcast(ADD, null, a, aOff, null, b, bOff, null, out, outOff, p.bc, p, null);
    }

    public static void sub(byte[] a, int aOff, byte[] b, int bOff, byte[] out, int outOff, AddParams p) {
        broadcast(SUB, a, null, aOff, b, null, bOff, out, null, outOff, p.bc, p, null);
    }

    public static void sub(short[] a, int aOff, short[] b, int bOff, short[] out, int outOff, AddParams p) {
        broadcast(SUB, null, a, aOff, null, b, bOff, null, out, outOff, p.bc, p, null);
    }

    public static void mul(byte[] a, int aOff, byte[] b, int bOff, byte[] out, int outOff, MulParams p) {
        broadcast(MUL, a, null, aOff, b, null, bOff, out, null, outOff, p.bc, null, p);
    }

    public static void mul(short[] a, int aOff, short[] b, int bOff, short[] out, int outOff, MulParams p) {
        broadcast(MUL, null, a, aOff, null, b, bOff, null, out, outOff, p.bc, null, p);
    }

    /** The reference's ADD/SUB arithmetic on one pair of widened inputs. */
    static int addSub(int x, int y, boolean subtract, AddParams p) {
        final int sx = (x + p.in1Offset) * (1 << p.leftShift);
        final int sy = (y + p.in2Offset) * (1 << p.leftShift);
        final int rx = Quant.requantize(sx, p.in1Mult, p.in1Shift, p.rounding);
        final int ry = Quant.requantize(sy, p.in2Mult, p.in2Shift, p.rounding);
        final int raw = subtract ? rx - ry : rx + ry;
        final int o = Quant.requantize(raw, p.outMult, p.outShift, p.rounding) + p.outOffset;
        return Math.min(Math.max(o, p.actMin), p.actMax);
    }

    /** The reference's MUL arithmetic on one pair of widened inputs. */
    static int mul(int x, int y, MulParams p) {
        final int o = Quant.requantize((x + p.in1Offset) * (y + p.in2Offset), p.outMult, p.outShift, p.rounding)
                + p.outOffset;
        return Math.min(Math.max(o, p.actMin), p.actMax);
    }

    /**
     * Output rows (all axes but the last) in order; each row's operand offsets come from its
     * coordinates (Java has no stack arrays for an odometer, see Index). One of each byte/short pair
     * is used.
     */
    private static void broadcast(int op, byte[] a8, short[] a16, int aOff, byte[] b8, short[] b16, int bOff,
                                  byte[] o8, short[] o16, int outOff, Binary.Params bc, AddParams ap, MulParams mp) {
        final int last = bc.rank - 1;
        final int n = bc.outDims[last];
        final int sa = bc.aStrides[last];
        final int sb = bc.bStrides[last];
        final int rows = Index.rows(bc.outDims, bc.rank);
        int o = outOff;
        for (int r = 0; r < rows; ++r) {
            int ai = aOff;
            int bi = bOff;
            int rem = r;
            for (int d = last - 1; d >= 0; --d) {
                final int c = rem % bc.outDims[d];
                rem /= bc.outDims[d];
                ai += c * bc.aStrides[d];
                bi += c * bc.bStrides[d];
            }
            for (int i = 0; i < n; ++i, ++o) {
                final int x = a8 != null ? a8[ai + i * sa] : a16[ai + i * sa];
                final int y = b8 != null ? b8[bi + i * sb] : b16[bi + i * sb];
                final int v = op == MUL ? mul(x, y, mp) : addSub(x, y, op == SUB, ap);
                if (o8 != null) {
                    o8[o] = (byte) v;
                } else {
                    o16[o] = (short) v;
                }
            }
        }
    }
}
