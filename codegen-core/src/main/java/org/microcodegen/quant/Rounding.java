package org.microcodegen.quant;

/**
 * Which of TFLite's two requantization builds a model is compiled for (mc_rounding in mc_quant.h,
 * Quant.SINGLE / Quant.DOUBLE in Java; the ordinal is the value the kernels take).
 */
public enum Rounding {
    /** TFLITE_SINGLE_ROUNDING: one rounding of the 64-bit product; LiteRT's reference kernels. */
    SINGLE,
    /** gemmlowp's rounding doubling high multiply, then a rounding shift; TFLite Micro's default. */
    DOUBLE,
    /**
     * ONNX Runtime's MLAS: the int32 sum converted to float, times a float scale (its IEEE bits in the
     * multiplier field, shift 0), rounded half to even. Every ONNX QDQ model is compiled with it.
     */
    FLOAT;

    /** The value of the kernels' rounding field: MC_ROUND_SINGLE = 0, MC_ROUND_DOUBLE = 1. */
    public int code() {
        return ordinal();
    }

    /** The C enumerator the generated params struct names. */
    public String cName() {
        return switch (this) {
            case SINGLE -> "MC_ROUND_SINGLE";
            case DOUBLE -> "MC_ROUND_DOUBLE";
            case FLOAT -> "MC_ROUND_FLOAT";
        };
    }
}
