package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * 2-D convolution over an NCHW input with weights [outC, inC / groups, kH, kW], including grouped and
 * depthwise convolution. A third input is a per-output-channel bias; {@code activation} is applied to
 * the result (both usually fused in by a pass).
 *
 * @param declared        the output channels and kernel size the model states besides the weight's shape,
 *                        checked against it (a model whose attributes and weights disagree is refused, not
 *                        guessed at), or null
 * @param foldedBatchNorm the scope of a BatchNorm folded into the weights (for comments), or null
 */
public record Conv2D(Pair strides, Pair dilations, Padding padding, int groups, Declared declared,
                     FusedActivation activation, String foldedBatchNorm) implements Op, SlidingWindow {
    public Conv2D {
        activation = activation == null ? FusedActivation.NONE : activation;
    }

    public Conv2D(Pair strides, Pair dilations, Padding padding, int groups) {
        this(strides, dilations, padding, groups, null);
    }

    public Conv2D(Pair strides, Pair dilations, Padding padding, int groups, Declared declared) {
        this(strides, dilations, padding, groups, declared, FusedActivation.NONE, null);
    }

    /** What a model states about the weight's shape: output channels (0 when not stated) and kernel size (or null). */
    public record Declared(int outChannels, Pair kernel) {
    }

    @Override
    public String opName() {
        return "Conv2D";
    }

    /** Everything about one node's convolution once its input shapes are known. */
    public record Geometry(int batch, int inC, int inH, int inW, int outC, int groups, Window2D w) {
        /** One filter per input channel, which is the only input channel it reads. */
        public boolean depthwise() {
            return groups == inC && inC > 1;
        }
    }

    public Geometry geometry(OpContext ctx) {
        ctx.requireInputs(2, 3);
        Shape x = ctx.shape(0);
        Shape w = ctx.shape(1);
        if (x.rank() != 4 || w.rank() != 4) {
            throw ctx.error("expects 4-D input and weight, got " + x + " and " + w);
        }
        int inC = x.dim(1);
        int outC = w.dim(0);
        if (groups <= 0 || inC % groups != 0 || outC % groups != 0 || w.dim(1) != inC / groups) {
            throw ctx.error("weight " + w + " does not match input " + x + " with group " + groups);
        }
        if (declared != null && declared.outChannels() != 0 && declared.outChannels() != outC) {
            throw ctx.error("declares " + declared.outChannels() + " output channels, but the weight is " + w);
        }
        if (declared != null && declared.kernel() != null
                && (declared.kernel().h() != w.dim(2) || declared.kernel().w() != w.dim(3))) {
            throw ctx.error("declares a " + declared.kernel() + " kernel, but the weight is " + w);
        }
        if (ctx.inputCount() == 3 && ctx.shape(2).elementCount() != outC) {
            throw ctx.error("bias " + ctx.shape(2) + " does not have " + outC + " elements");
        }
        Window2D win = Window2D.of(ctx, x.dim(2), x.dim(3), w.dim(2), w.dim(3), strides, dilations, padding);
        return new Geometry(x.dim(0), inC, x.dim(2), x.dim(3), outC, groups, win);
    }

    @Override
    public Window2D window(OpContext ctx) {
        return geometry(ctx).w();
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        return List.of(ctx.type(0).withShape(Shape.of(g.batch, g.outC, g.w.outH(), g.w.outW())));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        return (long) g.batch * g.outC * g.w.outH() * g.w.outW() * (g.inC / g.groups) * g.w.kH() * g.w.kW();
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Geometry g = geometry(ctx);
        Window2D w = g.w;
        ParamsStruct params = ParamsStruct.builder()
                .set("batch", g.batch)
                .set("in_c", g.inC).set("in_h", g.inH).set("in_w", g.inW)
                .set("out_c", g.outC).set("out_h", w.outH()).set("out_w", w.outW())
                .set("k_h", w.kH()).set("k_w", w.kW())
                .set("stride_h", w.strideH()).set("stride_w", w.strideW())
                .set("dilation_h", w.dilationH()).set("dilation_w", w.dilationW())
                .set("pad_top", w.padTop()).set("pad_left", w.padLeft())
                .set("groups", g.groups)
                .activation("act", activation)
                .build();
        return Invocation.builder()
                .tensor("in", node.input(0)).tensor("weight", node.input(1))
                .optionalTensor("bias", ctx.inputCount() == 3 ? node.input(2) : null)
                .tensor("out", node.output()).params(params).build();
    }

    @Override
    public boolean acceptsEpilogue() {
        return true;
    }

    @Override
    public Conv2D withActivation(FusedActivation act) {
        return new Conv2D(strides, dilations, padding, groups, declared, act, foldedBatchNorm);
    }

    /** This convolution with a BatchNorm (at {@code scope}) folded into its weights and bias. */
    public Conv2D withFoldedBatchNorm(String scope) {
        return new Conv2D(strides, dilations, padding, groups, declared, activation, scope);
    }

    @Override
    public String operandRole(int index) {
        return index == 1 ? "weight" : index == 2 ? "bias" : "in" + index;
    }
}
