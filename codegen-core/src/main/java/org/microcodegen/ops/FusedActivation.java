package org.microcodegen.ops;

/** The activation a convolution or matrix product applies to its output before storing it. */
public enum FusedActivation {
    NONE(""),
    RELU("ReLU"),
    RELU6("ReLU6");

    private final String label;

    FusedActivation(String label) {
        this.label = label;
    }

    /** As comments and summaries show it: "ReLU", "ReLU6" (empty for NONE). */
    public String label() {
        return label;
    }
}
