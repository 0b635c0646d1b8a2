package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/** A [C] bias added along axis 1 (NCHW channels, or the columns of an [N, C] matrix). */
public record BiasAdd() implements Op {
    @Override
    public String opName() {
        return "BiasAdd";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(2, 2);
        Shape x = ctx.shape(0);
        if (x.rank() < 2 || ctx.shape(1).rank() != 1 || ctx.shape(1).dim(0) != x.dim(1)) {
            throw ctx.error("bias " + ctx.shape(1) + " does not match the channels of " + x);
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
        return Invocation.builder().tensor("in", node.input(0)).tensor("bias", node.input(1)).tensor("out", node.output())
                .integer("batch", x.dim(0)).integer("channels", x.dim(1)).integer("inner", x.product(2, x.rank())).build();
    }

    @Override
    public boolean isChannelBias() {
        return true;
    }

    @Override
    public String operandRole(int index) {
        return "bias";
    }
}
