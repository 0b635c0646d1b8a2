package org.microcodegen.emit;

/** Names for constant operands in generated identifiers, e.g. conv1_weight, fc1_bias. */
final class WeightRoles {
    private WeightRoles() {
    }

    /** A weight's name before sanitising: the model's parameter name, else the consuming layer plus the role. */
    static String baseName(org.microcodegen.ir.Tensor t, String consumerLayer, String consumerOp, int inputIndex) {
        boolean namedParameter = !t.sourceName().equals(t.name());
        return namedParameter ? t.sourceName() : consumerLayer + "_" + role(consumerOp, inputIndex);
    }

    static String role(String opType, int inputIndex) {
        return switch (opType) {
            case "Conv2D", "MatMul" -> inputIndex == 1 ? "weight" : inputIndex == 2 ? "bias" : "in" + inputIndex;
            case "BiasAdd" -> "bias";
            case "BatchNorm" -> switch (inputIndex) {
                case 1 -> "gamma";
                case 2 -> "beta";
                case 3 -> "mean";
                case 4 -> "variance";
                default -> "in" + inputIndex;
            };
            default -> "operand" + inputIndex;
        };
    }
}
