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
}
