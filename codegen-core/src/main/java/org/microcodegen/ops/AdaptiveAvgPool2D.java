package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Average pooling to a fixed output size (global pooling for 1x1; a size of 0 or less keeps the
 * input's). When the output size divides the input size this is an average pool with window and
 * stride in / out; other sizes have overlapping uneven windows and are refused rather than approximated.
 */
public record AdaptiveAvgPool2D(long outH, long outW) implements Op, SlidingWindow {
    @Override
    public String opName() {
        return "AdaptiveAvgPool2D";
    }

    @Override
    public Window2D window(OpContext ctx) {
        Shape x = Pool2D.input(ctx);
        long oh = outH <= 0 ? x.dim(2) : outH;
        long ow = outW <= 0 ? x.dim(3) : outW;
        if (x.dim(2) % oh != 0 || x.dim(3) % ow != 0) {
            throw ctx.error("output size " + oh + "x" + ow + " does not divide the input " + x.dim(2) + "x" + x.dim(3)
                    + "; only evenly dividing adaptive pooling is supported");
        }
        int kh = (int) (x.dim(2) / oh);
        int kw = (int) (x.dim(3) / ow);
        return new Window2D(kh, kw, kh, kw, 1, 1, 0, 0, 0, 0, (int) oh, (int) ow);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        return Pool2D.outputs(ctx, window(ctx));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        return Pool2D.invocation(node, ctx, window(ctx), false);
    }
}
