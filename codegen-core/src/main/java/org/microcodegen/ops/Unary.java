package org.microcodegen.ops;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.TensorType;

import org.microcodegen.quant.ActivationLut;
import org.microcodegen.quant.HardSwishParams;
import org.microcodegen.quant.LeakyReluParams;
import org.microcodegen.quant.ReluParams;
import org.microcodegen.quant.Sigmoid16Params;

import java.util.List;

/** An element-wise function of one tensor. {@code alpha} is LeakyReLU's slope for negative inputs (unused otherwise). */
public record Unary(Function function, float alpha) implements Op {
    public enum Function {
        RELU("Relu"), RELU6("Relu6"), SIGMOID("Sigmoid"), TANH("Tanh"), HARD_SWISH("HardSwish"),
        HARD_SIGMOID("HardSigmoid"), LEAKY_RELU("LeakyRelu"), ABS("Abs");

        private final String opName;

        Function(String opName) {
            this.opName = opName;
        }
    }

    public Unary(Function function) {
        this(function, 0f);
    }

    @Override
    public String opName() {
        return function.opName;
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        return List.of(ctx.type(0));
    }

    @Override
    public int inPlaceInput(Node node, OpContext ctx) {
        return 0;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        if (IntegerParams.isInteger(ctx.type(0))) {
            return integer(node, ctx);
        }
        Invocation.Builder b = Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                .integer("n", ctx.shape(0).elementCount());
        if (function == Function.LEAKY_RELU) {
            b.arg("alpha", new Arg.Float(alpha));
        }
        return b.build();
    }

    /** Integer data: int8 sigmoid and tanh read a 256-entry table built at compile time, as TFLite's reference does. */
    private Invocation integer(Node node, OpContext ctx) {
        TensorType in = ctx.type(0);
        TensorType out = ctx.outputType(0);
        if (in.dtype() == DType.INT8 && (function == Function.SIGMOID || function == Function.TANH)) {
            byte[] lut = ActivationLut.int8(IntegerParams.scale(ctx, in, "input"), IntegerParams.zeroPoint(ctx, in, "input"),
                    IntegerParams.scale(ctx, out, "output"), IntegerParams.zeroPoint(ctx, out, "output"),
                    function == Function.SIGMOID ? ActivationLut.Function.LOGISTIC : ActivationLut.Function.TANH);
            long[] table = new long[lut.length];
            for (int i = 0; i < lut.length; i++) {
                table[i] = lut[i];
            }
            return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                    .integer("n", ctx.shape(0).elementCount()).arg("lut", new Arg.Table(new ParamsStruct.Table(DType.INT8, table)))
                    .build();
        }
        if (in.dtype() == DType.INT8 && out.dtype() == DType.INT8 && function == Function.HARD_SWISH) {
            return hardSwish(node, ctx, in, out);
        }
        if (in.dtype() == DType.INT16 && out.dtype() == DType.INT16 && (function == Function.SIGMOID || function == Function.TANH)) {
            return sigmoid16(node, ctx, in, out);
        }
        if (function == Function.RELU || function == Function.RELU6 || function == Function.LEAKY_RELU) {
            float inScale = IntegerParams.scale(ctx, in, "input");
            int inZero = IntegerParams.zeroPoint(ctx, in, "input");
            float outScale = IntegerParams.scale(ctx, out, "output");
            int outZero = IntegerParams.zeroPoint(ctx, out, "output");
            ParamsStruct.Builder p = ParamsStruct.builder();
            if (function == Function.LEAKY_RELU) {
                LeakyReluParams d = LeakyReluParams.derive(inScale, inZero, alpha, outScale, outZero, ctx.reference());
                p.set("in_zero_point", d.inZeroPoint()).set("out_zero_point", d.outZeroPoint())
                        .set("identity_mult", d.identityMultiplier()).set("identity_shift", d.identityShift())
                        .set("alpha_mult", d.alphaMultiplier()).set("alpha_shift", d.alphaShift());
            } else {
                ReluParams d = ReluParams.derive(function == Function.RELU ? ReluParams.Kind.RELU : ReluParams.Kind.RELU6,
                        inScale, inZero, outScale, outZero, out.dtype(), ctx.reference());
                p.set("in_zero_point", d.inZeroPoint()).set("out_zero_point", d.outZeroPoint())
                        .set("mult", d.multiplier()).set("shift", d.shift()).set("act_min", d.actMin()).set("act_max", d.actMax());
            }
            p.rounding("rounding", IntegerParams.rounding(ctx, false));
            return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                    .integer("n", ctx.shape(0).elementCount()).params(p.build()).build();
        }
        throw ctx.error(opName() + " on " + in.dtype().displayName() + " data is not supported");
    }

    /** int8 HARD_SWISH: TFLite's 16-bit fixed-point reference with its two Q15 multipliers. */
    private Invocation hardSwish(Node node, OpContext ctx, TensorType in, TensorType out) {
        HardSwishParams d;
        try {
            d = HardSwishParams.derive(IntegerParams.scale(ctx, in, "input"), IntegerParams.zeroPoint(ctx, in, "input"),
                    IntegerParams.scale(ctx, out, "output"), IntegerParams.zeroPoint(ctx, out, "output"));
        } catch (IllegalArgumentException e) {
            throw ctx.error(e.getMessage());
        }
        ParamsStruct p = ParamsStruct.builder().set("in_zero_point", d.inZeroPoint()).set("out_zero_point", d.outZeroPoint())
                .set("reluish_mult", d.reluishMultiplier()).set("reluish_exponent", d.reluishExponent())
                .set("out_mult", d.outMultiplier()).set("out_exponent", d.outExponent()).build();
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                .integer("n", ctx.shape(0).elementCount()).params(p).build();
    }

    /** int16 sigmoid and tanh: LiteRT's interpolation in its sigmoid table, the input rescaled as its Prepare does. */
    private Invocation sigmoid16(Node node, OpContext ctx, TensorType in, TensorType out) {
        Sigmoid16Params d;
        try {
            d = Sigmoid16Params.derive(IntegerParams.scale(ctx, in, "input"), IntegerParams.zeroPoint(ctx, in, "input"),
                    IntegerParams.scale(ctx, out, "output"), IntegerParams.zeroPoint(ctx, out, "output"), function == Function.TANH);
        } catch (IllegalArgumentException e) {
            throw ctx.error(e.getMessage());
        }
        ParamsStruct p = ParamsStruct.builder().set("mult", d.multiplier()).set("shift", d.shift()).build();
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                .integer("n", ctx.shape(0).elementCount()).params(p).build();
    }

    @Override
    public FusedActivation asEpilogue() {
        return switch (function) {
            case RELU -> FusedActivation.RELU;
            case RELU6 -> FusedActivation.RELU6;
            default -> null;
        };
    }
}
