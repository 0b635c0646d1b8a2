package org.microcodegen.ops;

import org.microcodegen.quant.Reference;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;

import java.util.Map;

/**
 * What an op may ask about its node's operands: their types and, for constant operands (shapes,
 * axes, weights), their values. Errors it raises name the op and node.
 */
public final class OpContext {
    private final Node node;
    private final Map<String, Tensor> tensors;
    private final String modelFile;
    private final Reference reference;

    public OpContext(Node node, Map<String, Tensor> tensors, String modelFile) {
        this(node, tensors, modelFile, Reference.LITERT);
    }

    private OpContext(Node node, Map<String, Tensor> tensors, String modelFile, Reference reference) {
        this.node = node;
        this.tensors = tensors;
        this.modelFile = modelFile;
        this.reference = reference;
    }

    /** This context for a compile whose integer kernels reproduce {@code r} (`--rounding`). */
    public OpContext withReference(Reference r) {
        return new OpContext(node, tensors, modelFile, r);
    }

    /** Whose integer results the kernels reproduce bit for bit (the compile's `--rounding`). */
    public Reference reference() {
        return reference;
    }

    public static OpContext of(Graph graph, Node node, String modelFile) {
        return new OpContext(node, graph.tensors(), modelFile);
    }

    public int inputCount() {
        return node.inputs().size();
    }

    public Tensor input(int i) {
        if (i >= node.inputs().size()) {
            throw error("expects at least " + (i + 1) + " inputs, has " + node.inputs().size());
        }
        return tensors.get(node.input(i));
    }

    public TensorType type(int i) {
        TensorType t = input(i).type();
        if (t == null) {
            throw new IllegalStateException("input " + i + " of " + node.describe() + " has no type yet");
        }
        return t;
    }

    public Shape shape(int i) {
        return type(i).shape();
    }

    public TensorType outputType(int i) {
        return tensors.get(node.outputs().get(i)).type();
    }

    public boolean isConstant(int i) {
        return i < inputCount() && input(i).isConstant();
    }

    /** A constant operand's data, or an error saying the op needs it to be known at compile time. */
    public ConstData constant(int i, String role) {
        Tensor t = input(i);
        if (!t.isConstant()) {
            throw error("its " + role + " operand must be a compile-time constant, but it is computed at run time");
        }
        return t.data();
    }

    public long[] constantLongs(int i, String role) {
        return constant(i, role).asLongs();
    }

    public void requireInputs(int min, int max) {
        if (inputCount() < min || inputCount() > max) {
            throw error("expects " + (min == max ? String.valueOf(min) : min + " to " + max) + " inputs, has " + inputCount());
        }
    }

    public CompileException error(String message) {
        return new CompileException(node.describe() + (modelFile == null ? "" : " in " + modelFile) + ": " + message);
    }
}
