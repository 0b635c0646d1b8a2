package org.microcodegen.ir;

/**
 * A value in the graph. {@code type} is null until shape inference has run for intermediate tensors;
 * {@code data} is non-null exactly for constants (weights, shape operands). {@code sourceName} is the
 * name the model file used (e.g. "conv1.weight"), kept for readable generated code.
 */
public record Tensor(String name, TensorType type, ConstData data, String sourceName) {
    public Tensor {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name is required");
        }
        if (sourceName == null) {
            sourceName = name;
        }
    }

    public static Tensor value(String name, TensorType type) {
        return new Tensor(name, type, null, name);
    }

    public boolean isConstant() {
        return data != null;
    }

    public Tensor withType(TensorType newType) {
        return new Tensor(name, newType, data, sourceName);
    }
}
