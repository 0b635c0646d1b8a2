package org.microcodegen.ir;

import java.util.Arrays;

/**
 * A static tensor shape. Immutable; every dimension is known at compile time and positive (a
 * 0-d scalar has no dimensions). Element counts are capped so that byte sizes always fit the int32
 * index arithmetic of the C kernels: a larger tensor cannot run on a microcontroller anyway.
 */
public final class Shape {
    /** Largest element count a tensor may have (2^31 / 4 bytes keeps byte offsets in int32). */
    public static final long MAX_ELEMENTS = (1L << 29);

    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return ofLongs(Arrays.stream(dims).asLongStream().toArray());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    /** Validates exporter-provided dims; throws CompileException on negative, zero-free overflow. */
    public static Shape ofLongs(long... dims) {
        int[] d = new int[dims.length];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new ValueException("dynamic or negative dimension " + dims[i] + " in shape "
                        + Arrays.toString(dims) + ": only static shapes are supported");
            }
            if (dims[i] > MAX_ELEMENTS) {
                throw new ValueException("absurd dimension " + dims[i] + " in shape " + Arrays.toString(dims));
            }
            count *= Math.max(dims[i], 1);
            if (count > MAX_ELEMENTS) {
                throw new ValueException("shape " + Arrays.toString(dims) + " has more than "
                        + MAX_ELEMENTS + " elements: too large for a microcontroller");
            }
            d[i] = (int) dims[i];
        }
        return new Shape(d);
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    public long elementCount() {
        return product(0, dims.length);
    }

    /** Product of dims in [from, to); exact (of() caps the dims, but an overflow must never go unnoticed). */
    public long product(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n = Math.multiplyExact(n, dims[i]);
        }
        return n;
    }

    /** Normalises a possibly negative axis (Python style) for this rank, or throws. */
    public int normalizeAxis(long axis, String what) {
        return normalizeAxis(axis, dims.length, what);
    }

    public static int normalizeAxis(long axis, int rank, String what) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1)) {
            throw new ValueException(what + " axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** "[1,6,28,28]", the form used in comments and messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(dims[i]);
        }
        return sb.append(']').toString();
    }
}
