package org.microcodegen.frontend.mindir;

import java.util.List;
import java.util.Map;

/**
 * MindSpore 2.x exports many primitives as "primitive functions": arguments that older versions stored
 * as attributes (MatMul's transpose flags, BatchNorm's epsilon, AvgPool's kernel size, ...) arrive as
 * extra Constant inputs after the tensor operands. This table names those trailing inputs so the
 * loader can turn them back into attributes, and every op reads its arguments one way whatever the
 * exporter's version. Facts from tools/fixture_op_inventory.md (what MindSpore 2.10 writes).
 *
 * @param kept      how many leading inputs stay inputs (tensor operands, and constant operands such as
 *                  Reshape's shape that ops read as inputs)
 * @param arguments names of the inputs that follow, in order
 */
record PrimitiveArguments(int kept, List<String> arguments) {
    private static final Map<String, PrimitiveArguments> TABLE = Map.ofEntries(
            Map.entry("AvgPool", new PrimitiveArguments(1, List.of("kernel_size", "strides", "pad_mode", "format"))),
            Map.entry("MaxPool", new PrimitiveArguments(1, List.of("kernel_size", "strides", "pad_mode", "format"))),
            Map.entry("BatchNorm", new PrimitiveArguments(5, List.of("is_training", "epsilon", "momentum", "format"))),
            Map.entry("BiasAdd", new PrimitiveArguments(2, List.of("format"))),
            Map.entry("Concat", new PrimitiveArguments(1, List.of("axis"))),
            Map.entry("MatMul", new PrimitiveArguments(2, List.of("transpose_a", "transpose_b"))),
            Map.entry("ReduceMean", new PrimitiveArguments(2, List.of("keep_dims"))),
            Map.entry("Softmax", new PrimitiveArguments(1, List.of("axis"))),
            Map.entry("Squeeze", new PrimitiveArguments(1, List.of("axis"))),
            Map.entry("StridedSlice", new PrimitiveArguments(4,
                    List.of("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"))),
            Map.entry("LeakyReLU", new PrimitiveArguments(1, List.of("alpha"))),
            Map.entry("Flatten", new PrimitiveArguments(1, List.of("start_dim", "end_dim"))));

    static PrimitiveArguments of(String opType) {
        return TABLE.get(opType);
    }
}
