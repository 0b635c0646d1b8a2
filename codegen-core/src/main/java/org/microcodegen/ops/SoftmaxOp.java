package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/** Softmax along one axis (MindSpore's "axis" attribute is a one-element tuple, default -1). */
final class SoftmaxOp implements Op {
    @Override
    public List<String> names() {
        return List.of("Softmax");
    }

    private int axis(Node node, OpContext ctx) {
        List<Long> axes = node.attrs().getLongs("axis");
        if (axes != null && axes.size() > 1) {
            throw ctx.error("softmax over several axes " + axes + " is not supported");
        }
        long axis = axes == null || axes.isEmpty() ? -1 : axes.get(0);
        return ctx.shape(0).normalizeAxis(axis, "softmax");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        ctx.requireFloat32(0);
        axis(node, ctx);
        return List.of(ctx.type(0));
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Shape s = ctx.shape(0);
        int axis = axis(node, ctx);
        return Lowering.of(new KernelCall("mc_softmax", "mc_softmax_f32", List.of(
                Arg.tensor(node.input(0)), Arg.tensor(node.output()),
                Arg.integer(s.product(0, axis)), Arg.integer(s.dim(axis)), Arg.integer(s.product(axis + 1, s.rank()))), null));
    }
}
