package org.microcodegen.runtime;

/**
 * Quantized elementwise nonlinearities (mc_qnonlinear.c). int8 LOGISTIC and TANH are a lookup in
 * a 256-entry table the compiler computed as TFLite's LUTPopulate&lt;int8_t&gt; does.
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
}
