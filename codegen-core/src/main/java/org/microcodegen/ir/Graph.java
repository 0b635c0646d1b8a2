package org.microcodegen.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable dataflow graph: tensors by name, nodes in a valid execution order (the schedule),
 * and the graph's inputs and outputs. Passes return new graphs.
 */
public final class Graph {
    private final String name;
    private final Map<String, Tensor> tensors;
    private final List<Node> nodes;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Node> producers;
    private final Map<String, List<Node>> consumers;

    public Graph(String name, Map<String, Tensor> tensors, List<Node> nodes, List<String> inputs, List<String> outputs) {
        this.name = name;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.nodes = List.copyOf(nodes);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        Map<String, Node> prod = new HashMap<>();
        Map<String, List<Node>> cons = new HashMap<>();
        for (Node n : this.nodes) {
            for (String o : n.outputs()) {
                prod.put(o, n);
            }
            for (String i : n.inputs()) {
                cons.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        this.producers = prod;
        this.consumers = cons;
        for (String t : this.inputs) {
            requireTensor(t);
        }
        for (String t : this.outputs) {
            requireTensor(t);
        }
    }

    private void requireTensor(String t) {
        if (!tensors.containsKey(t)) {
            throw new IllegalArgumentException("graph refers to unknown tensor " + t);
        }
    }

    public String name() {
        return name;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(String tensorName) {
        Tensor t = tensors.get(tensorName);
        if (t == null) {
            throw new IllegalArgumentException("unknown tensor " + tensorName);
        }
        return t;
    }

    public TensorType type(String tensorName) {
        return tensor(tensorName).type();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** The node that defines a tensor, or null for graph inputs and constants. */
    public Node producer(String tensorName) {
        return producers.get(tensorName);
    }

    public List<Node> consumers(String tensorName) {
        return consumers.getOrDefault(tensorName, List.of());
    }

    public boolean isGraphOutput(String tensorName) {
        return outputs.contains(tensorName);
    }

    public boolean isGraphInput(String tensorName) {
        return inputs.contains(tensorName);
    }

    public Graph withNodes(List<Node> newNodes, Map<String, Tensor> newTensors) {
        return new Graph(name, newTensors, newNodes, inputs, outputs);
    }

    public Graph withNodesAndOutputs(List<Node> newNodes, Map<String, Tensor> newTensors, List<String> newOutputs) {
        return new Graph(name, newTensors, newNodes, inputs, newOutputs);
    }
}
