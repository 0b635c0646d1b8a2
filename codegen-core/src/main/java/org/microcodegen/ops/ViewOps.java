package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Reshape, Flatten, Squeeze and ExpandDims: they change the shape, never the bytes, so they lower to
 * a view of their input's memory and cost no code and no RAM.
 */
final class ViewOps implements Op {
    @Override
    public List<String> names() {
        return List.of("Reshape", "Flatten", "Squeeze", "ExpandDims");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        Shape out = switch (node.opType()) {
            case "Reshape" -> reshape(ctx, in);
            case "Flatten" -> flatten(node, ctx, in);
            case "Squeeze" -> squeeze(node, ctx, in);
            case "ExpandDims" -> expandDims(ctx, in);
            default -> throw new IllegalStateException(node.opType());
        };
        return List.of(ctx.type(0).withShape(out));
    }

    private static Shape reshape(OpContext ctx, Shape in) {
        ctx.requireInputs(2, 2);
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
                throw ctx.error("target shape " + java.util.Arrays.toString(target) + " has a 0 dimension");
            } else if (d < -1) {
                throw ctx.error("invalid dimension " + d + " in target shape");
            } else {
                known *= d;
            }
            dims[i] = d;
        }
        if (inferred >= 0) {
            if (known == 0 || in.elementCount() % known != 0) {
                throw ctx.error("cannot reshape " + in + " to " + java.util.Arrays.toString(target));
            }
            dims[inferred] = in.elementCount() / known;
        }
        Shape out = Shape.ofLongs(dims);
        if (out.elementCount() != in.elementCount()) {
            throw ctx.error("cannot reshape " + in + " (" + in.elementCount() + " elements) to " + out);
        }
        return out;
    }

    /** nn.Flatten keeps axis 0; ops.flatten may give start_dim/end_dim (defaults 1 and -1). */
    private static Shape flatten(Node node, OpContext ctx, Shape in) {
        ctx.requireInputs(1, 1);
        if (in.rank() == 0) {
            return Shape.of(1);
        }
        int start = in.normalizeAxis(node.attrs().getLong("start_dim", 1 % Math.max(in.rank(), 1)), "flatten start");
        int end = in.normalizeAxis(node.attrs().getLong("end_dim", -1), "flatten end");
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

    private static Shape squeeze(Node node, OpContext ctx, Shape in) {
        ctx.requireInputs(1, 1);
        List<Long> axes = node.attrs().getLongs("axis");
        boolean[] drop = new boolean[in.rank()];
        if (axes == null || axes.isEmpty()) {
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
        return Shape.of(out.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Shape expandDims(OpContext ctx, Shape in) {
        ctx.requireInputs(2, 2);
        long axis = ctx.constantLongs(1, "axis")[0];
        int pos = Shape.normalizeAxis(axis, in.rank() + 1, "expand_dims");
        int[] dims = new int[in.rank() + 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            dims[i] = i == pos ? 1 : in.dim(j++);
        }
        return Shape.of(dims);
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        return Lowering.view();
    }
}
