package org.microcodegen.emit;

/** Names for constant operands in generated identifiers, e.g. conv1_weight, fc1_bias. */
final class WeightRoles {
    private WeightRoles() {
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
