package org.microcodegen.passes;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.Concat;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.ExpandDims;
import org.microcodegen.ops.Flatten;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Pad;
import org.microcodegen.ops.Pool2DNhwc;
import org.microcodegen.ops.Quantize;
import org.microcodegen.ops.ReduceMean;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Softmax;
import org.microcodegen.ops.Squeeze;
import org.microcodegen.ops.StridedSlice;
import org.microcodegen.ops.Transpose;
import org.microcodegen.ops.Unary;
import org.microcodegen.quant.WeightQuantizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Full int8 quantization of an NHWC float graph (after {@link NhwcLayout}) with TFLite's rules
 * (../shared/docs/quantization.md), so that it runs on the integer kernels of TFLite models:
 * activations int8 per tensor, asymmetric, from the calibrated range widened to hold 0; weights of
 * convolutions and dense layers int8 per output channel, symmetric (zero point 0, values in [-127, 127]);
 * biases int32 at input scale x weight scale[c]. Ops that move values without computing them (pooling,
 * reshapes, transposes, padding) keep their input's scale and zero point, as TFLite's kernels require;
 * softmax, sigmoid and tanh write TFLite's fixed output scales. With {@code floatIo} the graph's inputs and
 * outputs stay float32 (a QUANTIZE after each input, a DEQUANTIZE before each output), so the caller's
 * interface does not change; otherwise they become int8 and the header states their scale and zero point.
 */
public final class QuantizeInt8 {
    /** A calibrated real interval of one tensor. */
    public record Range(float min, float max) {
    }

    /** The TFLite fixed output scales: softmax and sigmoid [0, 1) in 1/256 steps, tanh [-1, 1) in 1/128. */
    private static final Quantization UNIT = new Quantization(List.of(1f / 256), List.of(-128), 0);
    private static final Quantization SYMMETRIC_UNIT = new Quantization(List.of(1f / 128), List.of(0), 0);

    private final Graph in;
    private final Map<String, Range> ranges;
    private final String file;
    private final Map<String, Tensor> tensors;
    private final FreshNames names;
    private final Map<String, Quantization> quant = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();

    private QuantizeInt8(Graph in, Map<String, Range> ranges, String file) {
        this.in = in;
        this.ranges = ranges;
        this.file = file;
        this.tensors = new LinkedHashMap<>(in.tensors());
        this.names = new FreshNames(tensors, in);
    }

    /**
     * The int8 graph. {@code ranges} holds every non-constant tensor's calibrated range (by name).
     */
    public static Graph run(Graph nhwcFloat, Map<String, Range> ranges, boolean floatIo, String modelFile) {
        requireQuantizable(nhwcFloat, modelFile);
        return new QuantizeInt8(nhwcFloat, ranges, modelFile).convert(floatIo);
    }

    /** Refuses, naming op, node and file, a graph with an op no int8 kernel computes (before any calibration runs). */
    public static void requireQuantizable(Graph g, String modelFile) {
        for (Node n : g.nodes()) {
            String why = unquantizable(g, n);
            if (why != null) {
                throw new CompileException("--quantize int8: " + n.describe() + (modelFile == null ? "" : " in " + modelFile)
                        + ": " + why);
            }
        }
    }

    private static final Set<Unary.Function> INT8_UNARY = Set.of(Unary.Function.RELU, Unary.Function.RELU6, Unary.Function.LEAKY_RELU,
            Unary.Function.HARD_SWISH, Unary.Function.SIGMOID, Unary.Function.TANH);

    private static String unquantizable(Graph g, Node n) {
        Op op = Op.of(n);
        for (String t : n.inputs()) {
            if (!g.tensor(t).isConstant() && g.type(t).dtype() != DType.FLOAT32) {
                return "its input is " + g.type(t).dtype().displayName() + "; only float32 graphs are quantized";
            }
        }
        if (op instanceof Conv2DNhwc || op instanceof FullyConnected) {
            return g.tensor(n.input(1)).isConstant() ? null : "its weight is computed at run time; int8 layers take constant weights";
        }
        if (op instanceof Binary b) {
            return Set.of(Binary.Function.ADD, Binary.Function.SUB, Binary.Function.MUL).contains(b.function()) ? null
                    : "no int8 kernel computes " + op.opName();
        }
        if (op instanceof Unary u) {
            return INT8_UNARY.contains(u.function()) ? null : "no int8 kernel computes " + op.opName();
        }
        if (op instanceof ReduceMean) {
            return g.type(n.input(0)).shape().rank() == 4 ? null : "the int8 mean reduces H and W of a 4-D tensor only";
        }
        if (op instanceof Softmax s) {
            int rank = g.type(n.input(0)).shape().rank();
            return rank > 0 && g.type(n.input(0)).shape().normalizeAxis(s.axis(), "softmax") == rank - 1 ? null
                    : "the int8 softmax runs over the last axis only";
        }
        if (op instanceof Pool2DNhwc || op instanceof Concat || passesValuesThrough(op)) {
            return null;
        }
        String more = op.opName().equals("Conv2D") ? " (a grouped convolution has no NHWC kernel)"
                : op.opName().equals("MatMul") ? " (a product of two run-time tensors)" : "";
        return "no int8 kernel computes " + op.opName() + more;
    }

    /** Ops that move values without computing new ones: their output keeps the input's scale and zero point. */
    private static boolean passesValuesThrough(Op op) {
        return op instanceof Reshape || op instanceof Flatten || op instanceof Squeeze || op instanceof ExpandDims
                || op instanceof Transpose || op instanceof Pad || op instanceof StridedSlice || op instanceof Pool2DNhwc;
    }

    private Graph convert(boolean floatIo) {
        List<String> inputs = new ArrayList<>(in.inputs());
        Map<String, String> renamed = new HashMap<>();   // float graph input -> its int8 tensor
        for (String t : in.inputs()) {
            Quantization q = activation(t);
            quant.put(t, q);
            TensorType type = new TensorType(DType.INT8, in.type(t).shape(), q);
            if (floatIo) {
                String name = names.tensor(t + "_int8");
                tensors.put(name, Tensor.value(name, type));
                nodes.add(new Node(names.node("quantize_" + name), "Quantize", List.of(t), List.of(name), new Quantize(DType.INT8, q),
                        "quantize/" + t, List.of(type)));
                renamed.put(t, name);
                quant.put(name, q);
            } else {
                tensors.put(t, in.tensor(t).withType(type));
            }
        }
        for (Node n : in.nodes()) {
            List<String> ins = n.inputs().stream().map(t -> renamed.getOrDefault(t, t)).toList();
            quantizeNode(n.withInputs(ins), n);
        }
        List<String> outputs = new ArrayList<>();
        for (String t : in.outputs()) {
            if (!floatIo) {
                outputs.add(t);
                continue;
            }
            // the producer writes an int8 tensor; a DEQUANTIZE writes the float output under its own name
            String name = names.tensor(t + "_int8");
            rename(t, name);
            tensors.put(t, Tensor.value(t, TensorType.of(DType.FLOAT32, in.type(t).shape())));
            nodes.add(new Node(names.node("dequantize_" + t), "Dequantize", List.of(name), List.of(t), new Quantize(DType.FLOAT32, null),
                    "dequantize/" + t, List.of()));
            outputs.add(t);
        }
        Graph g = new Graph(in.name(), tensors, nodes, inputs, outputs);
        return DeadCodeElimination.run(ShapeInference.run(g, file));
    }

    /** Makes the node that writes {@code from} write {@code to} instead (and its readers read it). */
    private void rename(String from, String to) {
        tensors.put(to, new Tensor(to, tensors.get(from).type(), null, to));
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.outputs().contains(from) || n.inputs().contains(from)) {
                nodes.set(i, n.withInputs(n.inputs().stream().map(t -> t.equals(from) ? to : t).toList())
                        .withOutputs(n.outputs().stream().map(t -> t.equals(from) ? to : t).toList()));
            }
        }
        quant.put(to, quant.get(from));
    }

    private void quantizeNode(Node n, Node original) {
        Op op = Op.of(n);
        String out = n.output();
        Quantization q;
        List<String> inputs = new ArrayList<>(n.inputs());
        if (op instanceof Conv2DNhwc c) {
            q = activation(out);
            weighted(n, inputs, c.depthwise() ? 3 : 0);
        } else if (op instanceof FullyConnected) {
            q = activation(out);
            weighted(n, inputs, 0);
        } else if (passesValuesThrough(op)) {
            q = quant.get(n.input(0));
            for (int i = 1; i < inputs.size(); i++) {
                if (op instanceof Pad && i == 2 && tensors.get(inputs.get(i)).isConstant()) {
                    inputs.set(i, constantInScale(inputs.get(i), q));   // PADV2's pad value, in the output's scale
                }
            }
        } else if (op instanceof Softmax || (op instanceof Unary u && u.function() == Unary.Function.SIGMOID)) {
            q = UNIT;
        } else if (op instanceof Unary u && u.function() == Unary.Function.TANH) {
            q = SYMMETRIC_UNIT;
        } else if (op instanceof Concat) {
            q = activation(out);
            for (int i = 0; i < inputs.size(); i++) {
                inputs.set(i, inScale(inputs.get(i), q, n));   // TFLite's int8 concatenation does not requantize
            }
        } else {
            q = activation(out);
            for (int i = 0; i < inputs.size(); i++) {
                String t = inputs.get(i);
                if (tensors.get(t).isConstant() && tensors.get(t).data().dtype() == DType.FLOAT32 && !(op instanceof ReduceMean && i == 1)) {
                    inputs.set(i, constantPerTensor(t));
                }
            }
        }
        quant.put(out, q);
        TensorType type = new TensorType(DType.INT8, in.type(original.output()).shape(), q);
        tensors.put(out, Tensor.value(out, type));
        nodes.add(new Node(n.name(), n.opType(), inputs, n.outputs(), op, n.scope(), List.of(type)));
    }

    /** Per-channel int8 weight (channels along {@code axis}) and int32 bias at input scale x weight scale. */
    private void weighted(Node n, List<String> inputs, int axis) {
        Tensor w = tensors.get(n.input(1));
        float inScale = quant.get(n.input(0)).scales().get(0);
        WeightQuantizer.PerChannel qw = WeightQuantizer.symmetric(w.data().asFloats(), w.type().shape().dims(), axis, 8);
        List<Float> scales = new ArrayList<>();
        List<Integer> zeros = new ArrayList<>();
        for (float s : qw.scales()) {
            scales.add(s);
            zeros.add(0);
        }
        String wName = names.tensor(n.input(1) + "_int8");
        tensors.put(wName, new Tensor(wName, new TensorType(DType.INT8, w.type().shape(), new Quantization(scales, zeros, axis)),
                new ConstData(DType.INT8, qw.int8()), w.sourceName()));
        inputs.set(1, wName);
        if (n.inputs().size() == 3) {
            Tensor b = tensors.get(n.input(2));
            float[] bias = b.data().asFloats();
            ByteBuffer buf = ByteBuffer.allocate(bias.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            List<Float> bScales = new ArrayList<>();
            List<Integer> bZeros = new ArrayList<>();
            for (int c = 0; c < bias.length; c++) {
                float s = inScale * qw.scales()[qw.scales().length == 1 ? 0 : c];   // in float, as TFLite's converter
                buf.putInt((int) Math.max(Integer.MIN_VALUE + 1L, Math.min(Integer.MAX_VALUE, Math.round((double) bias[c] / s))));
                bScales.add(s);
                bZeros.add(0);
            }
            String bName = names.tensor(n.input(2) + "_int32");
            tensors.put(bName, new Tensor(bName, new TensorType(DType.INT32, b.type().shape(), new Quantization(bScales, bZeros, 0)),
                    new ConstData(DType.INT32, buf.array()), b.sourceName()));
            inputs.set(2, bName);
        }
    }

    /** {@code t} in the scale and zero point {@code q}: itself if it has them, else a requantization into them. */
    private String inScale(String t, Quantization q, Node n) {
        if (tensors.get(t).isConstant()) {
            return constantInScale(t, q);
        }
        if (q.equals(quant.get(t))) {
            return t;
        }
        String name = names.tensor(t + "_requantized");
        TensorType type = new TensorType(DType.INT8, tensors.get(t).type().shape(), q);
        tensors.put(name, Tensor.value(name, type));
        nodes.add(new Node(names.node("requantize_" + name), "Quantize", List.of(t), List.of(name), new Quantize(DType.INT8, q),
                n.scope(), List.of(type)));
        quant.put(name, q);
        return name;
    }

    /** A float constant operand (an addend, a scale) as int8 with its own per-tensor range. */
    private String constantPerTensor(String t) {
        float[] v = tensors.get(t).data().asFloats();
        float min = 0;
        float max = 0;
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return constantInScale(t, asymmetric(min, max));
    }

    private String constantInScale(String t, Quantization q) {
        Tensor c = tensors.get(t);
        if (c.data().dtype() != DType.FLOAT32) {
            return t;
        }
        float[] v = c.data().asFloats();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) quantize(v[i], q.scales().get(0), q.zeroPoints().get(0));
        }
        String name = names.tensor(t + "_int8");
        tensors.put(name, new Tensor(name, new TensorType(DType.INT8, c.type().shape(), q), new ConstData(DType.INT8, b), c.sourceName()));
        return name;
    }

    /** TFLite's affine quantization of one value: round half away from zero, clamp to int8. */
    public static int quantize(float x, float scale, int zeroPoint) {
        float v = x / scale;
        long q = (long) (v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5));
        return (int) Math.max(-128, Math.min(127, q + zeroPoint));
    }

    private Quantization activation(String t) {
        Range r = ranges.get(t);
        if (r == null) {
            throw new IllegalStateException("no calibrated range for " + t);
        }
        return asymmetric(r.min(), r.max());
    }

    /**
     * int8 per tensor for the real interval [min, max] widened to contain 0 (so that 0, padding's value,
     * is exact): scale (max - min) / 255, zero point -128 - min / scale rounded and clamped, as TFLite's
     * converter nudges it.
     */
    public static Quantization asymmetric(float min, float max) {
        double lo = Math.min(0.0, min);
        double hi = Math.max(0.0, max);
        if (hi - lo < 1e-30) {
            return new Quantization(List.of(1f), List.of(0), 0);   // an all-zero tensor: any scale is exact
        }
        float scale = (float) ((hi - lo) / 255.0);
        double zp = -128.0 - lo / scale;
        int zero = (int) Math.max(-128, Math.min(127, Math.round(zp)));
        return new Quantization(List.of(scale), List.of(zero), 0);
    }

}
