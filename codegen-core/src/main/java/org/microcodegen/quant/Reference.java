package org.microcodegen.quant;

/**
 * Whose Prepare step a derivation reproduces where LiteRT's reference kernels and TFLM's differ in
 * how they form a real multiplier: LiteRT (TFLite 2.x kernels/*.cc) divides some float scales in
 * float before widening to double (MUL, LEAKY_RELU, RELU), TFLM widens each scale to double first.
 * The last bit of the quantized multiplier, and so of some outputs, depends on it. The rounding of
 * the kernels themselves is chosen separately (mc_rounding).
 */
public enum Reference {
    LITERT,
    TFLM,
    /**
     * ONNX Runtime's CPU provider (MLAS) on an ONNX QDQ model: requantization in float
     * ({@link Rounding#FLOAT}), scales formed in float as QLinearConv/QLinearMatMul/QGemm form them.
     * Chosen for every ONNX model; only the ops whose ONNX Runtime arithmetic is reproduced take it.
     */
    ONNXRUNTIME
}
