package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import org.microcodegen.quant.AddParams;
import org.microcodegen.quant.MulParams;

import java.util.ArrayList;
import java.util.List;

/**
 * An element-wise function of two tensors with NumPy broadcasting. Broadcasting is resolved here, at
 * compile time, into per-operand strides with adjacent compatible axes merged, so the kernel's inner
 * loop is as long and simple as the shapes allow.
 */
public record Binary(Function function, FusedActivation activation) implements Op {
    public Binary {
        activation = activation == null ? FusedActivation.NONE : activation;
    }

    public Binary(Function function) {
        this(function, FusedActivation.NONE);
    }

    public enum Function {
        ADD("Add"), SUB("Sub"), MUL("Mul"), DIV("Div"), MAXIMUM("Maximum"), MINIMUM("Minimum");

        private final String opName;

        Function(String opName) {
            this.opName = opName;
        }
    }

    /** The most axes the layout kernels (broadcast, pad, transpose, slice, reduce) take. */
    public static final int MAX_RANK = 6;

    @Override
    public String opName() {
        return function.opName;
    }

    static Shape broadcast(OpContext ctx, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromRight(a, rank - 1 - i);
            int db = dimFromRight(b, rank - 1 - i);
            if (da != db && da != 1 && db != 1) {
                throw ctx.error("shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return Shape.of(out);
    }

    /** Dimension {@code fromRight} places from the last axis, 1 beyond the operand's rank. */
    private static int dimFromRight(Shape s, int fromRight) {
        int axis = s.rank() - 1 - fromRight;
        return axis < 0 ? 1 : s.dim(axis);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(2, 2);
        return List.of(ctx.type(0).withShape(broadcast(ctx, ctx.shape(0), ctx.shape(1))));
    }

    @Override
    public int inPlaceInput(Node node, OpContext ctx) {
        Shape out = broadcast(ctx, ctx.shape(0), ctx.shape(1));
        if (ctx.shape(0).equals(out)) {
            return 0;
        }
        return ctx.shape(1).equals(out) ? 1 : -1;
    }

    /** Output dims and operand strides after merging axes: the binary kernels' parameters. */
    record Broadcast(List<Long> dims, List<Long> aStrides, List<Long> bStrides) {
    }

    static Broadcast plan(OpContext ctx, Shape a, Shape b) {
        Shape out = broadcast(ctx, a, b);
        int rank = out.rank();
        long[] as = strides(a, out);
        long[] bs = strides(b, out);
        List<long[]> axes = new ArrayList<>(); // {dim, aStride, bStride}, outermost first
        for (int i = 0; i < rank; i++) {
            if (out.dim(i) != 1) {
                axes.add(new long[] {out.dim(i), as[i], bs[i]});
            }
        }
        if (axes.isEmpty()) {
            axes.add(new long[] {1, 0, 0});
        }
        // Merge an axis into the next inner one when, for both operands, stepping the outer axis is the
        // same as running on along the inner one.
        List<long[]> merged = new ArrayList<>();
        long[] cur = axes.get(axes.size() - 1).clone();
        for (int i = axes.size() - 2; i >= 0; i--) {
            long[] outer = axes.get(i);
            boolean aOk = outer[1] == cur[1] * cur[0];
            boolean bOk = outer[2] == cur[2] * cur[0];
            if (aOk && bOk) {
                cur[0] *= outer[0];
            } else {
                merged.add(0, cur);
                cur = outer.clone();
            }
        }
        merged.add(0, cur);
        if (merged.size() > MAX_RANK) {
            throw ctx.error("broadcast of " + a + " and " + b + " needs " + merged.size() + " axes; at most " + MAX_RANK + " are supported");
        }
        List<Long> dims = new ArrayList<>();
        List<Long> sa = new ArrayList<>();
        List<Long> sb = new ArrayList<>();
        for (long[] ax : merged) {
            dims.add(ax[0]);
            sa.add(ax[1]);
            sb.add(ax[2]);
        }
        return new Broadcast(dims, sa, sb);
    }

    /** Element strides of an operand over the output's axes, 0 along broadcast axes. */
    private static long[] strides(Shape operand, Shape out) {
        int rank = out.rank();
        long[] s = new long[rank];
        long step = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int axis = operand.rank() - (rank - i);
            int d = axis < 0 ? 1 : operand.dim(axis);
            s[i] = d == 1 ? 0 : step;
            step *= d;
        }
        return s;
    }

    /**
     * TFLite's integer ADD, SUB (each input rescaled to a common scale with extra precision, then the
     * sum rescaled) and MUL (the product rescaled), with the broadcast in the parameters' bc and the
     * fused activation as a clamp.
     */
    private Invocation integer(Node node, OpContext ctx, Broadcast bc) {
        TensorType a = ctx.type(0);
        TensorType b = ctx.type(1);
        TensorType out = ctx.outputType(0);
        float sa = IntegerParams.scale(ctx, a, "first input");
        float sb = IntegerParams.scale(ctx, b, "second input");
        float so = IntegerParams.scale(ctx, out, "output");
        int za = IntegerParams.zeroPoint(ctx, a, "first input");
        int zb = IntegerParams.zeroPoint(ctx, b, "second input");
        int zo = IntegerParams.zeroPoint(ctx, out, "output");
        ParamsStruct.Builder p = ParamsStruct.builder()
                .set("bc.rank", bc.dims().size()).ints("bc.out_dims", bc.dims())
                .ints("bc.a_strides", bc.aStrides()).ints("bc.b_strides", bc.bStrides());
        switch (function) {
            case ADD, SUB -> {
                AddParams d = AddParams.derive(sa, za, sb, zb, so, zo, out.dtype());
                p.set("left_shift", d.leftShift())
                        .set("in1_offset", d.in1Offset()).set("in1_mult", d.in1Multiplier()).set("in1_shift", d.in1Shift())
                        .set("in2_offset", d.in2Offset()).set("in2_mult", d.in2Multiplier()).set("in2_shift", d.in2Shift())
                        .set("out_offset", d.outOffset()).set("out_mult", d.outMultiplier()).set("out_shift", d.outShift());
            }
            case MUL -> {
                MulParams d = MulParams.derive(sa, za, sb, zb, so, zo, ctx.reference());
                p.set("in1_offset", d.in1Offset()).set("in2_offset", d.in2Offset())
                        .set("out_offset", d.outOffset()).set("out_mult", d.outMultiplier()).set("out_shift", d.outShift());
            }
            default -> throw ctx.error(opName() + " on " + out.dtype().displayName() + " data is not supported");
        }
        IntegerParams.activationRange(p, ctx, activation);
        p.rounding("rounding", IntegerParams.rounding(ctx, false));
        return Invocation.builder().tensor("a", node.input(0)).tensor("b", node.input(1)).tensor("out", node.output())
                .params(p.build()).build();
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Broadcast bc = plan(ctx, ctx.shape(0), ctx.shape(1));
        if (IntegerParams.isInteger(ctx.type(0))) {
            return integer(node, ctx, bc);
        }
        if (activation != FusedActivation.NONE) {
            // frontends give float data its activation as a node of its own, which the float kernels need
            throw ctx.error("a fused " + activation.label() + " on float data is not supported");
        }
        ParamsStruct params = ParamsStruct.builder()
                .set("rank", bc.dims().size())
                .ints("out_dims", bc.dims())
                .ints("a_strides", bc.aStrides())
                .ints("b_strides", bc.bStrides())
                .build();
        return Invocation.builder().tensor("a", node.input(0)).tensor("b", node.input(1)).tensor("out", node.output())
                .params(params).build();
    }
}
