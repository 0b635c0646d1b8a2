package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Max or average pooling over H and W of an NCHW tensor.
 *
 * @param countIncludePad whether an average divides by the whole window, padding included, rather
 *                        than by the cells inside the input
 */
public record Pool2D(Kind kind, Pair window, Pair strides, Padding padding, boolean countIncludePad)
        implements Op, SlidingWindow {
    public enum Kind { MAX, AVERAGE }

    @Override
    public String opName() {
        return kind == Kind.MAX ? "MaxPool2D" : "AvgPool2D";
    }

    @Override
    public Window2D window(OpContext ctx) {
        Shape x = input(ctx);
        return Window2D.of(ctx, x.dim(2), x.dim(3), window.h(), window.w(), strides, Pair.of(1), padding);
    }

    static Shape input(OpContext ctx) {
        ctx.requireInputs(1, 1);
        Shape x = ctx.shape(0);
        if (x.rank() != 4) {
            throw ctx.error("expects a 4-D NCHW input, got " + x);
        }
        return x;
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        return outputs(ctx, window(ctx));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        return invocation(node, ctx, window(ctx), countIncludePad);
    }

    static List<TensorType> outputs(OpContext ctx, Window2D w) {
        Shape x = ctx.shape(0);
        return List.of(ctx.type(0).withShape(Shape.of(x.dim(0), x.dim(1), w.outH(), w.outW())));
    }

    /** The pooling kernels' arguments, the same for every window kind. */
    static Invocation invocation(Node node, OpContext ctx, Window2D w, boolean countIncludePad) {
        Shape x = ctx.shape(0);
        ParamsStruct params = ParamsStruct.builder()
                .set("batch", x.dim(0)).set("channels", x.dim(1))
                .set("in_h", x.dim(2)).set("in_w", x.dim(3))
                .set("out_h", w.outH()).set("out_w", w.outW())
                .set("k_h", w.kH()).set("k_w", w.kW())
                .set("stride_h", w.strideH()).set("stride_w", w.strideW())
                .set("pad_top", w.padTop()).set("pad_left", w.padLeft())
                .set("count_include_pad", countIncludePad ? 1 : 0)
                .build();
        return Invocation.builder().tensor("in", node.input(0)).tensor("out", node.output()).params(params).build();
    }
}
