package org.microcodegen.lower;

import org.microcodegen.ops.Binary;

import java.util.List;
import java.util.Map;

/**
 * What `micro-codegen ops` says about each canonical op's limits: the restrictions its validation in
 * ops/ enforces (a model beyond them stops with a line naming the node), in words. Kept next to the
 * registry so the listing has one source; {@code OpLimitsTest} checks every registry op has an entry.
 */
public final class OpLimits {
    private static final String RANK = "rank <= " + Binary.MAX_RANK;

    private OpLimits() {
    }

    /** Ops that only relabel memory: no kernel, any dtype, every target. */
    public static final List<String> VIEWS = List.of("Reshape", "Flatten", "Squeeze", "ExpandDims");

    private static final Map<String, String> LIMITS = Map.ofEntries(
            Map.entry("Conv2D", "4-D NCHW input, OIHW weight; any stride, dilation, padding and groups (incl. depthwise)"),
            Map.entry("MaxPool2D", "4-D NCHW; valid/same/explicit padding; no ceil_mode"),
            Map.entry("AvgPool2D", "4-D NCHW; padding excluded from the divisor (as MindSpore); no ceil_mode"),
            Map.entry("AdaptiveAvgPool2D", "the output size must divide the input size"),
            Map.entry("MatMul", "2-D operands, either transposed; a bias and ReLU/ReLU6 fuse into it"),
            Map.entry("Relu", "element-wise, any shape"),
            Map.entry("Relu6", "element-wise, any shape"),
            Map.entry("Sigmoid", "element-wise, any shape"),
            Map.entry("Tanh", "element-wise, any shape"),
            Map.entry("HardSwish", "element-wise, any shape"),
            Map.entry("HardSigmoid", "element-wise, any shape"),
            Map.entry("LeakyRelu", "element-wise, any shape"),
            Map.entry("Abs", "element-wise, any shape"),
            Map.entry("Add", "broadcasting, " + RANK),
            Map.entry("Sub", "broadcasting, " + RANK),
            Map.entry("Mul", "broadcasting, " + RANK),
            Map.entry("Div", "broadcasting, " + RANK),
            Map.entry("Maximum", "broadcasting, " + RANK),
            Map.entry("Minimum", "broadcasting, " + RANK),
            Map.entry("BiasAdd", "bias along axis 1 (channels)"),
            Map.entry("LogSoftmax", "one axis; float32"),
            Map.entry("Softmax", "one axis; integer softmax over the last axis with TFLite's output scales (1/256 for int8, 1/32768 for int16)"),
            Map.entry("BatchNorm", "inference only (output 0); folded into a preceding Conv2D where there is one"),
            Map.entry("Concat", "inputs of one dtype and rank, any axis"),
            Map.entry("Pad", "constant fill (a compile-time constant), no negative padding, " + RANK),
            Map.entry("ReduceMean", RANK),
            Map.entry("StridedSlice", "non-empty slices, non-zero strides, " + RANK),
            Map.entry("Transpose", "a constant permutation, " + RANK),
            Map.entry("BlockedConv2D", "made by --optimize size from Conv2D (groups 1, dilation 1, batch 1; a following"
                    + " non-overlapping unpadded square max pool fused) and dense MatMul layers; every parameter fits int16"),
            Map.entry("Conv2DNhwc", "4-D NHWC input, weight [outC][kH][kW][inC] (TFLite CONV_2D); no grouped convolution; int8/int16 with"
                    + " symmetric per-channel weights"),
            Map.entry("DepthwiseConv2DNhwc", "4-D NHWC input, weight [1][kH][kW][inC x multiplier] (TFLite DEPTHWISE_CONV_2D)"),
            Map.entry("TransposeConv2DNhwc", "4-D NHWC input, weight [outC][kH][kW][inC]; no dilation (TFLite TRANSPOSE_CONV)"),
            Map.entry("FullyConnected", "weight [out][in]; the input read as rows of the weight's depth (TFLite FULLY_CONNECTED); no"
                    + " shuffled weights"),
            Map.entry("MaxPool2DNhwc", "4-D NHWC; integer input and output share scale and zero point"),
            Map.entry("AvgPool2DNhwc", "4-D NHWC; the divisor counts the cells inside the input (TFLite); integer input and output share"
                    + " scale and zero point"),
            Map.entry("Quantize", "float32 -> int8/int16, or int8/int16 -> int8/int16/int32 with another scale"),
            Map.entry("Dequantize", "int8/int16 -> float32"),
            Map.entry(KernelRegistry.COPY, "not a model op: moves a tensor that cannot alias (a view that is a graph output, say)"));

    /** The limits of {@code op} in words, or null if none are written down. */
    public static String of(String op) {
        return LIMITS.get(op);
    }
}
