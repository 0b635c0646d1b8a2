package org.microcodegen.quant;

import org.microcodegen.ir.DType;

/**
 * mc_qrelu_params / QActivation.ReluParams for the standalone RELU, RELU6 and RELU_N1_TO_1 ops
 * (int8, int16), as TFLite's ReluPrepare and QuantizedReluX compute them: the multiplier of
 * inScale / outScale (a float division in LiteRT, double in TFLM, see {@link Reference}), and the
 * bounds outZeroPoint + roundf(bound / outScale) limited to the type, which is exactly the fused
 * activation's range ({@link ActivationRange}).
 */
public record ReluParams(int inZeroPoint, int outZeroPoint, int multiplier, int shift, int actMin, int actMax) {

    /** The three clamps TFLite has as standalone ops. */
    public enum Kind {
        RELU(ActivationRange.Kind.RELU),
        RELU6(ActivationRange.Kind.RELU6),
        RELU_N1_TO_1(ActivationRange.Kind.RELU_N1_TO_1);

        final ActivationRange.Kind range;

        Kind(ActivationRange.Kind range) {
            this.range = range;
        }
    }

    public static ReluParams derive(Kind kind, float inScale, int inZeroPoint, float outScale, int outZeroPoint,
                                    DType dtype, Reference reference) {
        if (dtype != DType.INT8 && dtype != DType.INT16) {
            throw new IllegalArgumentException("quantized " + kind + " takes int8 or int16, not " + dtype.displayName());
        }
        final double real = reference == Reference.LITERT
                ? (double) (inScale / outScale)
                : (double) inScale / (double) outScale;
        final QuantizedMultiplier m = QuantizedMultiplier.of(real);
        final int[] range = ActivationRange.of(kind.range, outScale, outZeroPoint, dtype);
        return new ReluParams(inZeroPoint, outZeroPoint, m.multiplier(), m.shift(), range[0], range[1]);
    }
}
