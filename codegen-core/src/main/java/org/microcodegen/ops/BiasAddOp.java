package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/** BiasAdd: a [C] bias added along axis 1 (NCHW channels, or the columns of an [N, C] matrix). */
final class BiasAddOp implements Op {
    @Override
    public List<String> names() {
        return List.of("BiasAdd");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(2, 2);
        ctx.requireFloat32(0, 1);
        Window2D.requireNchw(ctx, node.attrs());
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
    public Lowering lower(Node node, OpContext ctx) {
        Shape x = ctx.shape(0);
        return Lowering.of(new KernelCall("mc_bias_add", "mc_bias_add_f32", List.of(
                Arg.tensor(node.input(0)), Arg.tensor(node.input(1)), Arg.tensor(node.output()),
                Arg.integer(x.dim(0)), Arg.integer(x.dim(1)), Arg.integer(x.product(2, x.rank()))), null));
    }
}
