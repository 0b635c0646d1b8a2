package org.microcodegen.frontend.tflite;

import java.util.List;

/**
 * An operator's builtin options, decoded into one record per options table. Operators whose options
 * are absent from the file read the schema's defaults (FlatBuffers' meaning of a missing table).
 * {@link None}: the operator has no options worth decoding (PAD, RELU, QUANTIZE ...).
 * {@link Undecoded}: options of an operator this reader does not decode, named by their table.
 */
public sealed interface TfliteOptions {
    /** TFLite's Padding enum. */
    enum Padding { SAME, VALID }

    /** TFLite's ActivationFunctionType enum: the activation fused into an operator's output. */
    enum Activation { NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT }

    record None() implements TfliteOptions {
    }

    record Undecoded(String optionsTable) implements TfliteOptions {
    }

    record Conv2D(Padding padding, int strideW, int strideH, Activation activation, int dilationW,
                  int dilationH) implements TfliteOptions {
    }

    record DepthwiseConv2D(Padding padding, int strideW, int strideH, int depthMultiplier, Activation activation,
                           int dilationW, int dilationH) implements TfliteOptions {
    }

    /** {@code weightsFormat} 0 is DEFAULT; 1 (SHUFFLED4x16INT8) is an x86 layout a frontend should refuse. */
    record FullyConnected(Activation activation, int weightsFormat, boolean keepNumDims,
                          boolean asymmetricQuantizeInputs) implements TfliteOptions {
    }

    record TransposeConv(Padding padding, int strideW, int strideH, Activation activation) implements TfliteOptions {
    }

    /** AVERAGE_POOL_2D, MAX_POOL_2D (and L2_POOL_2D). */
    record Pool2D(Padding padding, int strideW, int strideH, int filterWidth, int filterHeight,
                  Activation activation) implements TfliteOptions {
    }

    /** ADD and SUB; {@code potScaleInt16}: int16 inputs use power-of-two scales (TFLite's default true). */
    record AddSub(Activation activation, boolean potScaleInt16) implements TfliteOptions {
    }

    record Mul(Activation activation) implements TfliteOptions {
    }

    /** MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY, REDUCE_ALL. */
    record Reducer(boolean keepDims) implements TfliteOptions {
    }

    record Softmax(float beta) implements TfliteOptions {
    }

    record LeakyRelu(float alpha) implements TfliteOptions {
    }

    record Concatenation(int axis, Activation activation) implements TfliteOptions {
    }

    /** {@code newShape} is null when the file omits it (the shape then comes from the second input). */
    record Reshape(List<Integer> newShape) implements TfliteOptions {
        public Reshape {
            newShape = newShape == null ? null : List.copyOf(newShape);
        }
    }

    record Squeeze(List<Integer> squeezeDims) implements TfliteOptions {
        public Squeeze {
            squeezeDims = List.copyOf(squeezeDims);
        }
    }

    /** Bit masks over axes, as TFLite defines them; {@code offset}: end is an offset from begin. */
    record StridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask,
                        boolean offset) implements TfliteOptions {
    }
}
