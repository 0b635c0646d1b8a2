package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Max or average pooling over H and W of an NHWC tensor as TFLite defines it (MAX_POOL_2D,
 * AVERAGE_POOL_2D): an average divides by the number of window cells inside the input, and the
 * fused activation clamps the result. Integer pooling keeps the input's scale and zero point, so the
 * activation clamp is the only quantization parameter.
 */
public record Pool2DNhwc(Pool2D.Kind kind, Pair window, Pair strides, Padding padding, FusedActivation activation)
        implements Op, SlidingWindow {
    public Pool2DNhwc {
        activation = activation == null ? FusedActivation.NONE : activation;
    }

    @Override
    public String opName() {
        return kind == Pool2D.Kind.MAX ? "MaxPool2DNhwc" : "AvgPool2DNhwc";
    }

    private static Shape input(OpContext ctx) {
        ctx.requireInputs(1, 1);
        Shape x = ctx.shape(0);
        if (x.rank() != 4) {
            throw ctx.error("expects a 4-D NHWC input, got " + x);
        }
        return x;
    }

    @Override
    public Window2D window(OpContext ctx) {
        Shape x = input(ctx);
        return Window2D.of(ctx, x.dim(1), x.dim(2), window.h(), window.w(), strides, Pair.of(1), padding);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Window2D w = window(ctx);
        Shape x = ctx.shape(0);
        return List.of(ctx.type(0).withShape(Shape.of(x.dim(0), w.outH(), w.outW(), x.dim(3))));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Window2D w = window(ctx);
        Shape x = ctx.shape(0);
        if (IntegerParams.isInteger(ctx.type(0)) && !java.util.Objects.equals(ctx.type(0).quantization(), ctx.outputType(0).quantization())) {
            throw ctx.error("pools " + ctx.type(0) + " into " + ctx.outputType(0)
                    + ": integer pooling keeps the input's scale and zero point");
        }
        ParamsStruct.Builder p = ParamsStruct.builder()
                .set("batch", x.dim(0))
                .set("in_h", x.dim(1)).set("in_w", x.dim(2)).set("channels", x.dim(3))
                .set("out_h", w.outH()).set("out_w", w.outW())
                .set("k_h", w.kH()).set("k_w", w.kW())
                .set("stride_h", w.strideH()).set("stride_w", w.strideW())
                .set("pad_top", w.padTop()).set("pad_left", w.padLeft());
        IntegerParams.activationRange(p, ctx, activation);
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output()).params(p.build()).build();
    }

    @Override
    public FusedActivation activation() {
        return activation;
    }
}
