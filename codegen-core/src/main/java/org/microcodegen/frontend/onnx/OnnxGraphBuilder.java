package org.microcodegen.frontend.onnx;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ir.ValueException;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph as it is built from ONNX nodes in file order (ONNX requires topological order). Every
 * canonical node is typed the moment it is added, by its op's own shape rule: later ONNX nodes can then
 * read static shapes (Shape, Reshape's 0, auto_pad, Flatten's axis) and fold them to constants, which is
 * how PyTorch's shape subgraphs disappear.
 */
final class OnnxGraphBuilder {
    private final String file;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    /** ONNX value names removed by folding (Identity, Dropout, a no-op Clip) to the tensor they stand for. */
    private final Map<String, String> aliases = new HashMap<>();
    /** Every ONNX value name defined so far, with what defined it: a second definition is refused. */
    private final Map<String, String> defined = new HashMap<>();
    private final Map<String, Integer> nameUses = new HashMap<>();
    /** A DequantizeLinear's float output to the integer tensor it dequantizes (QDQ groups read that instead). */
    private final Map<String, String> integerSources = new HashMap<>();
    /** An NCHW integer tensor to the same data in NHWC, where an integer layer produced it so (saves a transpose). */
    private final Map<String, String> nhwcTwins = new HashMap<>();

    OnnxGraphBuilder(String file) {
        this.file = file;
    }

    Map<String, Tensor> tensors() {
        return tensors;
    }

    List<Node> nodes() {
        return nodes;
    }

    /** Records that ONNX value {@code name} is defined by {@code what}, refusing a redefinition (ONNX graphs are SSA). */
    void define(String name, String what) {
        if (name.isEmpty()) {
            throw new CompileException(file + ": " + what + " defines a value with an empty name");
        }
        String earlier = defined.putIfAbsent(name, what);
        if (earlier != null) {
            throw new CompileException(file + ": " + what + " defines '" + name + "', which " + earlier + " already defines");
        }
        nameUses.merge(name, 1, Integer::sum);
    }

    boolean isDefined(String name) {
        return defined.containsKey(name);
    }

    /** The tensor an ONNX value name stands for after aliases, or null. */
    Tensor tensor(String name) {
        String r = aliases.getOrDefault(name, name);
        return tensors.get(r);
    }

    String resolve(String name) {
        return aliases.getOrDefault(name, name);
    }

    void alias(String name, String target) {
        aliases.put(name, resolve(target));
    }

    /** The graph's run-time inputs (their types are the caller's interface). */
    private final java.util.Set<String> graphInputs = new java.util.HashSet<>();

    void graphInput(String name) {
        graphInputs.add(name);
    }

    boolean isGraphInput(String name) {
        return graphInputs.contains(name);
    }

    void integerSource(String dequantized, String integer) {
        integerSources.put(dequantized, integer);
    }

    /** The integer tensor ONNX value {@code name} is the DequantizeLinear of, or null. */
    String integerSourceOf(String name) {
        return integerSources.get(name);
    }

    void nhwcTwin(String nchw, String nhwc) {
        nhwcTwins.put(nchw, nhwc);
    }

    String nhwcTwinOf(String nchw) {
        return nhwcTwins.get(nchw);
    }

    void addTensor(Tensor t) {
        tensors.put(t.name(), t);
    }

    /** A name no value has yet, derived from {@code base}: for constants and intermediate values a translation adds. */
    String freshName(String base) {
        String name = base;
        while (defined.containsKey(name) || tensors.containsKey(name)) {
            int n = nameUses.merge(base, 1, Integer::sum);
            name = base + "_" + n;
        }
        defined.put(name, "the compiler");
        return name;
    }

    String constant(String base, TensorType type, ConstData data) {
        String name = freshName(base);
        tensors.put(name, new Tensor(name, type, data, name));
        return name;
    }

    /**
     * Adds a node computing {@code op} into {@code output} and types it now. The op's own errors
     * already name the op and node; helper errors that do not get {@code where} added.
     */
    String addNode(String nodeName, String opType, String scope, Op op, List<String> inputs, String output) {
        return addNode(nodeName, opType, scope, op, inputs, output, null);
    }

    /**
     * As above; a non-null {@code quantization} is the output's (a QDQ group's QuantizeLinear parameters,
     * the model's choice), recorded as the node's exported type so that shape inference keeps it.
     */
    String addNode(String nodeName, String opType, String scope, Op op, List<String> inputs, String output,
                   Quantization quantization) {
        Node probe = new Node(nodeName, opType, inputs, List.of(output), op, scope, List.of());
        List<TensorType> types;
        try {
            types = op.inferOutputs(probe, new OpContext(probe, tensors, file));
        } catch (ValueException e) {
            throw new CompileException(probe.describe() + " in " + file + ": " + e.getMessage(), e);
        }
        TensorType type = types.get(0);
        Node node = probe;
        if (quantization != null) {
            type = new TensorType(type.dtype(), type.shape(), quantization);
            node = new Node(nodeName, opType, inputs, List.of(output), op, scope, List.of(type));
        }
        nodes.add(node);
        tensors.put(output, Tensor.value(output, type));
        return output;
    }
}
