package org.microcodegen.lower;

import org.microcodegen.ir.DType;

import java.util.List;

/**
 * A weights-only quantized layer (ops.WeightsOnly): float32 input, weights stored as {@code weight}
 * (int8, int16, or uint8 holding two 4-bit values), an optional float32 bias, float32 scales, float32 output.
 * The dtypes come in the invocation's order: input, weight, bias (when present), scales.
 */
record WeightsOnlySignature(DType weight) implements Signature {
    private static final DType F = DType.FLOAT32;

    @Override
    public boolean matches(List<DType> inputs, List<DType> outputs) {
        return (inputs.equals(List.of(F, weight, F)) || inputs.equals(List.of(F, weight, F, F))) && outputs.equals(List.of(F));
    }

    @Override
    public String describe() {
        return "float32 with " + (weight == DType.UINT8 ? "packed 4-bit" : weight.displayName()) + " weights";
    }

    /** The storages and the suffix of their kernels' names: int8 "8", int16 "16", packed 4-bit "4". */
    static final List<DType> WEIGHTS = List.of(DType.INT8, DType.INT16, DType.UINT8);

    static String suffix(DType weight) {
        return weight == DType.INT8 ? "8" : weight == DType.INT16 ? "16" : "4";
    }

    /** A weights-only quantized layer, any shape (a float layer with float weights has the same op name). */
    static final Shapes.Rule LAYER = new Shapes.Rule("any shape (weights-only quantized layer)",
            q -> q.op() instanceof org.microcodegen.ops.WeightsOnly);

    /** The same for a dense layer: quantize-weights only rewrites MatMuls with B stored [N][K]. */
    static final Shapes.Rule DENSE_LAYER = new Shapes.Rule("A [M][K] times B stored [N][K] (weights-only quantized dense layer)",
            LAYER);
}
