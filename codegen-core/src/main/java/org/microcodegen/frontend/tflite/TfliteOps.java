package org.microcodegen.frontend.tflite;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.Concat;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Pad;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.Pool2DNhwc;
import org.microcodegen.ops.Quantize;
import org.microcodegen.ops.ReduceMean;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Softmax;
import org.microcodegen.ops.Squeeze;
import org.microcodegen.ops.StridedSlice;
import org.microcodegen.ops.Transpose;
import org.microcodegen.ops.TransposeConv2DNhwc;
import org.microcodegen.ops.Unary;

import java.util.List;

/**
 * TFLite's builtin operators translated into canonical ops, with TFLite's semantics (NHWC, fused
 * activations, its padding rule). Everything that is TFLite's spelling stays here; an operator or
 * option this translation does not cover is refused by name, never approximated.
 */
final class TfliteOps {
    private TfliteOps() {
    }

    /** Why an operator cannot be compiled: the frontend adds the operator and the file. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /** The canonical op of {@code op}; {@code outType} is its first output's dtype, {@code outQ} its quantization. */
    static Op translate(TfliteOperator op, TfliteTensor out, Quantization outQ) {
        DType outType = out.dtype();
        String name = op.code().builtinName();
        TfliteOptions o = op.options();
        return switch (name == null ? "" : name) {
            case "CONV_2D" -> {
                TfliteOptions.Conv2D c = (TfliteOptions.Conv2D) o;
                yield new Conv2DNhwc(false, new Pair(c.strideH(), c.strideW()), new Pair(c.dilationH(), c.dilationW()),
                        padding(c.padding()), activation(c.activation()));
            }
            case "DEPTHWISE_CONV_2D" -> {
                TfliteOptions.DepthwiseConv2D c = (TfliteOptions.DepthwiseConv2D) o;
                yield new Conv2DNhwc(true, new Pair(c.strideH(), c.strideW()), new Pair(c.dilationH(), c.dilationW()),
                        padding(c.padding()), activation(c.activation()));
            }
            case "TRANSPOSE_CONV" -> {
                TfliteOptions.TransposeConv c = (TfliteOptions.TransposeConv) o;
                if (out.shape().rank() != 4) {
                    throw new Unsupported("expects a 4-D output, got " + out.shape());
                }
                // the output size is the model's (its constant output_shape operand, which TFLite requires to equal it)
                yield new TransposeConv2DNhwc(new Pair(c.strideH(), c.strideW()), padding(c.padding()),
                        out.shape().dim(1), out.shape().dim(2), activation(c.activation()));
            }
            case "FULLY_CONNECTED" -> {
                TfliteOptions.FullyConnected c = (TfliteOptions.FullyConnected) o;
                if (c.weightsFormat() != 0) {
                    throw new Unsupported("shuffled weights (weights_format " + c.weightsFormat() + ") are not supported");
                }
                yield new FullyConnected(activation(c.activation()), c.keepNumDims());
            }
            case "AVERAGE_POOL_2D", "MAX_POOL_2D" -> {
                TfliteOptions.Pool2D p = (TfliteOptions.Pool2D) o;
                yield new Pool2DNhwc(name.startsWith("MAX") ? Pool2D.Kind.MAX : Pool2D.Kind.AVERAGE,
                        new Pair(p.filterHeight(), p.filterWidth()), new Pair(p.strideH(), p.strideW()), padding(p.padding()),
                        activation(p.activation()));
            }
            case "ADD" -> new Binary(Binary.Function.ADD, activation(((TfliteOptions.AddSub) o).activation()));
            case "SUB" -> new Binary(Binary.Function.SUB, activation(((TfliteOptions.AddSub) o).activation()));
            case "MUL" -> new Binary(Binary.Function.MUL, activation(((TfliteOptions.Mul) o).activation()));
            case "SOFTMAX" -> new Softmax(-1, ((TfliteOptions.Softmax) o).beta());
            case "LOGISTIC" -> new Unary(Unary.Function.SIGMOID);
            case "TANH" -> new Unary(Unary.Function.TANH);
            case "RELU" -> new Unary(Unary.Function.RELU);
            case "RELU6" -> new Unary(Unary.Function.RELU6);
            case "HARD_SWISH" -> new Unary(Unary.Function.HARD_SWISH);
            case "LEAKY_RELU" -> new Unary(Unary.Function.LEAKY_RELU, ((TfliteOptions.LeakyRelu) o).alpha());
            case "RESHAPE" -> new Reshape();
            case "SQUEEZE" -> new Squeeze(((TfliteOptions.Squeeze) o).squeezeDims().stream().map(Integer::longValue).toList());
            case "TRANSPOSE" -> new Transpose();
            case "PAD", "PADV2" -> new Pad(null, false, true);
            case "MEAN" -> new ReduceMean(null, ((TfliteOptions.Reducer) o).keepDims());
            case "CONCATENATION" -> {
                TfliteOptions.Concatenation c = (TfliteOptions.Concatenation) o;
                if (c.activation() != TfliteOptions.Activation.NONE) {
                    throw new Unsupported("a fused " + c.activation() + " on CONCATENATION is not supported");
                }
                yield new Concat(c.axis());
            }
            case "STRIDED_SLICE" -> {
                TfliteOptions.StridedSlice s = (TfliteOptions.StridedSlice) o;
                if (s.ellipsisMask() != 0 || s.newAxisMask() != 0 || s.offset()) {
                    throw new Unsupported("ellipsis_mask, new_axis_mask and offset are not supported");
                }
                yield new StridedSlice(s.beginMask(), s.endMask(), s.shrinkAxisMask());
            }
            case "QUANTIZE", "DEQUANTIZE" -> new Quantize(outType, outQ);
            default -> throw new Unsupported("operator " + op.name() + " is not supported");
        };
    }

    private static Padding padding(TfliteOptions.Padding p) {
        return p == TfliteOptions.Padding.SAME ? new Padding.Same() : Padding.none();
    }

    static FusedActivation activation(TfliteOptions.Activation a) {
        return switch (a) {
            case NONE -> FusedActivation.NONE;
            case RELU -> FusedActivation.RELU;
            case RELU6 -> FusedActivation.RELU6;
            case RELU_N1_TO_1 -> FusedActivation.RELU_N1_TO_1;
            case TANH, SIGN_BIT -> throw new Unsupported("the fused activation " + a + " is not supported");
        };
    }

    /**
     * The operator's inputs in the canonical op's order: TFLite's, except TRANSPOSE_CONV's
     * (output_shape, weights, input, bias) which becomes (input, weights, bias).
     */
    static List<Integer> operands(TfliteOperator op) {
        List<Integer> in = op.inputs();
        if ("TRANSPOSE_CONV".equals(op.code().builtinName()) && in.size() >= 3) {
            List<Integer> reordered = new java.util.ArrayList<>(List.of(in.get(2), in.get(1)));
            if (in.size() > 3) {
                reordered.add(in.get(3));
            }
            return reordered;
        }
        return in;
    }
}
