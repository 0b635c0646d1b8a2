package org.microcodegen.passes;

import org.microcodegen.ir.Tensor;

import java.util.Map;

/** Names for the constants a pass creates. */
final class TensorNames {
    private TensorNames() {
    }

    /** {@code base}, or base_2, base_3, ...: the first name no tensor has yet. */
    static String fresh(Map<String, Tensor> tensors, String base) {
        String name = base;
        for (int i = 2; tensors.containsKey(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
