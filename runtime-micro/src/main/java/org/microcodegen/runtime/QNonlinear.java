package org.microcodegen.runtime;

/**
 * Quantized elementwise nonlinearities (mc_qnonlinear.c). int8 LOGISTIC and TANH are a lookup in
 * a 256-entry table the compiler computed as TFLite's LUTPopulate&lt;int8_t&gt; does; int8 HARD_SWISH
 * is TFLite's reference_ops::HardSwish in 16-bit fixed point.
 */
public final class QNonlinear {
    private QNonlinear() {
    }

    /** out[i] = lut[(uint8_t) in[i]]; out may be in. */
    public static void lutS8(byte[] in, int inOff, byte[] out, int outOff, int n, byte[] lut) {
        for (int i = 0; i < n; ++i) {
            out[outOff + i] = lut[in[inOff + i] & 0xFF];
        }
    }

    /** mc_qhard_swish_params. */
    public static final class HardSwishParams {
        int inZeroPoint;
        int outZeroPoint;
        int reluishMult;
        int reluishExponent;
        int outMult;
        int outExponent;

        public HardSwishParams inZeroPoint(int v) { inZeroPoint = v; return this; }
        public HardSwishParams outZeroPoint(int v) { outZeroPoint = v; return this; }
        public HardSwishParams reluishMult(int v) { reluishMult = v; return this; }
        public HardSwishParams reluishExponent(int v) { reluishExponent = v; return this; }
        public HardSwishParams outMult(int v) { outMult = v; return this; }
        public HardSwishParams outExponent(int v) { outExponent = v; return this; }
    }

    /** gemmlowp's 16-bit saturating rounding doubling high multiply (ties away from zero). */
    static int srdhm16(int a, int b) {
        if (a == -32768 && b == -32768) {
            return 32767;
        }
        final int ab = a * b;
        return (ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14))) / (1 << 15);
    }

    /** The same truncating toward zero (SQDMULH). */
    static int sdhm16(int a, int b) {
        if (a == -32768 && b == -32768) {
            return 32767;
        }
        return (a * b) / (1 << 15);
    }

    /** value * 2^amount saturated to int16; 0 &lt;= amount &lt;= 30. */
    static int saturatingShl16(int value, int amount) {
        final long r = (long) value << amount;
        return (int) Math.max(-32768, Math.min(32767, r));
    }

    /** x * relu6(x + 3) / 6 on int8 (mc_hard_swish_s8); out may be in. */
    public static void hardSwishS8(byte[] in, int inOff, byte[] out, int outOff, int n, HardSwishParams p) {
        for (int i = 0; i < n; ++i) {
            final int hires = (in[inOff + i] - p.inZeroPoint) * 128;
            final int preshiftOut = srdhm16(hires, p.outMult);
            int reluish = hires;
            if (p.reluishExponent > 0) {
                reluish = saturatingShl16(reluish, p.reluishExponent - 1);
            }
            reluish = srdhm16(reluish, p.reluishMult);
            if (p.reluishExponent > 0) {
                reluish = saturatingShl16(reluish, 1);
            } else if (p.reluishExponent < 0) {
                reluish = Quant.roundingDivideByPot(reluish, -p.reluishExponent);
            }
            reluish = (reluish + (1 << 15)) >> 1;
            int result = Quant.roundingDivideByPot(sdhm16(reluish, preshiftOut), -p.outExponent);
            result = (short) (result + p.outZeroPoint);   // TFLite adds the zero point in int16 (wrapping)
            out[outOff + i] = (byte) Math.max(-128, Math.min(127, result));
        }
    }
}
