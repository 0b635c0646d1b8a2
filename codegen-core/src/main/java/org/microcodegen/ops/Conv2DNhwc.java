package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * 2-D convolution over an NHWC input as TFLite defines it (CONV_2D, DEPTHWISE_CONV_2D). Weights are
 * [outC][kH][kW][inC] for a convolution and [1][kH][kW][inC * multiplier] for a depthwise one, as the
 * model stores them (the layout the NHWC kernels read, so nothing is transposed). A third input is a
 * bias of outC elements (int32 for int8 data, int64 for int16). For integer data the output is
 * requantized per output channel: input scale x weight scale[c] / output scale.
 */
public record Conv2DNhwc(boolean depthwise, Pair strides, Pair dilations, Padding padding, FusedActivation activation)
        implements Op, SlidingWindow {
    public Conv2DNhwc {
        activation = activation == null ? FusedActivation.NONE : activation;
    }

    @Override
    public String opName() {
        return depthwise ? "DepthwiseConv2DNhwc" : "Conv2DNhwc";
    }

    /** Everything about one node's convolution once its input shapes are known. */
    public record Geometry(int batch, int inH, int inW, int inC, int outC, int depthMultiplier, Window2D w) {
    }

    public Geometry geometry(OpContext ctx) {
        ctx.requireInputs(2, 3);
        Shape x = ctx.shape(0);
        Shape w = ctx.shape(1);
        if (x.rank() != 4 || w.rank() != 4) {
            throw ctx.error("expects a 4-D NHWC input and a 4-D weight, got " + x + " and " + w);
        }
        int inC = x.dim(3);
        int outC;
        int multiplier = 1;
        if (depthwise) {
            outC = w.dim(3);
            if (w.dim(0) != 1 || inC == 0 || outC % inC != 0) {
                throw ctx.error("depthwise weight " + w + " does not match input " + x
                        + " (expects [1, kH, kW, a multiple of " + inC + "])");
            }
            multiplier = outC / inC;
        } else {
            outC = w.dim(0);
            if (w.dim(3) != inC) {
                throw ctx.error("weight " + w + " does not match input " + x
                        + (inC % Math.max(1, w.dim(3)) == 0 ? ": grouped convolution is not supported" : ""));
            }
        }
        if (ctx.inputCount() == 3 && ctx.shape(2).elementCount() != outC) {
            throw ctx.error("bias " + ctx.shape(2) + " does not have " + outC + " elements");
        }
        Window2D win = Window2D.of(ctx, x.dim(1), x.dim(2), w.dim(1), w.dim(2), strides, dilations, padding);
        return new Geometry(x.dim(0), x.dim(1), x.dim(2), inC, outC, multiplier, win);
    }

    @Override
    public Window2D window(OpContext ctx) {
        return geometry(ctx).w();
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        return List.of(ctx.type(0).withShape(Shape.of(g.batch, g.w.outH(), g.w.outW(), g.outC)));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        long perOutput = (long) g.w.kH() * g.w.kW() * (depthwise ? 1 : g.inC);
        return (long) g.batch * g.w.outH() * g.w.outW() * g.outC * perOutput;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        Window2D w = g.w;
        ParamsStruct.Builder p = ParamsStruct.builder()
                .set("batch", g.batch)
                .set("in_h", g.inH).set("in_w", g.inW).set("in_c", g.inC)
                .set("out_h", w.outH()).set("out_w", w.outW()).set("out_c", g.outC)
                .set("k_h", w.kH()).set("k_w", w.kW())
                .set("stride_h", w.strideH()).set("stride_w", w.strideW())
                .set("dilation_h", w.dilationH()).set("dilation_w", w.dilationW())
                .set("pad_top", w.padTop()).set("pad_left", w.padLeft())
                .set("depth_multiplier", g.depthMultiplier);
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
