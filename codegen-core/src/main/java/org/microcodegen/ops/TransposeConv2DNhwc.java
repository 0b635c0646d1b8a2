package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * A transposed 2-D convolution over an NHWC input as TFLite defines it (TRANSPOSE_CONV): every input
 * pixel spreads weight [outC][kH][kW][inC] over a kH x kW patch of the output, the patches {@code strides}
 * apart; the output size is the model's ({@code outH} x {@code outW}), and the padding is what TFLite
 * computes for a convolution from that output back to the input. A third input is a bias of outC
 * elements. For integer data the output is requantized per output channel.
 */
public record TransposeConv2DNhwc(Pair strides, Padding padding, int outH, int outW, FusedActivation activation)
        implements Op {
    public TransposeConv2DNhwc {
        activation = activation == null ? FusedActivation.NONE : activation;
    }

    @Override
    public String opName() {
        return "TransposeConv2DNhwc";
    }

    /** Shapes and TFLite's padding (top, left) for one node. */
    record Geometry(int batch, int inH, int inW, int inC, int outC, int kH, int kW, int padTop, int padLeft) {
    }

    Geometry geometry(OpContext ctx) {
        ctx.requireInputs(2, 3);
        Shape x = ctx.shape(0);
        Shape w = ctx.shape(1);
        if (x.rank() != 4 || w.rank() != 4 || w.dim(3) != x.dim(3)) {
            throw ctx.error("expects a 4-D NHWC input and a weight [outC, kH, kW, inC], got " + x + " and " + w);
        }
        if (strides.h() <= 0 || strides.w() <= 0 || outH <= 0 || outW <= 0 || outH > Shape.MAX_ELEMENTS || outW > Shape.MAX_ELEMENTS) {
            throw ctx.error("strides " + strides + " and output size " + outH + "x" + outW + " must be positive");
        }
        if (ctx.inputCount() == 3 && ctx.shape(2).elementCount() != w.dim(0)) {
            throw ctx.error("bias " + ctx.shape(2) + " does not have " + w.dim(0) + " elements");
        }
        // TFLite pads as for a convolution from the output (the "input" of ComputePaddingHeightWidth) back to the input
        Window2D back = Window2D.of(ctx, outH, outW, w.dim(1), w.dim(2), strides, Pair.of(1), padding);
        if (back.outH() != x.dim(1) || back.outW() != x.dim(2)) {
            throw ctx.error("an output of " + outH + "x" + outW + " does not come from a " + x.dim(1) + "x" + x.dim(2)
                    + " input with stride " + strides + " and a " + w.dim(1) + "x" + w.dim(2) + " kernel");
        }
        return new Geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(1), w.dim(2), back.padTop(), back.padLeft());
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        return List.of(ctx.type(0).withShape(Shape.of(g.batch, outH, outW, g.outC)));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        return (long) g.batch * g.inH * g.inW * g.inC * g.outC * g.kH * g.kW;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        ParamsStruct.Builder p = ParamsStruct.builder()
                .set("batch", g.batch)
                .set("in_h", g.inH).set("in_w", g.inW).set("in_c", g.inC)
                .set("out_h", outH).set("out_w", outW).set("out_c", g.outC)
                .set("k_h", g.kH).set("k_w", g.kW)
                .set("stride_h", strides.h()).set("stride_w", strides.w())
                .set("dilation_h", 1).set("dilation_w", 1)
                .set("pad_top", g.padTop).set("pad_left", g.padLeft)
                .set("depth_multiplier", 1);
        IntegerParams.requantizing(p, ctx, activation, 1, false);
        return Invocation.weightedLayer(node, p.build());
    }

    @Override
    public FusedActivation activation() {
        return activation;
    }

    @Override
    public String operandRole(int index) {
        return index == 1 ? "weight" : index == 2 ? "bias" : "in" + index;
    }
}
