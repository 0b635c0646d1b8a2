package org.microcodegen.target;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.TensorType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A raw little-endian tensor as `run` reads and writes it, decoded to doubles so outputs of any dtype
 * can be ranked and compared (every float32, int32 and smaller integer is exact in a double).
 */
public record RawTensor(TensorType type, double[] values) {
    public static RawTensor decode(TensorType type, byte[] bytes) {
        if (bytes.length != type.byteSize()) {
            throw new IllegalArgumentException(bytes.length + " bytes for " + type);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[(int) type.shape().elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = element(type.dtype(), b);
        }
        return new RawTensor(type, v);
    }

    private static double element(DType d, ByteBuffer b) {
        return switch (d) {
            case FLOAT32 -> b.getFloat();
            case FLOAT64 -> b.getDouble();
            case FLOAT16 -> halfToFloat(b.getShort());
            case INT8 -> b.get();
            case UINT8, BOOL -> b.get() & 0xff;
            case INT16 -> b.getShort();
            case UINT16 -> b.getShort() & 0xffff;
            case INT32 -> b.getInt();
            case UINT32 -> b.getInt() & 0xffffffffL;
            case INT64 -> b.getLong();
            case UINT64 -> unsigned(b.getLong());
        };
    }

    private static double unsigned(long bits) {
        double d = (double) (bits >>> 1) * 2.0;
        return d + (bits & 1);
    }

    /** IEEE binary16 to float (Float.float16ToFloat is Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float f = mant * 0x1p-24f;
            return sign == 0 ? f : -f;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /**
     * A vector: at least two elements, all in one dimension (the others 1), as a classifier's
     * [1, classes] scores.
     */
    public boolean isVector() {
        return values.length >= 2 && java.util.Arrays.stream(type.shape().dims()).filter(d -> d > 1).count() == 1;
    }

    /** The indices of the {@code k} largest values, largest first (ties: lower index first; NaN last). */
    public List<Integer> top(int k) {
        return IntStream.range(0, values.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> Double.isNaN(values[i]) ? Double.NEGATIVE_INFINITY : values[i])
                        .reversed().thenComparing(i -> i))
                .limit(k).toList();
    }

    /** One element as its dtype prints it: a float32 in its shortest exact form, an integer as an integer. */
    public String format(int index) {
        double v = values[index];
        return switch (type.dtype()) {
            case FLOAT32, FLOAT16 -> Float.toString((float) v);
            case FLOAT64 -> Double.toString(v);
            default -> Double.isInfinite(v) || Math.abs(v) >= 0x1p63 ? Double.toString(v) : Long.toString((long) v);
        };
    }

    /** The multi-dimensional index of a flat (row-major) one, e.g. "[0,3]". */
    public String position(int flat) {
        int[] dims = type.shape().dims();
        long[] idx = new long[dims.length];
        long rest = flat;
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = rest % dims[i];
            rest /= dims[i];
        }
        List<String> parts = new ArrayList<>();
        for (long i : idx) {
            parts.add(Long.toString(i));
        }
        return "[" + String.join(",", parts) + "]";
    }

    /** "  top-5: 3 (0.91), 7 (0.04), ..." for a vector, nothing for other shapes. */
    public String topLine(int k) {
        if (!isVector()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (int i : top(k)) {
            parts.add(String.format(Locale.ROOT, "%d: %s", i, format(i)));
        }
        return "top-" + Math.min(k, values.length) + " " + String.join(", ", parts);
    }
}
