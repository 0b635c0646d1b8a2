package org.microcodegen.runtime;

/**
 * Quantized elementwise nonlinearities (mc_qnonlinear.c). int8 LOGISTIC and TANH are a lookup in
 * a 256-entry table the compiler computed as TFLite's LUTPopulate&lt;int8_t&gt; does; int8 HARD_SWISH
 * is TFLite's reference_ops::HardSwish in 16-bit fixed point; int16 LOGISTIC and TANH interpolate in
 * LiteRT's table of sigmoid(i/24) (see mc_qnonlinear.h).
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

    /** sigmoid(i/24) in 0.16 fixed point, i = 0..255: LiteRT's table (mc_qnonlinear.c; tools/litert_sigmoid_table.py). */
    static final int[] SIGMOID_TABLE = {
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
        40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
        47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
        53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
        57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
        60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
        62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
        63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
        64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
        64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
        65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
        65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
        65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
        65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
        65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
        65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
        65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
        65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
        65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
        65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
        65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
        65534, 65534, 65534, 65535};

    /** mc_qsigmoid16_params. */
    public static final class Sigmoid16Params {
        int mult;
        int shift;

        public Sigmoid16Params mult(int v) { mult = v; return this; }
        public Sigmoid16Params shift(int v) { shift = v; return this; }
    }

    static int scaledInput(int x, Sigmoid16Params p) {
        final int round = p.shift > 0 ? 1 << (p.shift - 1) : 0;
        return (x * p.mult + round) >> p.shift;
    }

    /**
     * The table at |v| / 2^bits, linearly interpolated with the low bits, kept scaled by 2^bits; beyond
     * the last entry, saturated.
     */
    static int interpolated(int a, int bits, int saturated) {
        final int step = a >>> bits;
        if (step >= 255) {
            return saturated;
        }
        final int lo = SIGMOID_TABLE[step];
        return (lo << bits) + (a & ((1 << bits) - 1)) * (SIGMOID_TABLE[step + 1] - lo);
    }

    /** 1 / (1 + exp(-x)) on int16 (mc_logistic_s16); out may be in. */
    public static void logisticS16(short[] in, int inOff, short[] out, int outOff, int n, Sigmoid16Params p) {
        for (int i = 0; i < n; ++i) {
            final int v = scaledInput(in[inOff + i], p);
            int r = interpolated(Math.abs(v), 9, 0x7FFF << 10);
            r = v >= 0 ? r + (1 << 9) : (1 << 25) - r + (1 << 9) - 1;
            out[outOff + i] = (short) (r >>> 10);
        }
    }

    /** tanh(x) on int16 (mc_tanh_s16); out may be in. */
    public static void tanhS16(short[] in, int inOff, short[] out, int outOff, int n, Sigmoid16Params p) {
        for (int i = 0; i < n; ++i) {
            final int v = scaledInput(in[inOff + i], p);
            int r = interpolated(Math.abs(v), 8, 0xFFFF << 8);
            r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
            out[outOff + i] = (short) (r >> 8);
        }
    }
}
