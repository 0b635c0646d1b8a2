package org.microcodegen.frontend.onnx;

import org.microcodegen.frontend.onnx.proto.Onnx.NodeProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Op;

import java.util.List;

/**
 * One ONNX node being translated: its inputs as typed tensors (constants where folding made them so),
 * its attributes, the opset it was written for, and the ways a translation defines its outputs: as
 * canonical nodes, as folded constants, or as another value (Identity).
 */
final class OnnxNodeContext {
    private final NodeProto proto;
    private final String name;
    private final int opset;
    private final OnnxGraphBuilder graph;
    private final String file;
    private final OnnxAttributes attributes;
    private final OnnxTensors tensors;
    private final QdqGroups groups;
    private int emitted;

    OnnxNodeContext(NodeProto proto, String name, int opset, OnnxGraphBuilder graph, String file, OnnxTensors tensors,
                    QdqGroups groups) {
        this.tensors = tensors;
        this.groups = groups;
        this.proto = proto;
        this.name = name;
        this.opset = opset;
        this.graph = graph;
        this.file = file;
        this.attributes = new OnnxAttributes(proto.getAttributeList(), this, opset);
    }

    String opType() {
        return proto.getOpType();
    }

    String name() {
        return name;
    }

    int opset() {
        return opset;
    }

    java.nio.file.Path file() {
        return java.nio.file.Path.of(file);
    }

    OnnxTensors tensors() {
        return tensors;
    }

    OnnxAttributes attrs() {
        return attributes;
    }

    CompileException error(String message) {
        return new CompileException(file + ": " + opType() + " at node " + name + ": " + message);
    }

    // ---- inputs

    /** Whether optional input {@code i} is given (ONNX leaves an optional input out or names it ""). */
    boolean hasInput(int i) {
        return i < proto.getInputCount() && !proto.getInput(i).isEmpty();
    }

    int inputCount() {
        return proto.getInputCount();
    }

    void requireInputs(int min, int max) {
        if (proto.getInputCount() < min || proto.getInputCount() > max) {
            throw error("has " + proto.getInputCount() + " inputs; it takes " + (min == max ? "" + min : min + " to " + max));
        }
        for (int i = 0; i < min; i++) {
            if (!hasInput(i)) {
                throw error("input " + i + " is required but not given");
            }
        }
    }

    /**
     * Whether this node is the middle of a QDQ group (DequantizeLinear -> node -> QuantizeLinear) that
     * runs on integers: its dequantized inputs then read as their integer tensors.
     */
    boolean quantized() {
        return groups.isQuantized(proto);
    }

    QdqGroups groups() {
        return groups;
    }

    OnnxGraphBuilder graph() {
        return graph;
    }

    NodeProto proto() {
        return proto;
    }

    /** The tensor name input {@code i} refers to in the IR (in a QDQ group, a dequantized input's integer tensor). */
    String input(int i) {
        if (!hasInput(i)) {
            throw error("input " + i + " is required but not given");
        }
        String raw = proto.getInput(i);
        if (quantized() && groups.isDataInput(proto, i)) {
            String integer = graph.integerSourceOf(graph.resolve(raw));
            if (integer == null) {
                throw error("input " + i + " ('" + raw + "') is not dequantized from an integer tensor the compiler read");
            }
            return integer;
        }
        String resolved = graph.resolve(raw);
        if (graph.tensor(raw) == null) {
            throw error("reads '" + raw + "', which no earlier node, initializer or input defines");
        }
        return resolved;
    }

    Tensor tensor(int i) {
        return graph.tensor(input(i));
    }

    TensorType type(int i) {
        return tensor(i).type();
    }

    Shape shape(int i) {
        return type(i).shape();
    }

    /** The type of a tensor a translation added (an intermediate value or constant). */
    TensorType graphType(String tensorName) {
        return graph.tensor(tensorName).type();
    }

    boolean isConstant(int i) {
        return hasInput(i) && tensor(i).isConstant();
    }

    ConstData constant(int i, String role) {
        Tensor t = tensor(i);
        if (!t.isConstant()) {
            throw error("its " + role + " (input " + i + ") must be a compile-time constant, but it is computed at run time");
        }
        return t.data();
    }

    long[] constantLongs(int i, String role) {
        ConstData d = constant(i, role);
        if (d.dtype().isFloatingPoint()) {
            throw error("its " + role + " (input " + i + ") must be integers, found " + d.dtype().displayName());
        }
        return d.asLongs();
    }

    /** A constant scalar operand (Clip's bounds, Pad's value) as a double. */
    double constantScalar(int i, String role) {
        ConstData d = constant(i, role);
        if (d.elementCount() != 1) {
            throw error("its " + role + " (input " + i + ") must be a single value, found " + d.elementCount());
        }
        return d.asDoubles()[0];
    }

    // ---- outputs

    int outputCount() {
        return proto.getOutputCount();
    }

    /** Refuses outputs beyond the first {@code usable} that the model names: the compiler does not compute them. */
    void requireOutputsAtMost(int usable, String why) {
        for (int i = usable; i < proto.getOutputCount(); i++) {
            if (!proto.getOutput(i).isEmpty()) {
                throw error("output " + i + " ('" + proto.getOutput(i) + "') is not supported: " + why);
            }
        }
    }

    String output(int i) {
        return proto.getOutput(i);
    }

    /** Output 0 is computed by {@code op}; returns its name. */
    String emitOutput(Op op, List<String> inputs) {
        return emitOutput(op, inputs, null);
    }

    /** As above, with the output's quantization given (an integer layer's output, the model's choice). */
    String emitOutput(Op op, List<String> inputs, org.microcodegen.ir.Quantization quantization) {
        graph.define(output(0), opType() + " at node " + name);
        return graph.addNode(nodeName(), opType(), name, op, inputs, output(0), quantization);
    }

    /** An intermediate value computed by {@code op} (one step of an op translated into several). */
    String emit(Op op, List<String> inputs) {
        return emit(op, inputs, null);
    }

    /** As above, with the output's quantization given (an integer layer's output, the model's choice). */
    String emit(Op op, List<String> inputs, org.microcodegen.ir.Quantization quantization) {
        String out = graph.freshName(output(0) + "_" + op.opName().toLowerCase(java.util.Locale.ROOT));
        return graph.addNode(nodeName(), opType(), name, op, inputs, out, quantization);
    }

    private String nodeName() {
        emitted++;
        return emitted == 1 ? name : name + "#" + emitted;
    }

    /** Output {@code i} is a constant computed at compile time. */
    void fold(int i, TensorType type, ConstData data) {
        graph.define(output(i), opType() + " at node " + name);
        graph.addTensor(new Tensor(output(i), type, data, output(i)));
    }

    /** Output 0 is input {@code i} unchanged (Identity, Dropout at inference, a Clip without bounds). */
    void alias(int input) {
        String target = input(input);
        graph.define(output(0), opType() + " at node " + name);
        graph.alias(output(0), target);
    }

    /** A constant operand the translation adds (a shape, a permutation, a scalar bound). */
    String constant(String role, TensorType type, ConstData data) {
        return graph.constant(output(0) + "_" + role, type, data);
    }

    String longs(String role, long... values) {
        return constant(role, TensorType.of(DType.INT64, Shape.of(values.length)), ConstData.ofLongs(values));
    }

    /** A float32 scalar operand (a bound, alpha, beta) for an op on float32 data; other data is refused. */
    String scalar(String role, float value) {
        if (type(0).dtype() != DType.FLOAT32) {
            throw error(opType() + " of " + type(0).dtype().displayName() + " data is not supported (float32 only)");
        }
        return constant(role, TensorType.of(DType.FLOAT32, Shape.scalar()), ConstData.ofFloats(value));
    }
}
