package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.TensorType;

import java.util.List;

/** An element-wise function of one tensor. {@code alpha} is LeakyReLU's slope for negative inputs (unused otherwise). */
public record Unary(Function function, float alpha) implements Op {
    public enum Function {
        RELU("Relu"), RELU6("Relu6"), SIGMOID("Sigmoid"), TANH("Tanh"), HARD_SWISH("HardSwish"),
        HARD_SIGMOID("HardSigmoid"), LEAKY_RELU("LeakyRelu"), ABS("Abs");

        private final String opName;

        Function(String opName) {
            this.opName = opName;
        }
    }

    public Unary(Function function) {
        this(function, 0f);
    }

    @Override
    public String opName() {
        return function.opName;
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        return List.of(ctx.type(0));
    }

    @Override
    public int inPlaceInput(Node node, OpContext ctx) {
        return 0;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Invocation.Builder b = Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                .integer("n", ctx.shape(0).elementCount());
        if (function == Function.LEAKY_RELU) {
            b.arg("alpha", new Arg.Float(alpha));
        }
        return b.build();
    }

    @Override
    public FusedActivation asEpilogue() {
        return switch (function) {
            case RELU -> FusedActivation.RELU;
            case RELU6 -> FusedActivation.RELU6;
            default -> null;
        };
    }
}
