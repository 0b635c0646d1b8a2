package org.microcodegen.ops;

import java.util.List;

/** One argument of a kernel call. */
public sealed interface Arg {
    /** A tensor's buffer: graph input or output, arena slice, or weight array. */
    record TensorRef(String tensor) implements Arg {
    }

    /** NULL, for an absent optional operand such as a missing bias. */
    record Null() implements Arg {
    }

    record Int(long value) implements Arg {
    }

    record Float(float value) implements Arg {
    }

    /** A named constant of the runtime, e.g. MC_ACT_RELU. */
    record Symbol(String name) implements Arg {
    }

    /** Pointer to the call's parameter struct. */
    record Params() implements Arg {
    }

    /** An array of tensor buffers (Concat's inputs). */
    record TensorList(List<String> tensors) implements Arg {
        public TensorList {
            tensors = List.copyOf(tensors);
        }
    }

    /** An array of int32 values. */
    record IntList(List<Long> values) implements Arg {
        public IntList {
            values = List.copyOf(values);
        }
    }

    static Arg tensor(String name) {
        return new TensorRef(name);
    }

    static Arg integer(long v) {
        return new Int(v);
    }
}
