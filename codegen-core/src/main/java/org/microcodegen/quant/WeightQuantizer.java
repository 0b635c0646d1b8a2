package org.microcodegen.quant;

/**
 * Symmetric per-channel quantization of a float weight, TFLite's rule for int8 convolution and dense
 * weights (../shared/docs/quantization.md): per channel along {@code axis}, scale = max|w| / (2^(bits-1) - 1),
 * q = round(w / scale) (half away from zero) in [-(2^(bits-1) - 1), 2^(bits-1) - 1], zero point 0. A channel
 * of zeros gets scale 1 (every value is exact).
 */
public final class WeightQuantizer {
    private WeightQuantizer() {
    }

    /** One scale per channel and the quantized values in the weight's own order. */
    public record PerChannel(float[] scales, int[] values) {
        /** The values as int8 bytes (for {@code bits} <= 8). */
        public byte[] int8() {
            byte[] b = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                b[i] = (byte) values[i];
            }
            return b;
        }

        /** The values times their channel's scale: what the quantized weight means. */
        public float[] dequantized(int[] dims, int axis) {
            float[] out = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i] * scales[channel(i, dims, axis)];
            }
            return out;
        }
    }

    public static PerChannel symmetric(float[] w, int[] dims, int axis, int bits) {
        int channels = dims[axis];
        float[] maxAbs = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = channel(i, dims, axis);
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(w[i]));
        }
        int qmax = (1 << (bits - 1)) - 1;
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] > 0 ? maxAbs[c] / qmax : 1f;
        }
        int[] q = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            float v = w[i] / scales[channel(i, dims, axis)];
            long r = (long) (v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5));
            q[i] = (int) Math.max(-qmax, Math.min(qmax, r));
        }
        return new PerChannel(scales, q);
    }

    /** The index along {@code axis} of element {@code i} of a row-major tensor of {@code dims}. */
    static int channel(int i, int[] dims, int axis) {
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        return (i / inner) % dims[axis];
    }
}
