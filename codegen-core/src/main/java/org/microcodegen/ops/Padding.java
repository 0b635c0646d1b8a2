package org.microcodegen.ops;

/** How a sliding window pads its input. */
public sealed interface Padding {
    /** Explicit zero padding on each side (no padding at all is Explicit(0, 0, 0, 0)). */
    record Explicit(int top, int bottom, int left, int right) implements Padding {
    }

    /**
     * As many outputs as ceil(input / stride) along each axis, the padding this needs split with the
     * smaller half at the top/left (TensorFlow's and MindSpore's "same", ONNX's SAME_UPPER).
     */
    record Same() implements Padding {
    }

    static Padding none() {
        return new Explicit(0, 0, 0, 0);
    }
}
