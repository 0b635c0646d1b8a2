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
        String w = weight == DType.UINT8 ? "4-bit (two per byte)" : weight.displayName();
        return "float32, " + w + " weights with float32 per-channel scales, float32 bias (optional) -> float32";
    }

    /** The storages and the suffix of their kernels' names: int8 "8", int16 "16", packed 4-bit "4". */
    static final List<DType> WEIGHTS = List.of(DType.INT8, DType.INT16, DType.UINT8);

    static String suffix(DType weight) {
        return weight == DType.INT8 ? "8" : weight == DType.INT16 ? "16" : "4";
    }

    /** Whether the query's op is weights-only quantized (a float layer with float weights has the same op name). */
    static boolean isWeightsOnly(Query q) {
        return q.op() instanceof org.microcodegen.ops.WeightsOnly;
    }
}
