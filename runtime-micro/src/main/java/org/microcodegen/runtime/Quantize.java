package org.microcodegen.runtime;

/**
 * QUANTIZE and DEQUANTIZE (mc_quantize.c), bit for bit TFLite's reference kernels. float to int:
 * round half away from zero of x / scale (a float division) plus the zero point, saturated to the
 * output type; int to float: scale * (q - zeroPoint) in float (one rounding of an exact product,
 * as the reference's double product rounded to float); int to int: requantize(q - inZeroPoint) plus
 * outZeroPoint, saturated to the output type.
 */
public final class Quantize {
    private Quantize() {
    }

    /** mc_affine_params. */
    public static final class AffineParams {
        float scale = 1.0f;
        int zeroPoint;
        int rounding;

        public AffineParams scale(float v) { scale = v; return this; }
        public AffineParams zeroPoint(int v) { zeroPoint = v; return this; }
        public AffineParams rounding(int v) { rounding = v; return this; }
    }

    /** mc_requantize_params. */
    public static final class RequantizeParams {
        int inZeroPoint;
        int outZeroPoint;
        int mult;
        int shift;
        int rounding;

        public RequantizeParams inZeroPoint(int v) { inZeroPoint = v; return this; }
        public RequantizeParams outZeroPoint(int v) { outZeroPoint = v; return this; }
        public RequantizeParams mult(int v) { mult = v; return this; }
        public RequantizeParams shift(int v) { shift = v; return this; }
        public RequantizeParams rounding(int v) { rounding = v; return this; }
    }

    /** Largest float below 2^31, the clamp C applies before its float-to-int conversion. */
    private static final float INT_LIMIT = 2147483520.0f;

    /** C's roundf: half away from zero (exact: |q| + 0.5 is exact in double for every float q). */
    static float roundHalfAway(float q) {
        return (float) Math.copySign(Math.floor(Math.abs((double) q) + 0.5), q);
    }

    static int quantizeOne(float x, AffineParams p, int lo, int hi) {
        if (p.rounding == Quant.FLOAT) {
            // ONNX Runtime's MlasQuantizeLinear: clamped to the range less the zero point (NaN to its low end), ties to even
            final float qLo = lo - p.zeroPoint;
            final float qHi = hi - p.zeroPoint;
            float f = x / p.scale;
            f = f >= qLo ? f : qLo;
            f = f <= qHi ? f : qHi;
            return (int) Math.rint(f) + p.zeroPoint;
        }
        float q = roundHalfAway(x / p.scale);
        if (q != q) {
            q = 0.0f;
        }
        q = q < -INT_LIMIT ? -INT_LIMIT : (q > INT_LIMIT ? INT_LIMIT : q);
        final long v = (long) q + p.zeroPoint;
        return (int) (v < lo ? lo : (v > hi ? hi : v));
    }

    public static void quantize(float[] in, int inOff, byte[] out, int outOff, int n, AffineParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (byte) quantizeOne(in[inOff + i], p, -128, 127);
        }
    }

    public static void quantize(float[] in, int inOff, short[] out, int outOff, int n, AffineParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (short) quantizeOne(in[inOff + i], p, -32768, 32767);
        }
    }

    public static void dequantize(byte[] in, int inOff, float[] out, int outOff, int n, AffineParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = p.scale * (float) (in[inOff + i] - p.zeroPoint);
        }
    }

    public static void dequantize(short[] in, int inOff, float[] out, int outOff, int n, AffineParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = p.scale * (float) (in[inOff + i] - p.zeroPoint);
        }
    }

    /** requantize(q - inZeroPoint) + outZeroPoint in 64 bits, saturated to [lo, hi]. */
    static int requantizeOne(int q, RequantizeParams p, int lo, int hi) {
        final long v = (long) Quant.requantize(q - p.inZeroPoint, p.mult, p.shift, p.rounding) + p.outZeroPoint;
        return (int) (v < lo ? lo : (v > hi ? hi : v));
    }

    public static void quantize(byte[] in, int inOff, byte[] out, int outOff, int n, RequantizeParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (byte) requantizeOne(in[inOff + i], p, -128, 127);
        }
    }

    public static void quantize(byte[] in, int inOff, short[] out, int outOff, int n, RequantizeParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (short) requantizeOne(in[inOff + i], p, -32768, 32767);
        }
    }

    public static void quantize(short[] in, int inOff, byte[] out, int outOff, int n, RequantizeParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (byte) requantizeOne(in[inOff + i], p, -128, 127);
        }
    }

    public static void quantize(short[] in, int inOff, short[] out, int outOff, int n, RequantizeParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = (short) requantizeOne(in[inOff + i], p, -32768, 32767);
        }
    }

    public static void quantize(short[] in, int inOff, int[] out, int outOff, int n, RequantizeParams p) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = requantizeOne(in[inOff + i], p, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
    }
}
