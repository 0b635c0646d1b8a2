package org.microcodegen.ops;

import org.microcodegen.ir.Attributes;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * 2-D MatMul with either operand transposed (attribute names transpose_a/transpose_b, or
 * transpose_x1/transpose_x2 in older exports). After fusion a third input is a bias of N elements
 * and "fused_activation" names a ReLU/ReLU6: that is nn.Dense in one kernel call.
 */
final class MatMulOp implements Op {
    @Override
    public List<String> names() {
        return List.of("MatMul");
    }

    private record Dims(int m, int k, int n, boolean ta, boolean tb) {
    }

    private static boolean flag(Attributes a, String name, String oldName) {
        return a.getBool(name, false) || a.getBool(oldName, false);
    }

    private Dims dims(Node node, OpContext ctx) {
        ctx.requireInputs(2, 3);
        ctx.requireFloat32(0, 1);
        Shape a = ctx.shape(0);
        Shape b = ctx.shape(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw ctx.error("expects 2-D operands, got " + a + " and " + b);
        }
        boolean ta = flag(node.attrs(), "transpose_a", "transpose_x1");
        boolean tb = flag(node.attrs(), "transpose_b", "transpose_x2");
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int kb = tb ? b.dim(1) : b.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw ctx.error("inner dimensions differ: " + a + (ta ? "^T" : "") + " x " + b + (tb ? "^T" : ""));
        }
        if (ctx.inputCount() == 3 && ctx.shape(2).elementCount() != n) {
            throw ctx.error("bias " + ctx.shape(2) + " does not have " + n + " elements");
        }
        return new Dims(m, k, n, ta, tb);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Dims d = dims(node, ctx);
        return List.of(ctx.type(0).withShape(Shape.of(d.m, d.n)));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        Dims d = dims(node, ctx);
        return (long) d.m * d.k * d.n;
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Dims d = dims(node, ctx);
        Arg bias = ctx.inputCount() == 3 ? Arg.tensor(node.input(2)) : new Arg.Null();
        List<Arg> args = new ArrayList<>(List.of(
                Arg.tensor(node.input(0)), Arg.tensor(node.input(1)), bias, Arg.tensor(node.output()),
                Arg.integer(d.m), Arg.integer(d.k), Arg.integer(d.n)));
        String function;
        if (!d.ta && d.tb) {
            // nn.Dense's layout has an entry point of its own: a model of Dense layers links one loop shape
            function = "mc_matmul_dense_f32";
        } else {
            function = "mc_matmul_f32";
            args.add(Arg.integer(d.ta ? 1 : 0));
            args.add(Arg.integer(d.tb ? 1 : 0));
        }
        args.add(new Arg.Symbol(Activations.fusedSymbol(node)));
        return Lowering.of(new KernelCall("mc_matmul", function, args, null));
    }
}
