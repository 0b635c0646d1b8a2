package org.microcodegen.lower;

import org.microcodegen.ir.DType;

import java.util.List;

/** The dtypes a kernel reads and writes. */
public interface Signature {
    boolean matches(List<DType> inputs, List<DType> outputs);

    /** Every tensor the kernel reads or writes is {@code dtype} (a float32 kernel, an int8 kernel). */
    static Signature all(DType dtype) {
        return (inputs, outputs) -> inputs.stream().allMatch(d -> d == dtype) && outputs.stream().allMatch(d -> d == dtype);
    }

    /** Exactly these dtypes, operand by operand (mixed kernels, e.g. int8 data with int32 bias). */
    static Signature exactly(List<DType> inputs, List<DType> outputs) {
        List<DType> ins = List.copyOf(inputs);
        List<DType> outs = List.copyOf(outputs);
        return (i, o) -> i.equals(ins) && o.equals(outs);
    }

    /**
     * A layer with weights: data of {@code data} (its input and output), weights of {@code weight} and an
     * optional bias of {@code bias} (int8 data: int8 weights, int32 bias; int16 data: int8 weights, int64 bias).
     */
    static Signature weighted(DType data, DType weight, DType bias) {
        return (i, o) -> (i.equals(List.of(data, weight)) || i.equals(List.of(data, weight, bias))) && o.equals(List.of(data));
    }
}
