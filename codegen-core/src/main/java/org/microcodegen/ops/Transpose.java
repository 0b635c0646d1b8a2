package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/** Axes permuted by a constant permutation, input 1: output axis i is input axis perm[i]. */
public record Transpose() implements Op {
    @Override
    public String opName() {
        return "Transpose";
    }

    private static int[] perm(OpContext ctx, Shape in) {
        ctx.requireInputs(2, 2);
        long[] p = ctx.constantLongs(1, "perm");
        if (p.length != in.rank()) {
            throw ctx.error("perm of length " + p.length + " for a rank-" + in.rank() + " input");
        }
        if (in.rank() > Binary.MAX_RANK) {
            throw ctx.error("rank " + in.rank() + " exceeds the supported " + Binary.MAX_RANK);
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
        Shape in = ctx.shape(0);
        int[] perm = perm(ctx, in);
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = in.dim(perm[i]);
        }
        return List.of(ctx.type(0).withShape(Shape.of(out)));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        int[] perm = perm(ctx, in);
        List<Long> dims = new ArrayList<>();
        List<Long> p = new ArrayList<>();
        for (int i = 0; i < perm.length; i++) {
            dims.add((long) in.dim(i));
            p.add((long) perm[i]);
        }
        ParamsStruct params = ParamsStruct.builder()
                .set("rank", perm.length).ints("in_dims", dims).ints("perm", p).build();
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output()).params(params).build();
    }
}
