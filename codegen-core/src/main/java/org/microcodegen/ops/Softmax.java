package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/** Softmax along one axis (negative counts from the last) of beta times the input (TFLite's beta; 1 elsewhere). */
public record Softmax(long axis, float beta) implements Op {
    public Softmax(long axis) {
        this(axis, 1f);
    }

    @Override
    public String opName() {
        return "Softmax";
    }

    private int axis(OpContext ctx) {
        return ctx.shape(0).normalizeAxis(axis, "softmax");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        axis(ctx);
        return List.of(ctx.type(0));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Shape s = ctx.shape(0);
        int a = axis(ctx);
        if (beta != 1f && !IntegerParams.isInteger(ctx.type(0))) {
            throw ctx.error("a float softmax with beta " + beta + " is not supported (only beta 1)");
        }
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                .integer("outer", s.product(0, a)).integer("axisLength", s.dim(a)).integer("inner", s.product(a + 1, s.rank()))
                .build();
    }
}
