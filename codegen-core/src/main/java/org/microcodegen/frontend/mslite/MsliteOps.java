package org.microcodegen.frontend.mslite;

import org.microcodegen.ir.Shape;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.Concat;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.ExpandDims;
import org.microcodegen.ops.Flatten;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.Pool2DNhwc;
import org.microcodegen.ops.ReduceMean;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Softmax;
import org.microcodegen.ops.Transpose;
import org.microcodegen.ops.Unary;

import java.util.List;
import java.util.Set;

/**
 * MindSpore Lite's primitives translated into canonical ops, with MindSpore Lite's semantics (NHWC
 * activations, KHWC convolution weights, pad_mode and pad_list, activations fused into the op). Every
 * spelling of the .ms format stays here; a primitive or attribute this translation does not cover is
 * refused by name, never approximated.
 */
final class MsliteOps {
    /** Layouts whose memory order is [outC][kH][kW][inC] for a 4-D convolution weight. */
    private static final Set<String> KHWC = Set.of("KHWC", "NHWC");

    private MsliteOps() {
    }

    /** Why a node cannot be compiled: the frontend adds the node and the file. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /** The canonical op of {@code node}; {@code model} gives its operands' shapes and layouts. */
    static Op translate(MsliteModel.Node node, MsliteModel model) {
        MsliteModel.Attributes a = node.attributes();
        return switch (node.primitive()) {
            case "Conv2DFusion" -> conv2d(node, model, a);
            case "MaxPoolFusion" -> pool(Pool2D.Kind.MAX, node, model, a);
            case "AvgPoolFusion" -> pool(Pool2D.Kind.AVERAGE, node, model, a);
            case "FullConnection" -> fullConnection(node, model, a);
            case "MatMulFusion" -> matMul(node, model, a);
            case "Activation" -> activation(a);
            case "AddFusion" -> new Binary(Binary.Function.ADD, activation(a.enumName("activation_type")));
            case "SubFusion" -> new Binary(Binary.Function.SUB, activation(a.enumName("activation_type")));
            case "MulFusion" -> new Binary(Binary.Function.MUL, activation(a.enumName("activation_type")));
            case "DivFusion" -> new Binary(Binary.Function.DIV, activation(a.enumName("activation_type")));
            case "Reshape" -> new Reshape();
            case "Transpose" -> new Transpose();
            case "Flatten" -> new Flatten(a.integer("axis"), -1);
            case "Softmax" -> {
                List<Long> axis = a.longs("axis");
                if (axis.size() > 1) {
                    throw new Unsupported("softmax over " + axis.size() + " axes is not supported");
                }
                yield new Softmax(axis.isEmpty() ? -1 : axis.get(0));
            }
            case "ReduceFusion" -> reduce(a);
            case "Concat" -> new Concat(a.integer("axis"));
            case "Stack" -> {
                if (node.inputs().size() != 1) {
                    throw new Unsupported("Stack of " + node.inputs().size() + " inputs is not supported (one input only)");
                }
                yield new ExpandDims();
            }
            default -> throw new Unsupported("unsupported op " + node.primitive());
        };
    }

    private static Op conv2d(MsliteModel.Node node, MsliteModel model, MsliteModel.Attributes a) {
        requireNhwc(a);
        requireInputs(node, 2, 3);
        MsliteModel.Tensor weight = model.tensor(node.inputs().get(1));
        Shape w = weight.shape();
        if (!weight.isConstant() || w.rank() != 4) {
            throw new Unsupported("expects a constant 4-D weight, got " + weight.describe() + " " + w);
        }
        if (!KHWC.contains(weight.format())) {
            throw new Unsupported("weight " + weight.describe() + " is stored as " + weight.format()
                    + "; only KHWC ([out][kH][kW][in]) weights are supported");
        }
        long group = a.integer("group");
        if (group > 1) {
            throw new Unsupported("group " + group + ": grouped and depthwise convolutions are not supported yet");
        }
        if (a.integer("mode") > 1) {
            throw new Unsupported("convolution mode " + a.integer("mode") + " is not supported");
        }
        Pair kernel = pair(a, "kernel_size", new Pair(w.dim(1), w.dim(2)));
        if (kernel.h() != w.dim(1) || kernel.w() != w.dim(2)) {
            throw new Unsupported("kernel_size " + a.longs("kernel_size") + " does not match weight " + w);
        }
        // in_channel/out_channel are not checked: the runtime takes the channels from the weight, and
        // parallel.ms (converted from TF) declares in_channel 1 for a weight of 4 input channels.
        return new Conv2DNhwc(false, pair(a, "stride", Pair.of(1)), pair(a, "dilation", Pair.of(1)),
                padding(a, "pad_list"), activation(a.enumName("activation_type")));
    }

    private static Op pool(Pool2D.Kind kind, MsliteModel.Node node, MsliteModel model, MsliteModel.Attributes a) {
        requireNhwc(a);
        requireInputs(node, 1, 1);
        if (a.enumName("round_mode").equals("CEIL")) {
            throw new Unsupported("round_mode CEIL is not supported");
        }
        Pair window;
        Pair strides;
        Padding padding;
        if (a.bool("global")) {
            Shape x = model.tensor(node.inputs().get(0)).shape();
            if (x.rank() != 4) {
                throw new Unsupported("global pooling expects a 4-D NHWC input, got " + x);
            }
            window = new Pair(x.dim(1), x.dim(2));
            strides = Pair.of(1);
            padding = Padding.none();
        } else {
            window = pair(a, "kernel_size", null);
            strides = pair(a, "strides", Pair.of(1));
            padding = padding(a, "pad");
        }
        return new Pool2DNhwc(kind, window, strides, padding, activation(a.enumName("activation_type")));
    }

    /**
     * MindSpore Lite's FullConnection: weight [out][in]; without use_axis the input is read as rows of
     * the weight's depth and the output is [rows, out]; with use_axis the axes from {@code axis} on are
     * one row, and the output keeps the axes before it.
     */
    private static Op fullConnection(MsliteModel.Node node, MsliteModel model, MsliteModel.Attributes a) {
        requireInputs(node, 2, a.bool("has_bias") ? 3 : 2);
        if (a.bool("has_bias") != (node.inputs().size() == 3)) {
            throw new Unsupported("has_bias is " + a.bool("has_bias") + " but the node has " + node.inputs().size()
                    + " inputs");
        }
        requireConstantMatrix(model.tensor(node.inputs().get(1)));
        FusedActivation act = activation(a.enumName("activation_type"));
        if (!a.bool("use_axis")) {
            return new FullyConnected(act, false);
        }
        Shape x = model.tensor(node.inputs().get(0)).shape();
        long axis = a.integer("axis");
        if (axis == x.rank() - 1) {
            return new FullyConnected(act, true);
        }
        if (axis == 1) {
            return new FullyConnected(act, false);
        }
        throw new Unsupported("use_axis with axis " + axis + " of a rank-" + x.rank() + " input is not supported");
    }

    /** MatMul with a constant [out][in] weight (transpose_b) is a fully connected layer over the last axis. */
    private static Op matMul(MsliteModel.Node node, MsliteModel model, MsliteModel.Attributes a) {
        requireInputs(node, 2, 3);
        if (a.bool("transpose_a") || !a.bool("transpose_b")) {
            throw new Unsupported("only transpose_a = false, transpose_b = true (a weight [out][in]) is supported");
        }
        requireConstantMatrix(model.tensor(node.inputs().get(1)));
        return new FullyConnected(activation(a.enumName("activation_type")), true);
    }

    private static Op activation(MsliteModel.Attributes a) {
        String type = a.enumName("activation_type");
        return switch (type) {
            case "RELU" -> new Unary(Unary.Function.RELU);
            case "RELU6" -> new Unary(Unary.Function.RELU6);
            case "SIGMOID" -> new Unary(Unary.Function.SIGMOID);
            case "TANH" -> new Unary(Unary.Function.TANH);
            case "HSWISH" -> new Unary(Unary.Function.HARD_SWISH);
            case "HSIGMOID" -> new Unary(Unary.Function.HARD_SIGMOID);
            case "ABS" -> new Unary(Unary.Function.ABS);
            case "LEAKY_RELU" -> new Unary(Unary.Function.LEAKY_RELU, (float) a.floating("alpha"));
            default -> throw new Unsupported("activation " + type + " is not supported");
        };
    }

    private static Op reduce(MsliteModel.Attributes a) {
        if (!a.enumName("mode").equals("ReduceMean")) {
            throw new Unsupported("reduction " + a.enumName("mode") + " is not supported (ReduceMean only)");
        }
        if (a.bool("reduce_to_end")) {
            throw new Unsupported("reduce_to_end is not supported");
        }
        double coeff = a.floating("coeff");
        if (coeff != 0 && coeff != 1) {
            // 0 is the schema's default for a field the converter left out; MindSpore Lite scales by it otherwise
            throw new Unsupported("coeff " + coeff + " is not supported");
        }
        return new ReduceMean(null, a.bool("keep_dims"));
    }

    /** An activation fused into a convolution, pooling, matrix product or element-wise op. */
    static FusedActivation activation(String type) {
        return switch (type) {
            case "", "NO_ACTIVATION" -> FusedActivation.NONE;
            case "RELU" -> FusedActivation.RELU;
            case "RELU6" -> FusedActivation.RELU6;
            case "RELU1" -> FusedActivation.RELU_N1_TO_1;
            default -> throw new Unsupported("the fused activation " + type + " is not supported");
        };
    }

    /**
     * pad_mode SAME is MindSpore's "same" (the smaller half of the padding at the top/left, like TFLite);
     * VALID pads nothing; PAD takes the list [top, bottom, left, right].
     */
    private static Padding padding(MsliteModel.Attributes a, String listName) {
        String mode = a.enumName("pad_mode");
        return switch (mode) {
            case "SAME" -> new Padding.Same();
            case "VALID" -> Padding.none();
            case "PAD" -> {
                List<Long> p = a.longs(listName);
                if (p.isEmpty()) {
                    yield Padding.none();
                }
                if (p.size() != 4) {
                    throw new Unsupported(listName + " " + p + " does not have 4 elements [top, bottom, left, right]");
                }
                yield new Padding.Explicit(small(p.get(0), listName), small(p.get(1), listName),
                        small(p.get(2), listName), small(p.get(3), listName));
            }
            default -> throw new Unsupported("pad_mode " + mode + " is not supported");
        };
    }

    /** A two-element [h, w] attribute; {@code absent} when the file leaves it out (null: required). */
    private static Pair pair(MsliteModel.Attributes a, String name, Pair absent) {
        List<Long> v = a.longs(name);
        if (v.isEmpty() && absent != null) {
            return absent;
        }
        if (v.size() != 2) {
            throw new Unsupported(name + " " + v + " does not have 2 elements [h, w]");
        }
        int h = small(v.get(0), name);
        int w = small(v.get(1), name);
        if (h < 1 || w < 1) {
            throw new Unsupported(name + " " + v + " must be positive");
        }
        return new Pair(h, w);
    }

    private static int small(long v, String name) {
        if (v < 0 || v > 1 << 20) {
            throw new Unsupported(name + " value " + v + " is out of range");
        }
        return (int) v;
    }

    private static void requireNhwc(MsliteModel.Attributes a) {
        String format = a.enumName("format");
        if (!format.equals("NHWC")) {
            throw new Unsupported("format " + format + ": only NHWC is supported (as the model stores it)");
        }
    }

    private static void requireInputs(MsliteModel.Node node, int min, int max) {
        int n = node.inputs().size();
        if (n < min || n > max) {
            throw new Unsupported("has " + n + " inputs; expected " + (min == max ? min : min + " to " + max));
        }
    }

    private static void requireConstantMatrix(MsliteModel.Tensor weight) {
        if (!weight.isConstant() || weight.shape().rank() != 2) {
            throw new Unsupported("expects a constant 2-D weight [out][in], got " + weight.describe() + " "
                    + weight.shape());
        }
    }
}
