package org.microcodegen.ops;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import org.microcodegen.quant.ActivationLut;
import org.microcodegen.quant.Reference;
import org.microcodegen.quant.Rounding;
import org.microcodegen.quant.SoftmaxParams;

import java.util.List;

/** Softmax along one axis (negative counts from the last) of beta times the input (TFLite's beta; 1 elsewhere). */
public record Softmax(long axis, float beta) implements Op {
    public Softmax(long axis) {
        this(axis, 1f);
    }

    @Override
    public String opName() {
        return "Softmax";
    }

    private int axis(OpContext ctx) {
        return ctx.shape(0).normalizeAxis(axis, "softmax");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        axis(ctx);
        return List.of(ctx.type(0));
    }

    /**
     * TFLite's integer softmax over the last axis: int8 in, int8 (scale 1/256, zero point -128) or int16
     * out (scale 1/32768, zero point 0); int16 in and out, with TFLite's lookup tables.
     */
    private Invocation integer(Node node, OpContext ctx, Shape s, int axis) {
        if (axis != s.rank() - 1) {
            throw ctx.error("integer softmax runs over the last axis only, not axis " + axis);
        }
        TensorType in = ctx.type(0);
        TensorType out = ctx.outputType(0);
        float inScale = IntegerParams.scale(ctx, in, "input");
        float outScale = IntegerParams.scale(ctx, out, "output");
        int outZero = IntegerParams.zeroPoint(ctx, out, "output");
        boolean int8Out = out.dtype() == DType.INT8;
        if (int8Out ? outScale != 1f / 256 || outZero != -128 : outScale != 1f / 32768 || outZero != 0) {
            throw ctx.error("softmax output " + out + ": TFLite's integer softmax writes scale "
                    + (int8Out ? "1/256 and zero point -128" : "1/32768 and zero point 0"));
        }
        ParamsStruct.Builder p = ParamsStruct.builder().set("outer", s.product(0, axis)).set("depth", s.dim(axis));
        if (in.dtype() == DType.INT8) {
            Rounding rounding = IntegerParams.rounding(ctx, false);
            SoftmaxParams sp = SoftmaxParams.int8(beta, inScale, rounding);
            p.set("input_multiplier", sp.inputMultiplier()).set("input_left_shift", sp.inputLeftShift())
                    .set("diff_min", sp.diffMin()).rounding("rounding", rounding);
        } else {
            // LiteRT's int16 softmax was measured to match its double-precision tables with double
            // rounding (tools/nonlinear_vectors.py); TFLite Micro builds its tables in float.
            boolean liteRt = ctx.reference() == Reference.LITERT;
            SoftmaxParams sp = SoftmaxParams.int16(beta, inScale, Rounding.DOUBLE, liteRt);
            p.set("input_multiplier", sp.inputMultiplier()).set("input_left_shift", sp.inputLeftShift())
                    .set("diff_min", sp.diffMin()).rounding("rounding", Rounding.DOUBLE)
                    .table("exp_lut", DType.INT16, widen(ActivationLut.softmaxExp(liteRt)))
                    .table("one_over_one_plus_x_lut", DType.INT16, widen(ActivationLut.softmaxOneOverOnePlusX(liteRt)));
        }
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output()).params(p.build()).build();
    }

    static long[] widen(short[] values) {
        long[] wide = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Shape s = ctx.shape(0);
        int a = axis(ctx);
        if (IntegerParams.isInteger(ctx.type(0))) {
            return integer(node, ctx, s, a);
        }
        if (beta != 1f) {
            throw ctx.error("a float softmax with beta " + beta + " is not supported (only beta 1)");
        }
        return rows(node, s, a);
    }

    /** A float kernel over the rows along axis {@code a} of shape {@code s}: outer, axisLength, inner (LogSoftmax's too). */
    static Invocation rows(Node node, Shape s, int a) {
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                .integer("outer", s.product(0, a)).integer("axisLength", s.dim(a)).integer("inner", s.product(a + 1, s.rank()))
                .build();
    }
}
