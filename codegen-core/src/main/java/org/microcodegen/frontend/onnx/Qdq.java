package org.microcodegen.frontend.onnx;

import org.microcodegen.frontend.onnx.proto.Onnx.NodeProto;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.Pool2DNhwc;
import org.microcodegen.ops.Quantize;
import org.microcodegen.ops.Transpose;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * ONNX's QDQ int8 form (what onnxruntime.quantization.quantize_static writes): QuantizeLinear and
 * DequantizeLinear, and the integer layers of the QDQ groups {@link QdqGroups} finds, lowered onto the
 * NHWC integer kernels with ONNX Runtime's arithmetic (the compiler picks {@code Reference.ONNXRUNTIME}
 * for ONNX models: float requantization, ties to even).
 *
 * <p>uint8 data is held as int8 with the zero point moved by 128 (q - 128 with zero point z - 128 stands
 * for the same real numbers, and every kernel here gives the same integers shifted by 128), so the
 * int8 kernels serve both; a uint8 graph input or output, whose bytes the caller would see, is refused.
 * Integer layers compute in NHWC: an NCHW input is transposed to NHWC (unless a layer before made it so)
 * and the result transposed back; transposes nobody reads are removed by dead-code elimination.
 */
final class Qdq {
    private Qdq() {
    }

    /** A scale and zero point as the integer kernels hold them, and the integer type ONNX gives the data. */
    private record Params(Quantization quantization, DType onnxType) {
        DType internalType() {
            return onnxType == DType.UINT8 ? DType.INT8 : onnxType;
        }
    }

    // ---- QuantizeLinear, DequantizeLinear

    static void dequantizeLinear(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("axis", "block_size"));
        n.requireInputs(2, 3);
        refuseBlocked(n);
        TensorType x = n.type(0);
        if (x.dtype() != DType.INT8 && x.dtype() != DType.UINT8 && x.dtype() != DType.INT16 && x.dtype() != DType.INT32) {
            throw n.error("dequantizes " + x.dtype().displayName() + " data; int8, uint8, int16 and int32 are supported");
        }
        // run-time uint8 data is held as int8 (the QuantizeLinear that wrote it moved its zero point)
        DType onnxType = n.hasInput(2) && !n.isConstant(0) ? n.type(2).dtype() : x.dtype();
        Params p = params(n, onnxType, x.shape());
        String source;
        if (n.isConstant(0)) {
            ConstData q = n.constant(0, "input");
            n.fold(0, TensorType.of(DType.FLOAT32, x.shape()), dequantize(q, x.shape(), p.quantization()));
            ConstData internal = x.dtype() == DType.UINT8 ? shiftToInt8(q) : q;
            source = n.graph().constant(n.output(0) + "_q", new TensorType(p.internalType(), x.shape(), internal(p)), internal);
        } else {
            boolean int8 = x.dtype() == DType.INT8 && (onnxType == DType.INT8 || onnxType == DType.UINT8);
            if (!int8 && !(x.dtype() == DType.INT16 && onnxType == DType.INT16)) {
                throw n.error("dequantizes run-time " + x.dtype().displayName() + " data with a " + onnxType.displayName()
                        + " zero point; int8, int16 (or uint8 the model quantized itself) are supported");
            }
            if (x.quantization() == null && n.graph().isGraphInput(n.input(0))) {
                // an integer graph input: its scale and zero point are the ones it is dequantized with (the header states them)
                n.graph().addTensor(n.tensor(0).withType(new TensorType(x.dtype(), x.shape(), internal(p))));
            } else if (!Objects.equals(x.quantization(), internal(p))) {
                throw n.error("dequantizes with " + internal(p) + " data that was quantized with "
                        + (x.quantization() == null ? "no parameters" : x.quantization().toString()));
            }
            if (internal(p).perChannel()) {
                throw n.error("per-axis DequantizeLinear of run-time data is not supported (per-tensor only)");
            }
            source = n.input(0);
            n.emitOutput(new Quantize(DType.FLOAT32, null), List.of(source));
        }
        n.graph().integerSource(n.output(0), source);
    }

    static void quantizeLinear(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("axis", "saturate", "output_dtype", "block_size"));
        n.requireInputs(2, 3);
        refuseBlocked(n);
        TensorType x = n.type(0);
        DType onnxType = n.hasInput(2) ? n.type(2).dtype() : DType.UINT8;
        if (n.attrs().has("output_dtype")) {
            DType declared = OnnxTensors.dtypeOf((int) n.attrs().getInt("output_dtype", 0), "QuantizeLinear's output_dtype", n.file());
            if (n.hasInput(2) && declared != onnxType) {
                throw n.error("output_dtype " + declared.displayName() + " differs from the zero point's " + onnxType.displayName());
            }
            onnxType = declared;
        }
        if (onnxType != DType.INT8 && onnxType != DType.UINT8 && onnxType != DType.INT16) {
            throw n.error("quantizes to " + onnxType.displayName() + "; int8, uint8 and int16 are supported");
        }
        if (onnxType == DType.UINT8 && n.groups().isGraphOutput(n.output(0))) {
            throw n.error("its uint8 result is a graph output; the compiler computes uint8 data as int8 (quantize the model with int8 activations)");
        }
        Params p = params(n, onnxType, x.shape());
        Quantization q = internal(p);
        if (!x.dtype().isFloatingPoint()) {
            // the end of a QDQ group: the integer layer already wrote these parameters' integers
            if (!Objects.equals(x.quantization(), q)) {
                throw n.error("requantizes integer data from " + x.quantization() + " to " + q
                        + " (ONNX Runtime's arithmetic for that is not reproduced)");
            }
            n.alias(0);
            return;
        }
        if (x.dtype() != DType.FLOAT32) {
            throw n.error("quantizes " + x.dtype().displayName() + " data; float32 is supported");
        }
        if (q.perChannel()) {
            throw n.error("per-axis QuantizeLinear of run-time data is not supported (per-tensor only)");
        }
        if (n.isConstant(0)) {
            throw n.error("quantizes a constant that is not a layer's weight; nothing reads it as one");
        }
        n.emitOutput(new Quantize(p.internalType(), q), List.of(n.input(0)));
    }

    private static void refuseBlocked(OnnxNodeContext n) {
        if (n.attrs().getInt("block_size", 0) != 0) {
            throw n.error("blocked quantization (block_size) is not supported");
        }
    }

    /** The scale (input 1) and zero point (input 2, default 0 of {@code onnxType}) for data of {@code shape}. */
    private static Params params(OnnxNodeContext n, DType onnxType, Shape shape) {
        if (n.type(1).dtype() != DType.FLOAT32) {
            throw n.error("its scale is " + n.type(1).dtype().displayName() + "; float32 is supported");
        }
        float[] scales = n.constant(1, "scale").asFloats();
        long[] zeros = n.hasInput(2) ? n.constantLongs(2, "zero point") : new long[scales.length];
        if (n.hasInput(2) && n.type(2).dtype() != onnxType) {
            throw n.error("its zero point is " + n.type(2).dtype().displayName() + " but the integer data is " + onnxType.displayName());
        }
        if (zeros.length != scales.length) {
            throw n.error("has " + scales.length + " scales and " + zeros.length + " zero points");
        }
        int axis = 0;
        if (scales.length > 1) {
            axis = shape.normalizeAxis(n.attrs().getInt("axis", 1), "quantization");
            if (scales.length != 1 && scales.length != shape.dim(axis)) {
                throw n.error("has " + scales.length + " scales for axis " + axis + " of " + shape);
            }
        }
        List<Float> s = new ArrayList<>();
        List<Integer> z = new ArrayList<>();
        for (int i = 0; i < scales.length; i++) {
            if (!(scales[i] > 0) || Float.isInfinite(scales[i])) {
                throw n.error("scale " + scales[i] + " is not a positive number");
            }
            if (onnxType == DType.INT32 && zeros[i] != 0) {
                throw n.error("an int32 zero point must be 0, found " + zeros[i]);
            }
            s.add(scales[i]);
            z.add((int) zeros[i]);
        }
        return new Params(new Quantization(s, z, axis), onnxType);
    }

    /** The parameters as the int8 kernels see them: a uint8 zero point moved down by 128. */
    private static Quantization internal(Params p) {
        if (p.onnxType() != DType.UINT8) {
            return p.quantization();
        }
        return new Quantization(p.quantization().scales(), p.quantization().zeroPoints().stream().map(z -> z - 128).toList(),
                p.quantization().axis());
    }

    private static ConstData shiftToInt8(ConstData u8) {
        byte[] b = u8.bytes();
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (b[i] ^ 0x80);   // u - 128 in two's complement
        }
        return new ConstData(DType.INT8, b);
    }

    /** (float) (q - zero point) * scale, ONNX Runtime's DequantizeLinear, per element (per channel along the axis). */
    private static ConstData dequantize(ConstData q, Shape shape, Quantization p) {
        long[] v = q.asLongs();
        float[] out = new float[v.length];
        int channels = p.perChannel() ? shape.dim(p.axis()) : 1;
        long inner = p.perChannel() ? shape.product(p.axis() + 1, shape.rank()) : 1;
        for (int i = 0; i < v.length; i++) {
            int c = (int) ((i / inner) % channels);
            out[i] = (float) (v[i] - p.zeroPoints().get(c)) * p.scales().get(c);
        }
        return ConstData.ofFloats(out);
    }

    // ---- integer layers

    /** The quantization every QuantizeLinear reading this node's output writes (they must agree). */
    private static Quantization outputQuantization(OnnxNodeContext n) {
        Quantization q = null;
        for (NodeProto quantizer : n.groups().quantizers(n.proto())) {
            Quantization qi = quantizerParams(n, quantizer);
            if (q != null && !q.equals(qi)) {
                throw n.error("its output is quantized twice with different parameters (" + q + ", " + qi + ")");
            }
            q = qi;
        }
        return q;
    }

    /** A QuantizeLinear's per-tensor parameters, read from the constants it names (they must be defined by now). */
    private static Quantization quantizerParams(OnnxNodeContext n, NodeProto quantizer) {
        Tensor scale = quantizer.getInputCount() > 1 ? n.graph().tensor(quantizer.getInput(1)) : null;
        Tensor zero = quantizer.getInputCount() > 2 && !quantizer.getInput(2).isEmpty() ? n.graph().tensor(quantizer.getInput(2)) : null;
        if (scale == null || !scale.isConstant() || (quantizer.getInputCount() > 2 && !quantizer.getInput(2).isEmpty()
                && (zero == null || !zero.isConstant()))) {
            throw n.error("the QuantizeLinear after it needs its scale and zero point as initializers or earlier constants");
        }
        if (scale.data().elementCount() != 1 || (zero != null && zero.data().elementCount() != 1)) {
            throw n.error("its output is quantized per axis; integer layers write per-tensor quantized outputs");
        }
        if (scale.type().dtype() != DType.FLOAT32) {
            throw n.error("the QuantizeLinear after it has a " + scale.type().dtype().displayName() + " scale; float32 is supported");
        }
        DType type = zero == null ? DType.UINT8 : zero.type().dtype();
        if (type != DType.INT8 && type != DType.UINT8) {
            throw n.error("the QuantizeLinear after it writes " + type.displayName() + "; int8 and uint8 are supported");
        }
        int z = zero == null ? 0 : (int) zero.data().asLongs()[0];
        return internal(new Params(new Quantization(List.of(scale.data().asFloats()[0]), List.of(z), 0), type));
    }

    /** The NHWC form of NCHW integer tensor {@code nchw}: the twin a layer left, or a transpose. */
    private static String nhwc(OnnxNodeContext n, String nchw) {
        String twin = n.graph().nhwcTwinOf(nchw);
        return twin != null ? twin : n.emit(new Transpose(), List.of(nchw, n.longs("to_nhwc", 0, 2, 3, 1)));
    }

    /** Output 0 is NHWC integer tensor {@code nhwc} transposed back to NCHW; the NHWC tensor is remembered. */
    private static void outputFromNhwc(OnnxNodeContext n, String nhwc) {
        String out = n.emitOutput(new Transpose(), List.of(nhwc, n.longs("to_nchw", 0, 3, 1, 2)), null);
        n.graph().nhwcTwin(out, nhwc);
    }

    private static Tensor weight(OnnxNodeContext n, int i) {
        Tensor w = n.tensor(i);
        if (!w.isConstant()) {
            throw n.error("its weight (input " + i + ") is computed at run time; integer layers take constant weights");
        }
        if (w.type().dtype() != DType.INT8) {
            throw n.error("its weight is " + w.type().dtype().displayName() + " with zero point "
                    + w.type().quantization().zeroPoints().get(0) + "; integer layers take symmetric int8 weights");
        }
        return w;
    }

    private static String bias(OnnxNodeContext n, int i) {
        Tensor b = n.tensor(i);
        if (!b.isConstant() || b.type().dtype() != DType.INT32) {
            throw n.error("its bias must be a constant int32 tensor (dequantized), found " + b.type());
        }
        return b.name();
    }

    /** QLinearConv: a 2-D convolution (group 1 or depthwise) on int8 NCHW data with per-channel or per-tensor weights. */
    static void conv(OnnxNodeContext n, Pair strides, Pair dilations, int[] pads, long group) {
        Tensor w = weight(n, 1);
        Shape ws = w.type().shape();
        int inC = n.shape(0).dim(1);
        int outC = ws.dim(0);
        boolean depthwise = group > 1 && group == inC && ws.dim(1) == 1;
        if (group != 1 && !depthwise) {
            throw n.error("grouped convolution (group " + group + ") on integers is not supported (group 1 or depthwise)");
        }
        Quantization wq = w.type().quantization();
        if (wq.perChannel() && wq.axis() != 0) {
            throw n.error("its weight is quantized along axis " + wq.axis() + "; per output channel (axis 0) is supported");
        }
        // ONNX [M][C][kH][kW] -> CONV_2D [M][kH][kW][C], or DEPTHWISE_CONV_2D [1][kH][kW][M] (channel axis 3)
        int[] perm = depthwise ? new int[] {1, 2, 3, 0} : new int[] {0, 2, 3, 1};
        Quantization nhwcQ = depthwise && wq.perChannel() ? new Quantization(wq.scales(), wq.zeroPoints(), 3) : wq;
        String weights = n.graph().constant(n.output(0) + "_weight_nhwc",
                new TensorType(DType.INT8, permute(ws, perm), nhwcQ), ConstantFolding.transpose(w.data(), ws, perm));
        List<String> inputs = new ArrayList<>(List.of(nhwc(n, n.input(0)), weights));
        if (n.hasInput(2)) {
            inputs.add(bias(n, 2));
        }
        if (outC == 0) {
            throw n.error("has no output channels");
        }
        String y = n.emit(new Conv2DNhwc(depthwise, strides, dilations, new Padding.Explicit(pads[0], pads[1], pads[2], pads[3]),
                FusedActivation.NONE), inputs, outputQuantization(n));
        outputFromNhwc(n, y);
    }

    /**
     * QGemm / QLinearMatMul: A [rows][K] int8 times a constant int8 B, plus an int32 bias, as a fully
     * connected layer with weights [N][K] (B transposed at compile time unless transB says it is so).
     */
    static void fullyConnected(OnnxNodeContext n, boolean transB, boolean withBias) {
        if (n.shape(0).rank() != 2) {
            throw n.error("integer products take a 2-D A, found " + n.shape(0));
        }
        Tensor b = weight(n, 1);
        Shape bs = b.type().shape();
        if (bs.rank() != 2) {
            throw n.error("B must be 2-D, found " + bs);
        }
        Quantization bq = b.type().quantization();
        int outAxis = transB ? 0 : 1;
        if (bq.perChannel() && bq.axis() != outAxis) {
            throw n.error("B is quantized along axis " + bq.axis() + "; per output column (axis " + outAxis + ") is supported");
        }
        String weights = b.name();
        if (!transB) {
            int[] perm = {1, 0};
            weights = n.graph().constant(n.output(0) + "_weight_t", new TensorType(DType.INT8, permute(bs, perm),
                    new Quantization(bq.scales(), bq.zeroPoints(), 0)), ConstantFolding.transpose(b.data(), bs, perm));
        }
        List<String> inputs = new ArrayList<>(List.of(n.input(0), weights));
        if (withBias) {
            inputs.add(bias(n, 2));
        }
        n.emitOutput(new FullyConnected(FusedActivation.NONE, false), inputs, outputQuantization(n));
    }

    /** MaxPool with its Q/DQ dropped (ONNX Runtime runs it on the integers): the same parameters in and out. */
    static void maxPool(OnnxNodeContext n, Pair window, Pair strides, int[] pads) {
        Quantization out = outputQuantization(n);
        if (!Objects.equals(out, n.type(0).quantization())) {
            throw n.error("max pooling requantizes from " + n.type(0).quantization() + " to " + out
                    + " (ONNX Runtime keeps such a MaxPool in float; not supported)");
        }
        String y = n.emit(new Pool2DNhwc(Pool2D.Kind.MAX, window, strides, new Padding.Explicit(pads[0], pads[1], pads[2], pads[3]),
                FusedActivation.NONE), List.of(nhwc(n, n.input(0))), out);
        outputFromNhwc(n, y);
    }

    private static Shape permute(Shape s, int[] perm) {
        int[] d = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            d[i] = s.dim(perm[i]);
        }
        return Shape.of(d);
    }
}
