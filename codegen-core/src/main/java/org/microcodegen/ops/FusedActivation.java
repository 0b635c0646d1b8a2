package org.microcodegen.ops;

/** The activation a convolution or matrix product applies to its output before storing it. */
public enum FusedActivation {
    NONE(""),
    RELU("ReLU"),
    RELU6("ReLU6"),
    /** TFLite's RELU_N1_TO_1: a clamp to [-1, 1]; only the NHWC ops (TFLite's) take it. */
    RELU_N1_TO_1("ReLU(-1..1)");

    private final String label;

    FusedActivation(String label) {
        this.label = label;
    }

    /** The real interval this activation clamps to: {lowest, highest} (the float range when it does not clamp). */
    public float[] realRange() {
        return switch (this) {
            case NONE -> new float[] {-Float.MAX_VALUE, Float.MAX_VALUE};
            case RELU -> new float[] {0f, Float.MAX_VALUE};
            case RELU6 -> new float[] {0f, 6f};
            case RELU_N1_TO_1 -> new float[] {-1f, 1f};
        };
    }

    /** As comments and summaries show it: "ReLU", "ReLU6" (empty for NONE). */
    public String label() {
        return label;
    }
}
