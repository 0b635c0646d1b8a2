package org.microcodegen.lower;

import org.microcodegen.ir.DType;

import java.util.List;

/**
 * runtime-micro's Java kernels (package org.microcodegen.runtime). One method per op where C has
 * several entry points: a class is loaded whole and the JIT specialises at run time, so the shape
 * specialisations of the C registry buy nothing here.
 */
public final class JavaKernels {
    private static final Signature F32 = Signature.all(DType.FLOAT32);
    /** The nested parameter class of a runtime class, e.g. Conv2D.Params. */
    private static final String PARAMS = "Params";

    private JavaKernels() {
    }

    public static KernelRegistry registry(String target) {
        KernelRegistry.Builder r = KernelRegistry.builder(target);
        r.add("Conv2D", F32, Kernel.withParams("Conv2D", "conv2d", PARAMS));
        r.add("MaxPool2D", F32, Kernel.withParams("Pool2D", "maxpool2d", PARAMS));
        r.add("AvgPool2D", F32, Kernel.withParams("Pool2D", "avgpool2d", PARAMS));
        r.add("AdaptiveAvgPool2D", F32, Kernel.withParams("Pool2D", "avgpool2d", PARAMS));
        r.add("MatMul", F32, Shapes.DENSE, Kernel.of("MatMul", "matmulDense").taking("a", "b", "bias", "out", "m", "k", "n", "act"));
        r.add("MatMul", F32, Kernel.of("MatMul", "matmul"));
        unary(r, "Relu", "relu");
        unary(r, "Relu6", "relu6");
        unary(r, "Sigmoid", "sigmoid");
        unary(r, "Tanh", "tanh");
        unary(r, "HardSwish", "hswish");
        unary(r, "HardSigmoid", "hsigmoid");
        unary(r, "LeakyRelu", "leakyRelu");
        unary(r, "Abs", "abs");
        binary(r, "Add", "add");
        binary(r, "Sub", "sub");
        binary(r, "Mul", "mul");
        binary(r, "Div", "div");
        binary(r, "Maximum", "maximum");
        binary(r, "Minimum", "minimum");
        r.add("BiasAdd", F32, Kernel.of("BiasAdd", "biasAdd"));
        r.add("Softmax", F32, Kernel.of("Softmax", "softmax"));
        r.add("LogSoftmax", F32, Kernel.of("Softmax", "logSoftmax"));
        r.add("BatchNorm", F32, Kernel.of("BatchNorm", "batchnorm"));
        // one call per input, each writing its chunk of every output row (see Concat in runtime-micro)
        r.add("Concat", F32, Kernel.of("Concat", "part").calledPerInput());
        r.add("Pad", F32, Kernel.withParams("Pad", "pad", PARAMS));
        r.add("ReduceMean", F32, Kernel.withParams("Reduce", "reduceMean", PARAMS));
        r.add("StridedSlice", F32, Kernel.withParams("StridedSlice", "stridedSlice", PARAMS));
        r.add("Transpose", F32, Kernel.withParams("Transpose", "transpose", PARAMS));
        integer(r);
        weightsOnly(r);
        // Copying moves bits whatever they mean: Copy.copy has one overload per arena array type.
        for (DType d : DType.values()) {
            r.add(KernelRegistry.COPY, Signature.all(d), Kernel.of("Copy", "copy"));
        }
        return r.build();
    }

    private static final DType I8 = DType.INT8;
    private static final DType I16 = DType.INT16;

    /** TFLite's integer kernels and the NHWC float kernels of TFLite models (the C registry's, method for function). */
    private static void integer(KernelRegistry.Builder r) {
        Signature s8 = Signature.weighted(I8, I8, DType.INT32);
        Signature s16 = Signature.weighted(I16, I8, DType.INT64);
        Signature f32 = Signature.weighted(DType.FLOAT32, DType.FLOAT32, DType.FLOAT32);
        r.add("Conv2DNhwc", s8, Kernel.withParams("Conv2DNhwc", "conv2dS8", "QParams"));
        r.add("Conv2DNhwc", s16, Kernel.withParams("Conv2DNhwc", "conv2dS16", "QParams"));
        r.add("Conv2DNhwc", f32, Kernel.withParams("Conv2DNhwc", "conv2dF32", PARAMS));
        r.add("DepthwiseConv2DNhwc", s8, Kernel.withParams("Conv2DNhwc", "depthwiseConv2dS8", "QParams"));
        r.add("DepthwiseConv2DNhwc", s16, Kernel.withParams("Conv2DNhwc", "depthwiseConv2dS16", "QParams"));
        r.add("DepthwiseConv2DNhwc", f32, Kernel.withParams("Conv2DNhwc", "depthwiseConv2dF32", PARAMS));
        r.add("TransposeConv2DNhwc", s8, Kernel.withParams("TransposeConv", "transposeConvS8", "Conv2DNhwc.QParams"));
        r.add("TransposeConv2DNhwc", s16, Kernel.withParams("TransposeConv", "transposeConvS16", "Conv2DNhwc.QParams"));
        r.add("TransposeConv2DNhwc", f32, Kernel.withParams("TransposeConv", "transposeConvF32", "Conv2DNhwc.Params"));
        r.add("FullyConnected", s8, Kernel.withParams("FullyConnected", "fullyConnectedS8", "QParams"));
        r.add("FullyConnected", s16, Kernel.withParams("FullyConnected", "fullyConnectedS16", "QParams"));
        r.add("FullyConnected", f32, Kernel.withParams("FullyConnected", "fullyConnectedF32", PARAMS));
        for (DType d : List.of(I8, I16, DType.FLOAT32)) {
            r.add("MaxPool2DNhwc", Signature.all(d), Kernel.withParams("Pool2DNhwc", "maxpool2d", PARAMS));
            r.add("AvgPool2DNhwc", Signature.all(d), Kernel.withParams("Pool2DNhwc", "avgpool2d", PARAMS));
        }
        for (DType d : List.of(I8, I16)) {
            Signature same = Signature.all(d);
            r.add("Add", same, Kernel.withParams("QBinary", "add", "AddParams"));
            r.add("Sub", same, Kernel.withParams("QBinary", "sub", "AddParams"));
            r.add("Mul", same, Kernel.withParams("QBinary", "mul", "MulParams"));
            r.add("Relu", same, Kernel.withParams("QActivation", "relu", "ReluParams"));
            r.add("Relu6", same, Kernel.withParams("QActivation", "relu", "ReluParams"));
            r.add("LeakyRelu", same, Kernel.withParams("QActivation", "leakyRelu", "LeakyReluParams"));
            r.add("ReduceMean", same, Kernel.withParams("QReduce", "meanHw", "MeanParams"));
            r.add("Pad", same, Kernel.withParams("Pad", "pad", PARAMS));
            r.add("Quantize", Signature.exactly(List.of(DType.FLOAT32), List.of(d)), Kernel.withParams("Quantize", "quantize", "AffineParams"));
            r.add("Dequantize", Signature.exactly(List.of(d), List.of(DType.FLOAT32)), Kernel.withParams("Quantize", "dequantize", "AffineParams"));
            for (DType to : List.of(I8, I16, DType.INT32)) {
                if (!(d == I8 && to == DType.INT32)) {
                    r.add("Quantize", Signature.exactly(List.of(d), List.of(to)), Kernel.withParams("Quantize", "quantize", "RequantizeParams"));
                }
            }
            r.add("Concat", same, Kernel.of("Concat", "part").calledPerInput());
        }
        for (DType d : List.of(I8, I16, DType.INT32)) {
            r.add("Transpose", Signature.all(d), Kernel.withParams("Transpose", "transpose", PARAMS));
            r.add("StridedSlice", Signature.all(d), Kernel.withParams("StridedSlice", "stridedSlice", PARAMS));
        }
        r.add("Softmax", Signature.exactly(List.of(I8), List.of(I8)), Kernel.withParams("QSoftmax", "softmaxS8", PARAMS));
        r.add("Softmax", Signature.exactly(List.of(I8), List.of(I16)), Kernel.withParams("QSoftmax", "softmaxS8S16", PARAMS));
        r.add("Softmax", Signature.all(I16), Kernel.withParams("QSoftmax", "softmaxS16", PARAMS));
        r.add("Sigmoid", Signature.exactly(List.of(I8), List.of(I8)), Kernel.of("QNonlinear", "lutS8"));
        r.add("Tanh", Signature.exactly(List.of(I8), List.of(I8)), Kernel.of("QNonlinear", "lutS8"));
        r.add("HardSwish", Signature.all(I8), Kernel.withParams("QNonlinear", "hardSwishS8", "HardSwishParams"));
        r.add("Sigmoid", Signature.all(I16), Kernel.withParams("QNonlinear", "logisticS16", "Sigmoid16Params"));
        r.add("Tanh", Signature.all(I16), Kernel.withParams("QNonlinear", "tanhS16", "Sigmoid16Params"));
    }

    /** Float layers with integer weights and per-channel scales (weights-only quantization): WeightsOnly. */
    private static void weightsOnly(KernelRegistry.Builder r) {
        for (DType w : WeightsOnlySignature.WEIGHTS) {
            Signature s = new WeightsOnlySignature(w);
            String bits = WeightsOnlySignature.suffix(w);
            r.add("Conv2D", s, WeightsOnlySignature.LAYER, Kernel.withParams("WeightsOnly", "conv2dW" + bits, "Conv2D.Params")
                    .taking("in", "weight", "scales", "bias", "out", "params"));
            r.add("MatMul", s, WeightsOnlySignature.DENSE_LAYER, Kernel.of("WeightsOnly", "matmulDenseW" + bits)
                    .taking("a", "b", "scales", "bias", "out", "m", "k", "n", "act"));
        }
    }

    private static void unary(KernelRegistry.Builder r, String op, String method) {
        r.add(op, F32, Kernel.of("Activation", method));
    }

    private static void binary(KernelRegistry.Builder r, String op, String method) {
        r.add(op, F32, Kernel.withParams("Binary", method, PARAMS));
    }
}
