package org.microcodegen.ops;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Constant padding. The paddings are the attribute {@code pads} for every axis from the first, or,
 * when {@code pads} is null, a constant input 1 that may cover only the last axes (listed from the
 * last axis when {@code fromLastAxis}). {@code interleaved} lists (before, after) per axis, otherwise
 * all befores then all afters. An optional constant input 2 is the fill value (0 otherwise).
 */
public record Pad(List<Long> pads, boolean fromLastAxis, boolean interleaved) implements Op {
    public Pad {
        pads = pads == null ? null : List.copyOf(pads);
    }

    @Override
    public String opName() {
        return "Pad";
    }

    /** {@code value}: the fill value in the data's dtype, a Float for floating-point data, a Long for integers. */
    private record Pads(long[] before, long[] after, Number value) {
    }

    private Pads pads(OpContext ctx) {
        Shape in = ctx.shape(0);
        int rank = in.rank();
        long[] before = new long[rank];
        long[] after = new long[rank];
        boolean real = ctx.type(0).dtype().isFloatingPoint();
        Number value = real ? (Number) 0f : (Number) 0L;
        long[] p;
        if (pads != null) {
            ctx.requireInputs(1, 1);
            if (pads.size() != 2 * rank) {
                throw ctx.error("paddings " + pads + " do not give (before, after) for each of " + rank + " axes");
            }
            p = pads.stream().mapToLong(Long::longValue).toArray();
        } else {
            ctx.requireInputs(2, 3);
            p = ctx.constantLongs(1, "paddings");
            if (p.length % 2 != 0 || p.length / 2 > rank) {
                throw ctx.error("paddings " + Arrays.toString(p) + " do not fit a rank-" + rank + " input");
            }
            if (ctx.inputCount() == 3 && ctx.input(2).isConstant()) {
                value = fillValue(ctx.input(2).data(), real);
            } else if (ctx.inputCount() == 3) {
                throw ctx.error("the fill value must be a compile-time constant");
            }
        }
        int pairs = p.length / 2;
        for (int j = 0; j < pairs; j++) {
            int axis = fromLastAxis ? rank - 1 - j : j;
            before[axis] = interleaved ? p[2 * j] : p[j];
            after[axis] = interleaved ? p[2 * j + 1] : p[pairs + j];
        }
        for (int i = 0; i < rank; i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw ctx.error("negative padding (cropping) is not supported");
            }
            if (before[i] > Shape.MAX_ELEMENTS || after[i] > Shape.MAX_ELEMENTS) {
                throw ctx.error("padding " + Math.max(before[i], after[i]) + " on axis " + i + " is out of range");
            }
        }
        if (rank > Binary.MAX_RANK) {
            throw ctx.error("rank " + rank + " exceeds the supported " + Binary.MAX_RANK);
        }
        return new Pads(before, after, value);
    }

    /** The fill constant read in the padded data's dtype: a float for floating-point data, an integer otherwise. */
    private static Number fillValue(ConstData fill, boolean real) {
        if (real) {
            return (float) fill.asDoubles()[0];
        }
        return fill.dtype().isFloatingPoint() ? (long) fill.asDoubles()[0] : fill.asLongs()[0];
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        Pads p = pads(ctx);
        long[] out = new long[in.rank()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.dim(i) + p.before[i] + p.after[i];
        }
        return List.of(ctx.type(0).withShape(Shape.ofLongs(out)));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        Pads p = pads(ctx);
        List<Long> dims = new ArrayList<>();
        List<Long> before = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            dims.add((long) in.dim(i));
            before.add(p.before[i]);
            after.add(p.after[i]);
        }
        ParamsStruct.Builder params = ParamsStruct.builder()
                .set("rank", in.rank()).ints("in_dims", dims).ints("pad_before", before).ints("pad_after", after);
        boolean defaultFill = pads != null || ctx.inputCount() < 3;
        if (defaultFill && IntegerParams.isInteger(ctx.outputType(0)) && ctx.outputType(0).quantization() != null) {
            // "zero" in a quantized tensor is its zero point (TFLite's PAD)
            params.set("value", IntegerParams.zeroPoint(ctx, ctx.outputType(0), "output"));
        } else if (p.value instanceof Float f) {
            params.set("value", f.floatValue());
        } else {
            params.set("value", p.value.longValue());
        }
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output()).params(params.build()).build();
    }
}
