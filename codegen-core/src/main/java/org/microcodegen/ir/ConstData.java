package org.microcodegen.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The bytes of a constant tensor (a weight, or a shape/axis operand), little-endian, exactly as the
 * model stored them: the compiler never rounds weights. Immutable: accessors copy or decode.
 */
public final class ConstData {
    private final DType dtype;
    private final byte[] bytes;

    public ConstData(DType dtype, byte[] littleEndianBytes) {
        this.dtype = dtype;
        this.bytes = littleEndianBytes.clone();
    }

    public static ConstData ofLongs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new ConstData(DType.INT64, b.array());
    }

    public static ConstData ofFloats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new ConstData(DType.FLOAT32, b.array());
    }

    public DType dtype() {
        return dtype;
    }

    public int byteLength() {
        return bytes.length;
    }

    public long elementCount() {
        return bytes.length / dtype.byteSize();
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The values as float32; only for FLOAT32 data (weights are never converted silently). */
    public float[] asFloats() {
        if (dtype != DType.FLOAT32) {
            throw new ValueException("expected float32 constant data, found " + dtype.displayName());
        }
        float[] out = new float[bytes.length / 4];
        buffer().asFloatBuffer().get(out);
        return out;
    }

    /** Integer or float values widened to double: for scalar operands such as a LeakyReLU slope. */
    public double[] asDoubles() {
        int n = (int) elementCount();
        double[] out = new double[n];
        ByteBuffer b = buffer();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case FLOAT32 -> b.getFloat(i * 4);
                case FLOAT64 -> b.getDouble(i * 8);
                default -> asLongs()[i];
            };
        }
        return out;
    }

    /** Integer values widened to long: for shapes, axes and permutations. */
    public long[] asLongs() {
        int n = (int) elementCount();
        long[] out = new long[n];
        ByteBuffer b = buffer();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case INT64, UINT64 -> b.getLong(i * 8);
                case INT32 -> b.getInt(i * 4);
                case UINT32 -> Integer.toUnsignedLong(b.getInt(i * 4));
                case INT16 -> b.getShort(i * 2);
                case UINT16 -> Short.toUnsignedInt(b.getShort(i * 2));
                case INT8 -> b.get(i);
                case UINT8, BOOL -> Byte.toUnsignedInt(b.get(i));
                default -> throw new ValueException("expected integer constant data, found " + dtype.displayName());
            };
        }
        return out;
    }

    /** Raw bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConstData other && dtype == other.dtype && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(bytes);
    }
}
