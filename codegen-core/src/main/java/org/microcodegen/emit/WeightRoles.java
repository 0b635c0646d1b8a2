package org.microcodegen.emit;

import org.microcodegen.ops.Op;

/** Names for constant operands in generated identifiers, e.g. conv1_weight, fc1_bias; the op names the role. */
final class WeightRoles {
    private WeightRoles() {
    }

    /** A weight's name before sanitising: the model's parameter name, else the consuming layer plus the role. */
    static String baseName(org.microcodegen.ir.Tensor t, String consumerLayer, Op consumer, int inputIndex) {
        boolean namedParameter = !t.sourceName().equals(t.name());
        return namedParameter ? t.sourceName() : consumerLayer + "_" + consumer.operandRole(inputIndex);
    }
}
