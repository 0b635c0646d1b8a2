package org.microcodegen.quant;

/**
 * Which of TFLite's two requantization builds a model is compiled for (mc_rounding in mc_quant.h,
 * Quant.SINGLE / Quant.DOUBLE in Java; the ordinal is the value the kernels take).
 */
public enum Rounding {
    /** TFLITE_SINGLE_ROUNDING: one rounding of the 64-bit product; LiteRT's reference kernels. */
    SINGLE,
    /** gemmlowp's rounding doubling high multiply, then a rounding shift; TFLite Micro's default. */
    DOUBLE;

    /** The value of the kernels' rounding field: MC_ROUND_SINGLE = 0, MC_ROUND_DOUBLE = 1. */
    public int code() {
        return ordinal();
    }

    /** The C enumerator the generated params struct names. */
    public String cName() {
        return this == SINGLE ? "MC_ROUND_SINGLE" : "MC_ROUND_DOUBLE";
    }
}
