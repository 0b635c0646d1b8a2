package org.microcodegen.frontend.onnx;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.ValueException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.LongBinaryOperator;

/**
 * Compile-time evaluation of the ops that make up shape subgraphs (PyTorch's Shape → Gather → Unsqueeze
 * → Concat → Reshape, and the integer arithmetic around them): they move elements without computing
 * new values, or compute on integers, so the result is exact. Floating-point arithmetic is never folded
 * here: it runs in the kernels, in the order they define.
 */
final class ConstantFolding {
    private ConstantFolding() {
    }

    /** Elements of {@code data} (shape {@code shape}) picked along {@code axis} by {@code indices} (already in range). */
    static ConstData gather(ConstData data, Shape shape, int axis, long[] indices) {
        int size = data.dtype().byteSize();
        long outer = shape.product(0, axis);
        long inner = shape.product(axis + 1, shape.rank()) * size;
        byte[] in = data.bytes();
        byte[] out = new byte[Math.toIntExact(outer * indices.length * inner)];
        int pos = 0;
        for (long o = 0; o < outer; o++) {
            for (long idx : indices) {
                long from = (o * shape.dim(axis) + idx) * inner;
                System.arraycopy(in, (int) from, out, pos, (int) inner);
                pos += (int) inner;
            }
        }
        return new ConstData(data.dtype(), out);
    }

    /** Constants of one dtype joined along {@code axis}. */
    static ConstData concat(List<ConstData> parts, List<Shape> shapes, int axis) {
        int size = parts.get(0).dtype().byteSize();
        long outer = shapes.get(0).product(0, axis);
        ByteBuffer out = ByteBuffer.allocate(parts.stream().mapToInt(ConstData::byteLength).sum());
        for (long o = 0; o < outer; o++) {
            for (int p = 0; p < parts.size(); p++) {
                int chunk = Math.toIntExact(shapes.get(p).product(axis, shapes.get(p).rank()) * size);
                out.put(parts.get(p).bytes(), (int) (o * chunk), chunk);
            }
        }
        return new ConstData(parts.get(0).dtype(), out.array());
    }

    /** A strided slice: per axis the first index, the step and the number of elements taken. */
    static ConstData slice(ConstData data, Shape shape, long[] begin, long[] step, long[] length) {
        int size = data.dtype().byteSize();
        int rank = shape.rank();
        long count = 1;
        for (long l : length) {
            count *= l;
        }
        byte[] in = data.bytes();
        byte[] out = new byte[Math.toIntExact(count * size)];
        long[] index = new long[rank];
        for (long k = 0; k < count; k++) {
            long offset = 0;
            for (int a = 0; a < rank; a++) {
                offset = offset * shape.dim(a) + begin[a] + index[a] * step[a];
            }
            System.arraycopy(in, (int) (offset * size), out, (int) (k * size), size);
            for (int a = rank - 1; a >= 0; a--) {
                if (++index[a] < length[a]) {
                    break;
                }
                index[a] = 0;
            }
        }
        return new ConstData(data.dtype(), out);
    }

    /** Integer arithmetic with NumPy broadcasting, in int64 (shape math), the result in {@code a}'s dtype. */
    static ConstData integerBinary(ConstData a, Shape sa, ConstData b, Shape sb, Shape out, LongBinaryOperator f) {
        long[] x = a.asLongs();
        long[] y = b.asLongs();
        long n = out.elementCount();
        long[] r = new long[Math.toIntExact(n)];
        int rank = out.rank();
        long[] index = new long[rank];
        for (int k = 0; k < n; k++) {
            r[k] = f.applyAsLong(x[(int) offset(index, sa, rank)], y[(int) offset(index, sb, rank)]);
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < out.dim(d)) {
                    break;
                }
                index[d] = 0;
            }
        }
        return ofLongs(a.dtype(), r);
    }

    /** Offset into an operand of shape {@code s} broadcast to {@code rank} axes, for output index {@code index}. */
    private static long offset(long[] index, Shape s, int rank) {
        long off = 0;
        for (int d = 0; d < s.rank(); d++) {
            long i = index[rank - s.rank() + d];
            off = off * s.dim(d) + (s.dim(d) == 1 ? 0 : i);
        }
        return off;
    }

    /** Values converted to {@code to} as ONNX's Cast does for integers and floats (floats truncate toward zero). */
    static ConstData cast(ConstData data, DType to) {
        if (data.dtype() == to) {
            return data;
        }
        if (to == DType.FLOAT32 || to == DType.FLOAT64) {
            double[] v = data.asDoubles();
            ByteBuffer b = ByteBuffer.allocate(v.length * to.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (double d : v) {
                if (to == DType.FLOAT32) {
                    b.putFloat((float) d);
                } else {
                    b.putDouble(d);
                }
            }
            return new ConstData(to, b.array());
        }
        if (to.isFloatingPoint() || data.dtype() == DType.FLOAT16) {
            throw new ValueException("a cast between " + data.dtype().displayName() + " and " + to.displayName() + " is not supported");
        }
        long[] v;
        if (data.dtype().isFloatingPoint()) {
            double[] d = data.asDoubles();
            v = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                v[i] = to == DType.BOOL ? (d[i] != 0 ? 1 : 0) : (long) d[i];
            }
        } else {
            v = data.asLongs();
            if (to == DType.BOOL) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = v[i] != 0 ? 1 : 0;
                }
            }
        }
        return ofLongs(to, v);
    }

    /** Integers stored in {@code dtype}'s width (wrapping as a C cast does). */
    static ConstData ofLongs(DType dtype, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (dtype.byteSize()) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return new ConstData(dtype, b.array());
    }

    /** {@code data} of {@code shape} with its axes permuted (output axis i is input axis perm[i]); any element size. */
    static ConstData transpose(ConstData data, Shape shape, int[] perm) {
        int rank = shape.rank();
        int size = data.dtype().byteSize();
        byte[] in = data.bytes();
        byte[] out = new byte[in.length];
        long[] inStrides = new long[rank];
        long stride = 1;
        for (int a = rank - 1; a >= 0; a--) {
            inStrides[a] = stride;
            stride *= shape.dim(a);
        }
        int[] outDims = new int[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = shape.dim(perm[i]);
        }
        int[] index = new int[rank];
        long count = shape.elementCount();
        for (long o = 0; o < count; o++) {
            long src = 0;
            for (int i = 0; i < rank; i++) {
                src += index[i] * inStrides[perm[i]];
            }
            System.arraycopy(in, (int) (src * size), out, (int) (o * size), size);
            for (int i = rank - 1; i >= 0 && ++index[i] == outDims[i]; i--) {
                index[i] = 0;
            }
        }
        return new ConstData(data.dtype(), out);
    }
}
