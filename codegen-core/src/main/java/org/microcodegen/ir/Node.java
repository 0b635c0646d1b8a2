package org.microcodegen.ir;

import java.util.List;

/**
 * One operation in the schedule.
 *
 * @param name          unique within the graph (the model's node name)
 * @param opType        the op as the model file names it, e.g. "MaxPool": for messages, comments and layer names
 * @param inputs        tensor names, in operand order
 * @param outputs       tensor names this node defines
 * @param op            what the node computes: a canonical op with typed attributes
 * @param scope         the exporter's scope path, e.g. "Default/conv1-Conv2d/Conv2D-op1": gives layer names
 * @param exportedTypes output types the exporter recorded (may be empty): shape inference must agree
 */
public record Node(String name, String opType, List<String> inputs, List<String> outputs, Operator op,
                   String scope, List<TensorType> exportedTypes) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        exportedTypes = exportedTypes == null ? List.of() : List.copyOf(exportedTypes);
        if (op == null) {
            throw new IllegalArgumentException("node " + name + " has no op");
        }
        if (scope == null || scope.isEmpty()) {
            scope = name;
        }
    }

    public String input(int i) {
        return inputs.get(i);
    }

    public String output() {
        return outputs.get(0);
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(name, opType, newInputs, outputs, op, scope, exportedTypes);
    }

    public Node withOutputs(List<String> newOutputs) {
        return new Node(name, opType, inputs, newOutputs, op, scope, exportedTypes);
    }

    /** The same node computing {@code newOp} (a pass that rewrites attributes, e.g. fusing an activation). */
    public Node withOp(Operator newOp) {
        return new Node(name, opType, inputs, outputs, newOp, scope, exportedTypes);
    }

    /** "Conv2D at node Default/conv1-Conv2d/Conv2D-op1": the way messages refer to a node. */
    public String describe() {
        return opType + " at node " + scope;
    }
}
