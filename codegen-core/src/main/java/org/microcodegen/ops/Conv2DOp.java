package org.microcodegen.ops;

import org.microcodegen.ir.Attributes;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Conv2D (NCHW, weights [out_c, in_c/group, kh, kw]), including grouped and depthwise convolution.
 * After fusion a third input is the bias and the attribute "fused_activation" names a ReLU/ReLU6.
 */
final class Conv2DOp implements Op {
    @Override
    public List<String> names() {
        return List.of("Conv2D");
    }

    private record Geometry(int batch, int inC, int inH, int inW, int outC, int groups, Window2D w) {
    }

    private Geometry geometry(Node node, OpContext ctx) {
        ctx.requireInputs(2, 3);
        ctx.requireFloat32(0, 1);
        Attributes a = node.attrs();
        Window2D.requireNchw(ctx, a);
        Shape x = ctx.shape(0);
        Shape w = ctx.shape(1);
        if (x.rank() != 4 || w.rank() != 4) {
            throw ctx.error("expects 4-D input and weight, got " + x + " and " + w);
        }
        int groups = Window2D.bounded(ctx, a.getLong(a.firstPresent("group", "groups") == null ? "group" : a.firstPresent("group", "groups"), 1), "group");
        int inC = x.dim(1);
        int outC = w.dim(0);
        if (groups <= 0 || inC % groups != 0 || outC % groups != 0 || w.dim(1) != inC / groups) {
            throw ctx.error("weight " + w + " does not match input " + x + " with group " + groups);
        }
        if (a.has("out_channel") && a.getLong("out_channel", outC) != outC) {
            throw ctx.error("out_channel " + a.getLong("out_channel", outC) + " disagrees with weight " + w);
        }
        if (a.has("kernel_size")) {
            int[] k = Window2D.pair(ctx, a.getLongs("kernel_size"), 1, "kernel_size");
            if (k[0] != w.dim(2) || k[1] != w.dim(3)) {
                throw ctx.error("kernel_size " + k[0] + "x" + k[1] + " disagrees with weight " + w);
            }
        }
        if (ctx.inputCount() == 3) {
            ctx.requireFloat32(2);
            if (ctx.shape(2).elementCount() != outC) {
                throw ctx.error("bias " + ctx.shape(2) + " does not have " + outC + " elements");
            }
        }
        Window2D win = Window2D.of(ctx, a, x.dim(2), x.dim(3), w.dim(2), w.dim(3), "stride", "dilation");
        return new Geometry(x.dim(0), inC, x.dim(2), x.dim(3), outC, groups, win);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Geometry g = geometry(node, ctx);
        return List.of(ctx.type(0).withShape(Shape.of(g.batch, g.outC, g.w.outH(), g.w.outW())));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        Geometry g = geometry(node, ctx);
        return (long) g.batch * g.outC * g.w.outH() * g.w.outW() * (g.inC / g.groups) * g.w.kH() * g.w.kW();
    }

    /**
     * The runtime entry point for this geometry. Choosing here rather than in C means a model links
     * only the kernels it uses (with -ffunction-sections and --gc-sections). A single input channel
     * goes to the general kernel: as depthwise it would link a second kernel for the same work.
     */
    private static String kernel(Geometry g) {
        Window2D w = g.w;
        boolean oneByOne = w.kH() == 1 && w.kW() == 1 && w.strideH() == 1 && w.strideW() == 1
                && w.padTop() == 0 && w.padBottom() == 0 && w.padLeft() == 0 && w.padRight() == 0;
        if (g.groups == 1 && oneByOne) {
            return "mc_conv2d_pointwise_f32";
        }
        boolean oneByOneStride2 = w.kH() == 1 && w.kW() == 1 && w.strideW() == 2
                && w.padTop() == 0 && w.padBottom() == 0 && w.padLeft() == 0 && w.padRight() == 0;
        if (g.groups == 1 && oneByOneStride2) {
            // a ResNet shortcut: the pointwise tiles on every other input column
            return "mc_conv2d_pointwise_s2_f32";
        }
        boolean depthwise = g.groups == g.inC && g.inC > 1;
        if (depthwise && depthwise3x3(g)) {
            // the nine weights in registers for a whole plane, a fixed shape per output row
            return "mc_conv2d_depthwise_3x3s" + w.strideH() + "_f32";
        }
        String base = depthwise ? "mc_conv2d_depthwise" : "mc_conv2d_general";
        String fixedWidth = fixedWidth(w, depthwise);
        if (fixedWidth != null) {
            // the general kernel's specialisations drop "general": mc_conv2d_k5s1_f32
            return (base.equals("mc_conv2d_general") ? "mc_conv2d" : base) + "_" + fixedWidth + "_f32";
        }
        return base + "_f32";
    }

    /**
     * Whether mc_conv2d_depthwise_3x3s1_f32 / _3x3s2_f32 accept this depthwise geometry: a 3x3
     * kernel, the same stride 1 or 2 along both axes, dilation 1, padding at most 1 on every side
     * and an input of at least 2 x 2.
     */
    private static boolean depthwise3x3(Geometry g) {
        Window2D w = g.w;
        return w.kH() == 3 && w.kW() == 3 && w.strideH() == w.strideW()
                && (w.strideH() == 1 || w.strideH() == 2) && w.dilationH() == 1 && w.dilationW() == 1
                && w.padTop() >= 0 && w.padTop() <= 1 && w.padLeft() >= 0 && w.padLeft() <= 1
                && w.padBottom() <= 1 && w.padRight() <= 1 && g.inH >= 2 && g.inW >= 2;
    }

    /**
     * The suffix of the entry point whose interior is unrolled for this kernel width and stride
     * along w (dilation 1 along w; anything along h), or null for the generic interior.
     */
    private static String fixedWidth(Window2D w, boolean depthwise) {
        if (w.dilationW() != 1) {
            return null;
        }
        if (w.kW() == 5 && w.strideW() == 1) {
            return "k5s1";
        }
        if (w.kW() == 3 && w.strideW() == 1) {
            return "k3s1";
        }
        if (w.kW() == 3 && w.strideW() == 2) {
            return "k3s2";
        }
        if (w.kW() == 4 && w.strideW() == 2 && !depthwise) {
            // the keyword-spotting DS-CNN's first layer (10x4, stride 2); no depthwise variant
            return "k4s2";
        }
        return null;
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        Geometry g = geometry(node, ctx);
        Window2D w = g.w;
        ParamsStruct params = ParamsStruct.builder("mc_conv2d_params")
                .set("batch", g.batch)
                .set("in_c", g.inC).set("in_h", g.inH).set("in_w", g.inW)
                .set("out_c", g.outC).set("out_h", w.outH()).set("out_w", w.outW())
                .set("k_h", w.kH()).set("k_w", w.kW())
                .set("stride_h", w.strideH()).set("stride_w", w.strideW())
                .set("dilation_h", w.dilationH()).set("dilation_w", w.dilationW())
                .set("pad_top", w.padTop()).set("pad_left", w.padLeft())
                .set("groups", g.groups)
                .symbol("act", Activations.fusedSymbol(node))
                .build();
        Arg bias = ctx.inputCount() == 3 ? Arg.tensor(node.input(2)) : new Arg.Null();
        return Lowering.of(new KernelCall("mc_conv2d", kernel(g),
                List.of(Arg.tensor(node.input(0)), Arg.tensor(node.input(1)), bias, Arg.tensor(node.output()), new Arg.Params()),
                params));
    }
}
