package org.microcodegen.runtime;

/**
 * Constant padding (mc_pad.c): out has inDims[i] + padBefore[i] + padAfter[i] along axis i, filled
 * with value (intValue for int8/int16), and the input in the middle. The output is filled with the
 * pad value, then every output row (all axes but the last) that lies inside the input gets its one
 * contiguous input row copied into place.
 */
public final class Pad {
    private Pad() {
    }

    /** mc_pad_params. */
    public static final class Params {
        int rank;
        int[] inDims = new int[0];
        int[] padBefore = new int[0];
        int[] padAfter = new int[0];
        float value;
        int intValue;

        public Params rank(int v) { rank = v; return this; }
        public Params inDims(int... v) { inDims = v.clone(); return this; }
        public Params padBefore(int... v) { padBefore = v.clone(); return this; }
        public Params padAfter(int... v) { padAfter = v.clone(); return this; }
        public Params value(float v) { value = v; return this; }
        /** The int8/int16 kernels' pad value (mc_pad_int_params.value): zero point (PAD) or constant (PADV2). */
        public Params intValue(int v) { intValue = v; return this; }
        /** The same for generated code, which spells the field as C does (value). */
        public Params value(int v) { intValue = v; value = v; return this; }
    }

    private static int outDim(Params p, int d) {
        return p.inDims[d] + p.padBefore[d] + p.padAfter[d];
    }

    /** The input offset of output row r (all axes but the last), or -1 when the row is all padding. */
    private static int sourceRow(Params p, int r, int inOff) {
        final int last = p.rank - 1;
        int src = inOff;
        int rem = r;
        for (int d = last - 1; d >= 0; --d) {
            final int c = rem % outDim(p, d) - p.padBefore[d];
            rem /= outDim(p, d);
            if (c < 0 || c >= p.inDims[d]) {
                return -1;
            }
            src += c * Index.stride(p.inDims, p.rank, d);
        }
        return src;
    }

    public static void pad(float[] in, int inOff, float[] out, int outOff, Params p) {
        java.util.Arrays.fill(out, outOff, outOff + size(p), p.value);
        copyRows(in, inOff, out, outOff, p);
    }

    /** int8 tensors (mc_pad_s8): the pad value is intValue. */
    public static void pad(byte[] in, int inOff, byte[] out, int outOff, Params p) {
        java.util.Arrays.fill(out, outOff, outOff + size(p), (byte) p.intValue);
        copyRows(in, inOff, out, outOff, p);
    }

    /** int16 tensors (mc_pad_s16): the pad value is intValue. */
    public static void pad(short[] in, int inOff, short[] out, int outOff, Params p) {
        java.util.Arrays.fill(out, outOff, outOff + size(p), (short) p.intValue);
        copyRows(in, inOff, out, outOff, p);
    }

    /** Copies every input row into its place in the output, already filled with the pad value. */
    private static void copyRows(Object in, int inOff, Object out, int outOff, Params p) {
        final int last = p.rank - 1;
        final int rows = rows(p);
        final int n = outDim(p, last);
        final int copyBegin = p.padBefore[last];
        final int inW = p.inDims[last];
        int o = outOff;
        for (int r = 0; r < rows; ++r, o += n) {
            final int src = sourceRow(p, r, inOff);
            if (src >= 0) {
                System.arraycopy(in, src, out, o + copyBegin, inW);
            }
        }
    }

    private static int size(Params p) {
        return rows(p) * outDim(p, p.rank - 1);
    }

    private static int rows(Params p) {
        int rows = 1;
        for (int d = 0; d < p.rank - 1; ++d) {
            rows *= outDim(p, d);
        }
        return rows;
    }
}
