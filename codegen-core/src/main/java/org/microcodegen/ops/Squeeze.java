package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/** The given size-1 axes dropped, or every size-1 axis when {@code axes} is empty (a view). */
public record Squeeze(List<Long> axes) implements Op {
    public Squeeze {
        axes = axes == null ? List.of() : List.copyOf(axes);
    }

    @Override
    public String opName() {
        return "Squeeze";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        Shape in = ctx.shape(0);
        boolean[] drop = new boolean[in.rank()];
        if (axes.isEmpty()) {
            for (int i = 0; i < in.rank(); i++) {
                drop[i] = in.dim(i) == 1;
            }
        } else {
            for (long a : axes) {
                int axis = in.normalizeAxis(a, "squeeze");
                if (in.dim(axis) != 1) {
                    throw ctx.error("cannot squeeze axis " + a + " of " + in + ": its size is not 1");
                }
                drop[axis] = true;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!drop[i]) {
                out.add(in.dim(i));
            }
        }
        return List.of(ctx.type(0).withShape(Shape.of(out.stream().mapToInt(Integer::intValue).toArray())));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        return Invocation.view();
    }
}
