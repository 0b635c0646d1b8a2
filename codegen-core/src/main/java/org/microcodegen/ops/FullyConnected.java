package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * A fully connected layer as TFLite defines it (FULLY_CONNECTED): the input is read as rows of the
 * weight's depth, out[b][o] = sum_i in[b][i] * weight[o][i] + bias[o], then the activation. The
 * output is [rows, outDepth], or with {@code keepNumDims} the input's shape with its last axis
 * replaced by outDepth. For integer data the output is requantized (per tensor or per channel).
 */
public record FullyConnected(FusedActivation activation, boolean keepNumDims) implements Op {
    public FullyConnected {
        activation = activation == null ? FusedActivation.NONE : activation;
    }

    @Override
    public String opName() {
        return "FullyConnected";
    }

    /** rows x inDepth times outDepth x inDepth. */
    public record Dims(int rows, int inDepth, int outDepth) {
    }

    public Dims dims(OpContext ctx) {
        ctx.requireInputs(2, 3);
        Shape x = ctx.shape(0);
        Shape w = ctx.shape(1);
        if (w.rank() != 2) {
            throw ctx.error("expects a 2-D weight [out, in], got " + w);
        }
        int inDepth = w.dim(1);
        long elements = x.elementCount();
        if (inDepth == 0 || elements % inDepth != 0) {
            throw ctx.error("input " + x + " is not a whole number of rows of " + inDepth);
        }
        if (keepNumDims && x.dim(x.rank() - 1) != inDepth) {
            throw ctx.error("keeps the input's dimensions, but its last axis " + x + " is not the weight's depth " + inDepth);
        }
        if (ctx.inputCount() == 3 && ctx.shape(2).elementCount() != w.dim(0)) {
            throw ctx.error("bias " + ctx.shape(2) + " does not have " + w.dim(0) + " elements");
        }
        return new Dims((int) (elements / inDepth), inDepth, w.dim(0));
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Dims d = dims(ctx);
        Shape x = ctx.shape(0);
        Shape out;
        if (keepNumDims) {
            int[] dims = x.dims();
            dims[dims.length - 1] = d.outDepth;
            out = Shape.of(dims);
        } else {
            out = Shape.of(d.rows, d.outDepth);
        }
        return List.of(ctx.type(0).withShape(out));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        Dims d = dims(ctx);
        return (long) d.rows * d.inDepth * d.outDepth;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Dims d = dims(ctx);
        ParamsStruct.Builder p = ParamsStruct.builder()
                .set("batches", d.rows).set("in_depth", d.inDepth).set("out_depth", d.outDepth);
        IntegerParams.requantizing(p, ctx, activation, 1, true);
        return Invocation.weightedLayer(node, p.build());
    }

    @Override
    public String operandRole(int index) {
        return index == 1 ? "weight" : index == 2 ? "bias" : "in" + index;
    }
}
