package org.microcodegen.ir;

/** Element type, static shape and optional quantisation of a tensor. */
public record TensorType(DType dtype, Shape shape, Quantization quantization) {
    public TensorType {
        if (dtype == null || shape == null) {
            throw new IllegalArgumentException("dtype and shape are required");
        }
    }

    public static TensorType of(DType dtype, Shape shape) {
        return new TensorType(dtype, shape, null);
    }

    public static TensorType f32(int... dims) {
        return of(DType.FLOAT32, Shape.of(dims));
    }

    public TensorType withShape(Shape newShape) {
        return new TensorType(dtype, newShape, quantization);
    }

    public long byteSize() {
        return shape.elementCount() * dtype.byteSize();
    }

    /** "float32[1,3,32,32]"; a quantised tensor adds its parameters, e.g. "int8[16] q(scale 0.5, zero 3)". */
    @Override
    public String toString() {
        return dtype.displayName() + shape + (quantization == null ? "" : " " + quantization);
    }
}
