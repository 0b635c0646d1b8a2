package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Axes startDim..endDim merged into one (a view). A null {@code startDim} means axis 1 (keep the
 * batch axis), or 0 for inputs of rank 0 or 1.
 */
public record Flatten(Long startDim, long endDim) implements Op {
    @Override
    public String opName() {
        return "Flatten";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        return List.of(ctx.type(0).withShape(flatten(ctx, ctx.shape(0))));
    }

    private Shape flatten(OpContext ctx, Shape in) {
        if (in.rank() == 0) {
            return Shape.of(1);
        }
        int start = in.normalizeAxis(startDim != null ? startDim : 1 % Math.max(in.rank(), 1), "flatten start");
        int end = in.normalizeAxis(endDim, "flatten end");
        if (in.rank() == 1) {
            return in;
        }
        if (start > end) {
            throw ctx.error("start_dim " + start + " is after end_dim " + end);
        }
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            dims.add(in.dim(i));
        }
        dims.add((int) in.product(start, end + 1));
        for (int i = end + 1; i < in.rank(); i++) {
            dims.add(in.dim(i));
        }
        return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        return Invocation.view();
    }
}
