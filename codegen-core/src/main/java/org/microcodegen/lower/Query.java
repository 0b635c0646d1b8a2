package org.microcodegen.lower;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Node;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;
import org.microcodegen.ops.ParamsStruct;

import java.util.List;
import java.util.Set;

/**
 * What a registry entry's predicate may look at: the node, its op (with typed attributes), the
 * context for operand shapes, the op's parameter values (null when it has none), the dtypes of the tensors the kernel reads and writes, and the ops the
 * whole model has (a kernel that runs on another op's kernel costs less where the model links that
 * kernel anyway).
 */
public record Query(Node node, Op op, OpContext ctx, ParamsStruct params, List<DType> inputs, List<DType> outputs, Set<String> modelOps) {
    public Query {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        modelOps = Set.copyOf(modelOps);
    }

    /** "float32, float32 -> float32". */
    public String signature() {
        return String.join(", ", inputs.stream().map(DType::displayName).toList()) + " -> "
                + String.join(", ", outputs.stream().map(DType::displayName).toList());
    }
}
