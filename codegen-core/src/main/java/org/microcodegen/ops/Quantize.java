package org.microcodegen.ops;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.TensorType;

import org.microcodegen.quant.Reference;
import org.microcodegen.quant.RequantizeParams;
import org.microcodegen.quant.Rounding;

import java.util.List;

/**
 * A change of number representation, element by element: float to integer (TFLite's QUANTIZE),
 * integer to float (DEQUANTIZE), or integer to integer with another scale or width (QUANTIZE on an
 * integer input: a requantization). The result's dtype and quantization are the op's attributes,
 * because they are the model's choice, not something the input implies.
 *
 * @param to           the output's dtype
 * @param quantization the output's quantization (null for float output)
 */
public record Quantize(DType to, Quantization quantization) implements Op {
    @Override
    public String opName() {
        if (to.isFloatingPoint()) {
            return "Dequantize";
        }
        return "Quantize";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        if (!to.isFloatingPoint() && quantization == null) {
            throw ctx.error("quantizes to " + to.displayName() + " without a scale and zero point");
        }
        return List.of(new TensorType(to, ctx.shape(0), quantization));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        TensorType in = ctx.type(0);
        TensorType out = ctx.outputType(0);
        ParamsStruct.Builder p = ParamsStruct.builder();
        if (in.dtype().isFloatingPoint() || out.dtype().isFloatingPoint()) {
            // the integer side's scale and zero point: real = scale * (q - zero point)
            TensorType q = in.dtype().isFloatingPoint() ? out : in;
            p.set("scale", IntegerParams.scale(ctx, q, "integer side")).set("zero_point", IntegerParams.zeroPoint(ctx, q, "integer side"))
                    // ONNX Runtime rounds float -> int half to even, TFLite half away from zero (either TFLite rounding)
                    .rounding("rounding", ctx.reference() == Reference.ONNXRUNTIME ? Rounding.FLOAT : Rounding.SINGLE);
        } else {
            RequantizeParams d = RequantizeParams.derive(IntegerParams.scale(ctx, in, "input"), IntegerParams.zeroPoint(ctx, in, "input"),
                    IntegerParams.scale(ctx, out, "output"), IntegerParams.zeroPoint(ctx, out, "output"));
            p.set("in_zero_point", d.inZeroPoint()).set("out_zero_point", d.outZeroPoint())
                    .set("mult", d.multiplier()).set("shift", d.shift()).rounding("rounding", IntegerParams.rounding(ctx, false));
        }
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output())
                .integer("n", ctx.shape(0).elementCount()).params(p.build()).build();
    }
}
