package org.microcodegen.quant;

/**
 * The output multipliers of CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and FULLY_CONNECTED, derived
 * from the model's float scales with the exact types TFLite uses, since the last bit of the
 * multiplier depends on them.
 */
public final class ConvMultipliers {
    private ConvMultipliers() {
    }

    /**
     * TFLite's PopulateConvolutionQuantizationParams (conv, depthwise, transpose conv; TFLite's
     * per-channel fully connected likewise): per output channel
     * {@code (double) inScale * (double) weightScale[c] / (double) outScale}, quantized. A weight
     * tensor with a single scale is broadcast to {@code channels}. Returns {multipliers, shifts}.
     */
    public static int[][] perChannel(double inScale, float[] weightScales, double outScale,
                                     int channels, Rounding rounding) {
        if (weightScales.length != 1 && weightScales.length != channels) {
            throw new IllegalArgumentException(weightScales.length + " weight scales for "
                    + channels + " channels");
        }
        int[] mult = new int[channels];
        int[] shift = new int[channels];
        for (int c = 0; c < channels; c++) {
            double w = weightScales.length == 1 ? weightScales[0] : weightScales[c];
            QuantizedMultiplier q = QuantizedMultiplier.of(inScale * w / outScale,
                    rounding == Rounding.SINGLE);
            mult[c] = q.multiplier();
            shift[c] = q.shift();
        }
        return new int[][] {mult, shift};
    }

    /**
     * TFLite's GetQuantizedConvolutionMultipler (per-tensor FULLY_CONNECTED in TFLite and TFLite
     * Micro): the input and weight scales are multiplied in float, and only that product is
     * widened to double before dividing by the output scale.
     */
    public static QuantizedMultiplier perTensor(float inScale, float weightScale, float outScale,
                                                Rounding rounding) {
        float product = inScale * weightScale;
        return QuantizedMultiplier.of((double) product / (double) outScale,
                rounding == Rounding.SINGLE);
    }

    /**
     * ONNX Runtime's QLinearConv, QLinearMatMul and QGemm (alpha 1): per output channel the float
     * {@code inScale * weightScale[c] / outScale}, evaluated in float left to right, as the bits of
     * that float (the kernels' multiplier field under {@link Rounding#FLOAT}; shifts are 0). A single
     * weight scale is broadcast to {@code channels}. Returns {scale bits, shifts}.
     */
    public static int[][] onnxRuntime(float inScale, float[] weightScales, float outScale, int channels) {
        if (weightScales.length != 1 && weightScales.length != channels) {
            throw new IllegalArgumentException(weightScales.length + " weight scales for " + channels + " channels");
        }
        int[] bits = new int[channels];
        for (int c = 0; c < channels; c++) {
            float scale = inScale * (weightScales.length == 1 ? weightScales[0] : weightScales[c]) / outScale;
            if (!Float.isFinite(scale)) {
                throw new IllegalArgumentException("the output scale " + inScale + " x " + weightScales[c % weightScales.length]
                        + " / " + outScale + " is not finite");
            }
            bits[c] = Float.floatToIntBits(scale);
        }
        return new int[][] {bits, new int[channels]};
    }
}
