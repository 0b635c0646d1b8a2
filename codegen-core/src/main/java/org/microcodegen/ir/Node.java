package org.microcodegen.ir;

import java.util.List;

/**
 * One operation in the schedule.
 *
 * @param name          unique within the graph (the model's node name)
 * @param opType        the primitive, e.g. "Conv2D" (aliases resolved by the op registry)
 * @param inputs        tensor names, in operand order
 * @param outputs       tensor names this node defines
 * @param attrs         decoded attributes
 * @param scope         the exporter's scope path, e.g. "Default/conv1-Conv2d/Conv2D-op1": gives layer names
 * @param exportedTypes output types the exporter recorded (may be empty): shape inference must agree
 */
public record Node(String name, String opType, List<String> inputs, List<String> outputs, Attributes attrs,
                   String scope, List<TensorType> exportedTypes) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        exportedTypes = exportedTypes == null ? List.of() : List.copyOf(exportedTypes);
        if (attrs == null) {
            attrs = Attributes.empty();
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
        return new Node(name, opType, newInputs, outputs, attrs, scope, exportedTypes);
    }

    public Node withOutputs(List<String> newOutputs) {
        return new Node(name, opType, inputs, newOutputs, attrs, scope, exportedTypes);
    }

    public Node withOpType(String newOpType, Attributes newAttrs) {
        return new Node(name, newOpType, inputs, outputs, newAttrs, scope, exportedTypes);
    }

    /** "Conv2D at node Default/conv1-Conv2d/Conv2D-op1": the way messages refer to a node. */
    public String describe() {
        return opType + " at node " + scope;
    }
}
