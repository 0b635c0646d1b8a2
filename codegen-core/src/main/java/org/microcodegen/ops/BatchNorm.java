package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Batch normalisation in inference mode along axis 1: inputs x, scale (gamma), offset (beta), mean
 * and variance; one output.
 */
public record BatchNorm(float epsilon) implements Op {
    @Override
    public String opName() {
        return "BatchNorm";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(5, 5);
        Shape x = ctx.shape(0);
        if (x.rank() < 2) {
            throw ctx.error("expects an input of rank 2 or more, got " + x);
        }
        for (int i = 1; i < 5; i++) {
            if (ctx.shape(i).elementCount() != x.dim(1)) {
                throw ctx.error("parameter " + i + " " + ctx.shape(i) + " does not have " + x.dim(1) + " elements");
            }
        }
        if (node.outputs().size() > 1) {
            throw ctx.error("only output 0 (the normalised tensor) is available at inference time");
        }
        return List.of(ctx.type(0));
    }

    @Override
    public int inPlaceInput(Node node, OpContext ctx) {
        return 0;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Shape x = ctx.shape(0);
        return Invocation.builder().tensor("in", node.input(0)).tensor("scale", node.input(1)).tensor("offset", node.input(2))
                .tensor("mean", node.input(3)).tensor("variance", node.input(4)).arg("epsilon", new Arg.Float(epsilon))
                .tensor("out", node.output())
                .integer("batch", x.dim(0)).integer("channels", x.dim(1)).integer("inner", x.product(2, x.rank())).build();
    }

    @Override
    public String operandRole(int index) {
        return switch (index) {
            case 1 -> "gamma";
            case 2 -> "beta";
            case 3 -> "mean";
            case 4 -> "variance";
            default -> "in" + index;
        };
    }
}
