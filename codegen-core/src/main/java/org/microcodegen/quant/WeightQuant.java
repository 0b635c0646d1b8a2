package org.microcodegen.quant;

/**
 * Weights-only quantization (`quant_type=WEIGHT_QUANT`): which layers, and how many bits. A weighted
 * layer (Conv2D, a dense MatMul) gets integer weights only if it has more than {@code minSize}
 * weights and more than {@code minChannels} output channels, MindSpore Lite's rule for its
 * {@code min_quant_weight_size} (default 0) and {@code min_quant_weight_channel} (default 16).
 *
 * @param bits        2..16: storage is two weights per byte for 2..4 bits, int8 for 5..8, int16 for 9..16
 * @param minSize     layers with at most this many weights stay float
 * @param minChannels layers with at most this many output channels stay float
 */
public record WeightQuant(int bits, int minSize, int minChannels) {
    /** MindSpore Lite's defaults for min_quant_weight_size and min_quant_weight_channel. */
    public static final int DEFAULT_MIN_SIZE = 0;
    public static final int DEFAULT_MIN_CHANNELS = 16;

    public WeightQuant {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("weight bits must be 2..16, not " + bits);
        }
        if (minSize < 0 || minChannels < 0) {
            throw new IllegalArgumentException("minimum weight size and channels must not be negative");
        }
    }

    /** How the integers are stored in flash. */
    public enum Storage {
        /** Two weights per byte, element 2i in the low nibble of byte i, 2i+1 in the high one. */
        PACKED4,
        INT8,
        INT16
    }

    public Storage storage() {
        return bits <= 4 ? Storage.PACKED4 : bits <= 8 ? Storage.INT8 : Storage.INT16;
    }

    /** Whether a layer of {@code weights} weights and {@code channels} output channels is quantized. */
    public boolean applies(long weights, int channels) {
        return weights > minSize && channels > minChannels;
    }

    /** The largest magnitude of a quantized weight: the range is symmetric, [-qmax, qmax]. */
    public int qmax() {
        return (1 << (bits - 1)) - 1;
    }
}
