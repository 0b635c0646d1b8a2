package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * ReduceMean over a set of axes. The axes come as a Constant input (MindSpore 2.x) or an "axis"
 * attribute (older); an empty set reduces everything. keep_dims keeps reduced axes as size 1.
 */
final class ReduceMeanOp implements Op {
    @Override
    public List<String> names() {
        return List.of("ReduceMean");
    }

    private static boolean[] reduced(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        long[] axes;
        if (ctx.inputCount() >= 2) {
            axes = ctx.constantLongs(1, "axis");
        } else {
            List<Long> a = node.attrs().getLongs("axis");
            axes = a == null ? new long[0] : a.stream().mapToLong(Long::longValue).toArray();
        }
        boolean[] r = new boolean[in.rank()];
        if (axes.length == 0) {
            java.util.Arrays.fill(r, true);
        }
        for (long a : axes) {
            r[in.normalizeAxis(a, "reduce")] = true;
        }
        if (in.rank() > BinaryOp.MAX_RANK) {
            throw ctx.error("rank " + in.rank() + " exceeds the supported " + BinaryOp.MAX_RANK);
        }
        return r;
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 2);
        ctx.requireFloat32(0);
        Shape in = ctx.shape(0);
        boolean[] r = reduced(node, ctx);
        boolean keep = node.attrs().getBool("keep_dims", false);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!r[i]) {
                out.add(in.dim(i));
            } else if (keep) {
                out.add(1);
            }
        }
        return List.of(ctx.type(0).withShape(Shape.of(out.stream().mapToInt(Integer::intValue).toArray())));
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        boolean[] r = reduced(node, ctx);
        List<Long> dims = new ArrayList<>();
        List<Long> mask = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            dims.add((long) in.dim(i));
            mask.add(r[i] ? 1L : 0L);
        }
        if (dims.isEmpty()) {
            dims.add(1L);
            mask.add(1L);
        }
        ParamsStruct params = ParamsStruct.builder("mc_reduce_params")
                .set("rank", dims.size()).ints("in_dims", dims).ints("reduced", mask).build();
        return Lowering.of(new KernelCall("mc_reduce", "mc_reduce_mean_f32",
                List.of(Arg.tensor(node.input(0)), Arg.tensor(node.output()), new Arg.Params()), params));
    }
}
