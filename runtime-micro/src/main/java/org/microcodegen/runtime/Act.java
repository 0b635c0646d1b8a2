package org.microcodegen.runtime;

/** The activation fused into a convolution or matrix product (mc_act in mc_common.h). */
public final class Act {
    public static final int NONE = 0;
    public static final int RELU = 1;
    public static final int RELU6 = 2;

    private Act() {
    }

    /** mc_apply_act: ReLU maps NaN and -0 to 0 like the C comparison does. */
    public static float apply(float v, int act) {
        if (act == RELU) {
            return v > 0.0f ? v : 0.0f;
        }
        if (act == RELU6) {
            return v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f;
        }
        return v;
    }
}
