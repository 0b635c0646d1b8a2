package org.microcodegen.ops;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Constant padding. "Pad" carries paddings as an attribute of (before, after) pairs from the first
 * axis; "PadV3" takes them as a Constant input in PyTorch order (pairs from the last axis), with an
 * optional fill value input and a "mode" attribute.
 */
final class PadOp implements Op {
    @Override
    public List<String> names() {
        return List.of("Pad", "PadV3");
    }

    private record Pads(long[] before, long[] after, float value) {
    }

    private static Pads pads(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        int rank = in.rank();
        long[] before = new long[rank];
        long[] after = new long[rank];
        float value = 0f;
        if (node.opType().equals("Pad")) {
            ctx.requireInputs(1, 1);
            List<Long> flat = node.attrs().getLongs("paddings");
            if (flat == null || flat.size() != 2 * rank) {
                throw ctx.error("paddings " + flat + " do not give (before, after) for each of " + rank + " axes");
            }
            for (int i = 0; i < rank; i++) {
                before[i] = flat.get(2 * i);
                after[i] = flat.get(2 * i + 1);
            }
        } else {
            ctx.requireInputs(2, 3);
            String mode = node.attrs().getString("mode", "constant").toLowerCase(Locale.ROOT);
            if (!mode.equals("constant")) {
                throw ctx.error("pad mode '" + mode + "' is not supported (constant only)");
            }
            long[] p = ctx.constantLongs(1, "paddings");
            if (p.length % 2 != 0 || p.length / 2 > rank) {
                throw ctx.error("paddings " + java.util.Arrays.toString(p) + " do not fit a rank-" + rank + " input");
            }
            boolean contiguous = node.attrs().getBool("paddings_contiguous", true);
            int pairs = p.length / 2;
            for (int j = 0; j < pairs; j++) {
                int axis = rank - 1 - j;
                before[axis] = contiguous ? p[2 * j] : p[j];
                after[axis] = contiguous ? p[2 * j + 1] : p[pairs + j];
            }
            if (ctx.inputCount() == 3 && ctx.input(2).isConstant()) {
                ConstData v = ctx.input(2).data();
                value = (float) v.asDoubles()[0];
            } else if (ctx.inputCount() == 3) {
                throw ctx.error("the fill value must be a compile-time constant");
            }
        }
        for (int i = 0; i < rank; i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw ctx.error("negative padding (cropping) is not supported");
            }
            if (before[i] > Shape.MAX_ELEMENTS || after[i] > Shape.MAX_ELEMENTS) {
                throw ctx.error("padding " + Math.max(before[i], after[i]) + " on axis " + i + " is out of range");
            }
        }
        if (rank > BinaryOp.MAX_RANK) {
            throw ctx.error("rank " + rank + " exceeds the supported " + BinaryOp.MAX_RANK);
        }
        return new Pads(before, after, value);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireFloat32(0);
        Shape in = ctx.shape(0);
        Pads p = pads(node, ctx);
        long[] out = new long[in.rank()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.dim(i) + p.before[i] + p.after[i];
        }
        return List.of(ctx.type(0).withShape(Shape.ofLongs(out)));
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Shape in = ctx.shape(0);
        Pads p = pads(node, ctx);
        List<Long> dims = new ArrayList<>();
        List<Long> before = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            dims.add((long) in.dim(i));
            before.add(p.before[i]);
            after.add(p.after[i]);
        }
        ParamsStruct params = ParamsStruct.builder("mc_pad_params")
                .set("rank", in.rank()).ints("in_dims", dims).ints("pad_before", before).ints("pad_after", after)
                .set("value", p.value).build();
        return Lowering.of(new KernelCall("mc_pad", "mc_pad_f32",
                List.of(Arg.tensor(node.input(0)), Arg.tensor(node.output()), new Arg.Params()), params));
    }
}
