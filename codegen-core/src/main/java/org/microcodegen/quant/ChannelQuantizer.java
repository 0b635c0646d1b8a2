package org.microcodegen.quant;

/**
 * Per-output-channel symmetric quantization of a float weight whose first axis is the output channel
 * (Conv2D [out][in/groups][kh][kw], a dense layer's [out][in]). For channel c: scale = float32(absmax / qmax)
 * (1 when the channel is all zero), q = the double quotient w / scale rounded half away from zero and
 * clamped to [-qmax, qmax]. tools/train_digits_lenet.py computes the same integers with numpy, and the
 * digits test checks ours against its digest.
 */
public final class ChannelQuantizer {
    private ChannelQuantizer() {
    }

    /** The integers (in the weight's order) and one scale per channel. */
    public record Result(int[] q, float[] scales) {
    }

    public static Result quantize(float[] w, int channels, int qmax) {
        if (channels <= 0 || w.length % channels != 0) {
            throw new IllegalArgumentException(w.length + " weights do not split into " + channels + " channels");
        }
        int per = w.length / channels;
        int[] q = new int[w.length];
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            float absmax = 0.0f;
            for (int i = c * per; i < (c + 1) * per; i++) {
                absmax = Math.max(absmax, Math.abs(w[i]));
            }
            float scale = absmax > 0.0f ? (float) ((double) absmax / qmax) : 1.0f;
            scales[c] = scale;
            for (int i = c * per; i < (c + 1) * per; i++) {
                double r = (double) w[i] / scale;
                long v = (long) Math.floor(Math.abs(r) + 0.5);
                v = Math.min(v, qmax);
                q[i] = (int) (r < 0 ? -v : v);
            }
        }
        return new Result(q, scales);
    }

    /** The integers as stored: little-endian int16, int8, or two per byte (low nibble first, a zero nibble pads). */
    public static byte[] store(int[] q, WeightQuant.Storage storage) {
        return switch (storage) {
            case INT16 -> {
                byte[] b = new byte[q.length * 2];
                for (int i = 0; i < q.length; i++) {
                    b[2 * i] = (byte) q[i];
                    b[2 * i + 1] = (byte) (q[i] >> 8);
                }
                yield b;
            }
            case INT8 -> {
                byte[] b = new byte[q.length];
                for (int i = 0; i < q.length; i++) {
                    b[i] = (byte) q[i];
                }
                yield b;
            }
            case PACKED4 -> {
                byte[] b = new byte[(q.length + 1) / 2];
                for (int i = 0; i < q.length; i++) {
                    b[i / 2] |= (byte) ((q[i] & 0xF) << (4 * (i % 2)));
                }
                yield b;
            }
        };
    }
}
