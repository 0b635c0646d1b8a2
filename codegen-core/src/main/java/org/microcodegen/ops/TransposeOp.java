package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/** Transpose with a constant permutation (MindSpore passes perm as a Constant input). */
final class TransposeOp implements Op {
    @Override
    public List<String> names() {
        return List.of("Transpose");
    }

    private static int[] perm(OpContext ctx, Shape in) {
        ctx.requireInputs(2, 2);
        long[] p = ctx.constantLongs(1, "perm");
        if (p.length != in.rank()) {
            throw ctx.error("perm of length " + p.length + " for a rank-" + in.rank() + " input");
        }
        if (in.rank() > BinaryOp.MAX_RANK) {
            throw ctx.error("rank " + in.rank() + " exceeds the supported " + BinaryOp.MAX_RANK);
        }
        int[] perm = new int[p.length];
        boolean[] seen = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            perm[i] = in.normalizeAxis(p[i], "perm");
            if (seen[perm[i]]) {
                throw ctx.error("perm " + java.util.Arrays.toString(p) + " is not a permutation");
            }
            seen[perm[i]] = true;
        }
        return perm;
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireFloat32(0);
        Shape in = ctx.shape(0);
        int[] perm = perm(ctx, in);
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = in.dim(perm[i]);
        }
        return List.of(ctx.type(0).withShape(Shape.of(out)));
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        int[] perm = perm(ctx, in);
        List<Long> dims = new ArrayList<>();
        List<Long> p = new ArrayList<>();
        for (int i = 0; i < perm.length; i++) {
            dims.add((long) in.dim(i));
            p.add((long) perm[i]);
        }
        ParamsStruct params = ParamsStruct.builder("mc_transpose_params")
                .set("rank", perm.length).ints("in_dims", dims).ints("perm", p).build();
        return Lowering.of(new KernelCall("mc_transpose", "mc_transpose_f32",
                List.of(Arg.tensor(node.input(0)), Arg.tensor(node.output()), new Arg.Params()), params));
    }
}
