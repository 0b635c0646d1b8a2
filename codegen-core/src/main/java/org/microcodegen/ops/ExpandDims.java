package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/** A size-1 axis inserted at the position given by constant input 1 (a view). */
public record ExpandDims() implements Op {
    @Override
    public String opName() {
        return "ExpandDims";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(2, 2);
        Shape in = ctx.shape(0);
        long axis = ctx.constantLongs(1, "axis")[0];
        int pos = Shape.normalizeAxis(axis, in.rank() + 1, "expand_dims");
        int[] dims = new int[in.rank() + 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            dims[i] = i == pos ? 1 : in.dim(j++);
        }
        return List.of(ctx.type(0).withShape(Shape.of(dims)));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        return Invocation.view();
    }
}
