package org.microcodegen.ops;

import java.util.List;

/** One argument of a kernel call: its value, which the op decides; the kernel's name is the registry's. */
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

    /** The activation a kernel applies to its output; each target spells it its own way. */
    record Activation(FusedActivation value) implements Arg {
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

    /** A constant table the kernel takes as an argument (a lookup table): emitted once, in flash in C. */
    record Table(ParamsStruct.Table table) implements Arg {
    }

    /**
     * A constant operand in the layout its kernel reads, made at compile time from the layer's constants (weights
     * reordered for the inner loop, a bias with the input offset folded in): emitted as a constant array like a
     * weight (flash in C). {@code role} is the argument it stands for ("weight", "bias"), {@code source} the
     * tensor it was made from (null when the layer has none, e.g. no bias), {@code layout} what was done, in words.
     * Equal records (same role, source, layout and bytes) are emitted once.
     */
    record Packed(String role, String source, String layout, org.microcodegen.ir.ConstData data) implements Arg {
    }

    /** An array of int32 values. */
    record IntList(List<Long> values) implements Arg {
        public IntList {
            values = List.copyOf(values);
        }
    }

    public static Arg tensor(String name) {
        return new TensorRef(name);
    }

    public static Arg integer(long v) {
        return new Int(v);
    }
}
