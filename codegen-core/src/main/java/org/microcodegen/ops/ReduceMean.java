package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import org.microcodegen.ir.TensorType;
import org.microcodegen.quant.MeanParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mean over a set of axes: the attribute {@code axes}, or, when it is null, a constant input 1;
 * no axes at all reduce everything. {@code keepDims} keeps reduced axes as size 1.
 */
public record ReduceMean(List<Long> axes, boolean keepDims) implements Op {
    public ReduceMean {
        axes = axes == null ? null : List.copyOf(axes);
    }

    @Override
    public String opName() {
        return "ReduceMean";
    }

    private boolean[] reduced(OpContext ctx) {
        Shape in = ctx.shape(0);
        long[] a = ctx.inputCount() >= 2 || axes == null
                ? ctx.inputCount() >= 2 ? ctx.constantLongs(1, "axis") : new long[0]
                : axes.stream().mapToLong(Long::longValue).toArray();
        boolean[] r = new boolean[in.rank()];
        if (a.length == 0) {
            Arrays.fill(r, true);
        }
        for (long x : a) {
            r[in.normalizeAxis(x, "reduce")] = true;
        }
        if (in.rank() > Binary.MAX_RANK) {
            throw ctx.error("rank " + in.rank() + " exceeds the supported " + Binary.MAX_RANK);
        }
        return r;
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 2);
        Shape in = ctx.shape(0);
        boolean[] r = reduced(ctx);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!r[i]) {
                out.add(in.dim(i));
            } else if (keepDims) {
                out.add(1);
            }
        }
        return List.of(ctx.type(0).withShape(Shape.of(out.stream().mapToInt(Integer::intValue).toArray())));
    }

    /** TFLite's integer MEAN: over H and W of an NHWC tensor (the pooling form every converter emits). */
    private Invocation integer(Node node, OpContext ctx, Shape in, boolean[] r) {
        if (in.rank() != 4 || r[0] || !r[1] || !r[2] || r[3]) {
            throw ctx.error("an integer mean over other axes than H and W of a 4-D tensor is not supported");
        }
        TensorType t = ctx.type(0);
        TensorType out = ctx.outputType(0);
        MeanParams d = MeanParams.derive(IntegerParams.scale(ctx, t, "input"), IntegerParams.zeroPoint(ctx, t, "input"),
                IntegerParams.scale(ctx, out, "output"), IntegerParams.zeroPoint(ctx, out, "output"), in.dim(1) * in.dim(2));
        ParamsStruct p = ParamsStruct.builder()
                .set("batch", in.dim(0)).set("in_h", in.dim(1)).set("in_w", in.dim(2)).set("channels", in.dim(3))
                .set("in_zero_point", d.inZeroPoint()).set("out_zero_point", d.outZeroPoint())
                .set("mult", d.multiplier()).set("shift", d.shift()).set("divisor", d.divisor())
                .rounding("rounding", IntegerParams.rounding(ctx, false))
                .build();
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output()).params(p).build();
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        boolean[] r = reduced(ctx);
        if (IntegerParams.isInteger(ctx.type(0))) {
            return integer(node, ctx, in, r);
        }
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
        ParamsStruct params = ParamsStruct.builder()
                .set("rank", dims.size()).ints("in_dims", dims).ints("reduced", mask).build();
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output()).params(params).build();
    }
}
