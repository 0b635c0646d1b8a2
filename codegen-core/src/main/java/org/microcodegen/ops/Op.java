package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Everything the compiler knows about one operator family, in one place: which primitive names it
 * handles, how it reads its attributes, its shape rule, its cost, and the kernel call it lowers to.
 */
public interface Op {
    /** Primitive names this op handles, as exporters spell them. */
    List<String> names();

    /** Output types from input types and attributes. Throws CompileException naming the node. */
    List<TensorType> inferOutputs(Node node, OpContext ctx);

    /** Multiply-accumulates of one inference (0 for ops that do no multiply-accumulate work). */
    default long macs(Node node, OpContext ctx) {
        return 0;
    }

    /**
     * Index of an input whose buffer the output may reuse when that input dies here (element-wise
     * kernels whose header allows in == out), or -1. The planner decides whether it actually can.
     */
    default int inPlaceInput(Node node, OpContext ctx) {
        return -1;
    }

    /** The kernel call for this node, or {@link Lowering#view()} for ops that only relabel memory. */
    Lowering lower(Node node, OpContext ctx);
}
