package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/** Concat along one axis (attribute "axis"); the loader has already unpacked the input tuple. */
final class ConcatOp implements Op {
    @Override
    public List<String> names() {
        return List.of("Concat");
    }

    private static int axis(Node node, OpContext ctx) {
        return ctx.shape(0).normalizeAxis(node.attrs().getLong("axis", 0), "concat");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        if (ctx.inputCount() < 1) {
            throw ctx.error("has no inputs");
        }
        Shape first = ctx.shape(0);
        if (first.rank() == 0) {
            throw ctx.error("cannot concatenate 0-d inputs");
        }
        int axis = axis(node, ctx);
        int[] out = first.dims();
        out[axis] = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            ctx.requireFloat32(i);
            Shape s = ctx.shape(i);
            if (s.rank() != first.rank()) {
                throw ctx.error("input " + i + " " + s + " has another rank than " + first);
            }
            for (int d = 0; d < s.rank(); d++) {
                if (d != axis && s.dim(d) != first.dim(d)) {
                    throw ctx.error("input " + i + " " + s + " does not match " + first + " outside axis " + axis);
                }
            }
            out[axis] += s.dim(axis);
        }
        return List.of(ctx.type(0).withShape(Shape.of(out)));
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        int axis = axis(node, ctx);
        List<Long> chunks = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            Shape s = ctx.shape(i);
            chunks.add(s.product(axis, s.rank()));
        }
        return Lowering.of(new KernelCall("mc_concat", "mc_concat_f32", List.of(
                new Arg.TensorList(node.inputs()), new Arg.IntList(chunks), Arg.integer(ctx.inputCount()),
                Arg.tensor(node.output()), Arg.integer(ctx.shape(0).product(0, axis))), null));
    }
}
