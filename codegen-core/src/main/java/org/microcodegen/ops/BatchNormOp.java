package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * BatchNorm in inference mode: inputs x, scale (gamma), offset (beta), mean, variance. MindSpore's
 * primitive has five outputs (y and batch statistics); inference graphs read only y, output 0.
 */
final class BatchNormOp implements Op {
    @Override
    public List<String> names() {
        return List.of("BatchNorm");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(5, 5);
        ctx.requireFloat32(0, 1, 2, 3, 4);
        Window2D.requireNchw(ctx, node.attrs());
        if (node.attrs().getBool("is_training", false)) {
            throw ctx.error("training-mode BatchNorm cannot run on a device; export the network with set_train(False)");
        }
        Shape x = ctx.shape(0);
        if (x.rank() < 2) {
            throw ctx.error("expects an input of rank 2 or more, got " + x);
        }
        for (int i = 1; i < 5; i++) {
            if (ctx.shape(i).elementCount() != x.dim(1)) {
                throw ctx.error("parameter " + i + " " + ctx.shape(i) + " does not have " + x.dim(1) + " elements");
            }
        }
        if (node.outputs().size() > 1) {
            throw ctx.error("only output 0 (the normalised tensor) is available at inference time");
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
        float epsilon = (float) node.attrs().getDouble("epsilon", 1e-5);
        return Lowering.of(new KernelCall("mc_batchnorm", "mc_batchnorm_f32", List.of(
                Arg.tensor(node.input(0)), Arg.tensor(node.input(1)), Arg.tensor(node.input(2)),
                Arg.tensor(node.input(3)), Arg.tensor(node.input(4)), new Arg.Float(epsilon),
                Arg.tensor(node.output()),
                Arg.integer(x.dim(0)), Arg.integer(x.dim(1)), Arg.integer(x.product(2, x.rank()))), null));
    }
}
