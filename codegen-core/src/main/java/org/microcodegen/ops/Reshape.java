package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.Arrays;
import java.util.List;

/**
 * The input under the shape given by constant input 1 (one -1 dimension is inferred). Like the
 * other shape-only ops it changes no bytes, so it lowers to a view: no code and no RAM.
 */
public record Reshape() implements Op {
    @Override
    public String opName() {
        return "Reshape";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(2, 2);
        Shape in = ctx.shape(0);
        long[] target = ctx.constantLongs(1, "shape");
        int inferred = -1;
        long known = 1;
        long[] dims = new long[target.length];
        for (int i = 0; i < target.length; i++) {
            long d = target[i];
            if (d == -1) {
                if (inferred >= 0) {
                    throw ctx.error("target shape has more than one -1");
                }
                inferred = i;
            } else if (d == 0) {
                throw ctx.error("target shape " + Arrays.toString(target) + " has a 0 dimension");
            } else if (d < -1) {
                throw ctx.error("invalid dimension " + d + " in target shape");
            } else {
                known *= d;
            }
            dims[i] = d;
        }
        if (inferred >= 0) {
            if (known == 0 || in.elementCount() % known != 0) {
                throw ctx.error("cannot reshape " + in + " to " + Arrays.toString(target));
            }
            dims[inferred] = in.elementCount() / known;
        }
        Shape out = Shape.ofLongs(dims);
        if (out.elementCount() != in.elementCount()) {
            throw ctx.error("cannot reshape " + in + " (" + in.elementCount() + " elements) to " + out);
        }
        return List.of(ctx.type(0).withShape(out));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        return Invocation.view();
    }
}
