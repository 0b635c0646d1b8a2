package org.microcodegen.runtime;

/**
 * Index arithmetic shared by the kernels that take a shape (Reduce, Pad, StridedSlice, Transpose).
 * The C kernels keep strides and an odometer in small arrays on the stack; Java has no stack arrays,
 * and allocating them would break the no-allocation-per-inference rule, so strides are recomputed
 * (ranks are at most 6, so this costs a few multiplications per row).
 */
final class Index {
    private Index() {
    }

    /** Elements between two steps along {@code axis} of a dense row-major tensor: product of dims after it. */
    static int stride(int[] dims, int rank, int axis) {
        int s = 1;
        for (int d = axis + 1; d < rank; ++d) {
            s *= dims[d];
        }
        return s;
    }

    /** Product of dims[0 .. rank - 1): the number of innermost rows. */
    static int rows(int[] dims, int rank) {
        int rows = 1;
        for (int d = 0; d < rank - 1; ++d) {
            rows *= dims[d];
        }
        return rows;
    }
}
