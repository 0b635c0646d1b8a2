package org.microcodegen.ops;

import org.microcodegen.ir.Attributes;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/** MaxPool and AvgPool over H and W of an NCHW tensor. */
final class PoolOp implements Op {
    @Override
    public List<String> names() {
        return List.of("MaxPool", "AvgPool", "AdaptiveAvgPool2D");
    }

    private Window2D window(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        ctx.requireFloat32(0);
        Attributes a = node.attrs();
        Window2D.requireNchw(ctx, a);
        Shape x = ctx.shape(0);
        if (x.rank() != 4) {
            throw ctx.error("expects a 4-D NCHW input, got " + x);
        }
        if (node.opType().equals("AdaptiveAvgPool2D")) {
            return adaptiveWindow(node, ctx, x);
        }
        if (a.getBool("ceil_mode", false)) {
            throw ctx.error("ceil_mode is not supported");
        }
        int[] k = Window2D.pair(ctx, a.getLongs(a.firstPresent("kernel_size", "ksize")), 1, "kernel_size");
        String stride = a.firstPresent("strides", "stride");
        return Window2D.of(ctx, a, x.dim(2), x.dim(3), k[0], k[1], stride == null ? "strides" : stride, null);
    }

    /**
     * AdaptiveAvgPool2D whose output size divides the input size is an average pool with window and
     * stride in/out (global pooling when the output is 1x1); other sizes have overlapping uneven
     * windows and are refused rather than approximated.
     */
    private static Window2D adaptiveWindow(Node node, OpContext ctx, Shape x) {
        List<Long> size = node.attrs().getLongs("output_size");
        if (size == null || size.isEmpty()) {
            throw ctx.error("has no output_size");
        }
        long oh = size.get(0);
        long ow = size.size() > 1 ? size.get(1) : size.get(0);
        oh = oh <= 0 ? x.dim(2) : oh;
        ow = ow <= 0 ? x.dim(3) : ow;
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
        Window2D w = window(node, ctx);
        Shape x = ctx.shape(0);
        return List.of(ctx.type(0).withShape(Shape.of(x.dim(0), x.dim(1), w.outH(), w.outW())));
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Window2D w = window(node, ctx);
        Shape x = ctx.shape(0);
        boolean max = node.opType().equals("MaxPool");
        // MindSpore's AvgPool divides by the cells inside the input ("same" padding excluded) unless
        // count_include_pad says otherwise; padding only exists in "same"/"pad" modes.
        long includePad = node.attrs().getBool("count_include_pad", false) ? 1 : 0;
        ParamsStruct params = ParamsStruct.builder("mc_pool2d_params")
                .set("batch", x.dim(0)).set("channels", x.dim(1))
                .set("in_h", x.dim(2)).set("in_w", x.dim(3))
                .set("out_h", w.outH()).set("out_w", w.outW())
                .set("k_h", w.kH()).set("k_w", w.kW())
                .set("stride_h", w.strideH()).set("stride_w", w.strideW())
                .set("pad_top", w.padTop()).set("pad_left", w.padLeft())
                .set("count_include_pad", includePad)
                .build();
        // square 2x2 and 3x3 windows have entry points with the window loops unrolled
        String window = w.kH() == w.kW() && (w.kH() == 2 || w.kH() == 3) ? "_k" + w.kH() : "";
        String function = (max ? "mc_maxpool2d" : "mc_avgpool2d") + window + "_f32";
        return Lowering.of(new KernelCall("mc_pool2d", function,
                List.of(Arg.tensor(node.input(0)), Arg.tensor(node.output()), new Arg.Params()), params));
    }
}
