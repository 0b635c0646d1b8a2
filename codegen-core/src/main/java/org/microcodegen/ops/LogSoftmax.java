package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * The logarithm of a softmax along one axis (negative counts from the last), computed as
 * (x - max) - log(sum(exp(x - max))) so that no exp overflows and no log of a rounded-to-zero
 * probability appears. Float only.
 */
public record LogSoftmax(long axis) implements Op {
    @Override
    public String opName() {
        return "LogSoftmax";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        ctx.shape(0).normalizeAxis(axis, "log-softmax");
        return List.of(ctx.type(0));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Shape s = ctx.shape(0);
        return Softmax.rows(node, s, s.normalizeAxis(axis, "log-softmax"));
    }
}
