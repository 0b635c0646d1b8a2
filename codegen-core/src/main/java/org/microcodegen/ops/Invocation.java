package org.microcodegen.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * What a node's kernel is called with, as the op sees it: named arguments in order and an optional
 * parameter object. A kernel may take a subset of the arguments (the registry says which), so that
 * e.g. a matrix product's specialised kernel can drop the transpose flags its layout makes constant.
 * A view (Reshape and friends: the output is the input's memory under another shape) has no call.
 */
public record Invocation(List<String> names, List<Arg> args, ParamsStruct params) {
    private static final Invocation VIEW = new Invocation(List.of(), List.of(), null);

    public Invocation {
        names = List.copyOf(names);
        args = List.copyOf(args);
        if (names.size() != args.size()) {
            throw new IllegalArgumentException("one name per argument");
        }
    }

    public static Invocation view() {
        return VIEW;
    }

    public boolean isView() {
        return this == VIEW;
    }

    /** The argument called {@code name}. */
    public Arg arg(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no argument " + name + " in " + names);
        }
        return args.get(i);
    }

    /**
     * A layer with weights: input, weight, the bias (input 2) or NULL when the node has none, output, and
     * its parameter object (the NHWC convolutions and the fully connected layer).
     */
    static Invocation weightedLayer(org.microcodegen.ir.Node node, ParamsStruct params) {
        return builder().tensor("in", node.input(0)).tensor("weight", node.input(1))
                .optionalTensor("bias", node.inputs().size() == 3 ? node.input(2) : null)
                .tensor("out", node.output()).params(params).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Arg> args = new ArrayList<>();
        private ParamsStruct params;

        private Builder() {
        }

        public Builder arg(String name, Arg value) {
            names.add(name);
            args.add(value);
            return this;
        }

        public Builder tensor(String name, String tensor) {
            return arg(name, Arg.tensor(tensor));
        }

        /** An optional tensor operand: NULL when absent. */
        public Builder optionalTensor(String name, String tensorOrNull) {
            return arg(name, tensorOrNull == null ? new Arg.Null() : Arg.tensor(tensorOrNull));
        }

        public Builder integer(String name, long value) {
            return arg(name, Arg.integer(value));
        }

        /** The parameter object, passed as argument "params". */
        public Builder params(ParamsStruct struct) {
            params = struct;
            return arg("params", new Arg.Params());
        }

        public Invocation build() {
            return new Invocation(names, args, params);
        }
    }
}
