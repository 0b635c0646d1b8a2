package org.microcodegen.lower;

import org.microcodegen.ir.DType;

import java.util.List;

/** The dtypes a kernel reads and writes, and how `micro-codegen ops` lists them. */
public interface Signature {
    boolean matches(List<DType> inputs, List<DType> outputs);

    /** The dtypes as `ops` prints them ("float32", "int8, int8, int32 -> int8"). */
    default String describe() {
        return "dtypes by a rule";
    }

    /** Every tensor the kernel reads or writes is {@code dtype} (a float32 kernel, an int8 kernel). */
    static Signature all(DType dtype) {
        return new All(dtype);
    }

    /** Exactly these dtypes, operand by operand (mixed kernels, e.g. int8 data with int32 bias). */
    static Signature exactly(List<DType> inputs, List<DType> outputs) {
        return new Exactly(List.copyOf(inputs), List.copyOf(outputs));
    }

    /** See {@link #all}. */
    record All(DType dtype) implements Signature {
        @Override
        public boolean matches(List<DType> inputs, List<DType> outputs) {
            return inputs.stream().allMatch(d -> d == dtype) && outputs.stream().allMatch(d -> d == dtype);
        }

        @Override
        public String describe() {
            return dtype.displayName();
        }
    }

    /** See {@link #exactly}. */
    record Exactly(List<DType> inputs, List<DType> outputs) implements Signature {
        @Override
        public boolean matches(List<DType> i, List<DType> o) {
            return i.equals(inputs) && o.equals(outputs);
        }

        @Override
        public String describe() {
            return String.join(", ", inputs.stream().map(DType::displayName).toList()) + " -> "
                    + String.join(", ", outputs.stream().map(DType::displayName).toList());
        }
    }

    /**
     * A layer with weights: data of {@code data} (its input and output), weights of {@code weight} and an
     * optional bias of {@code bias} (int8 data: int8 weights, int32 bias; int16 data: int8 weights, int64 bias).
     */
    static Signature weighted(DType data, DType weight, DType bias) {
        return new Weighted(data, weight, bias);
    }

    /** See {@link #weighted}. */
    record Weighted(DType data, DType weight, DType bias) implements Signature {
        @Override
        public boolean matches(List<DType> i, List<DType> o) {
            return (i.equals(List.of(data, weight)) || i.equals(List.of(data, weight, bias))) && o.equals(List.of(data));
        }

        @Override
        public String describe() {
            return data.displayName() + ", " + weight.displayName() + " weights, " + bias.displayName() + " bias (optional) -> "
                    + data.displayName();
        }
    }
}
