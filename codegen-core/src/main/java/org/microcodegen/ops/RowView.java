package org.microcodegen.ops;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;

/**
 * A view whose inputs sit at fixed byte positions inside its output (or its output inside its input):
 * full-width row bands of a batch-1 NHWC tensor are contiguous, so a band is the whole tensor's memory
 * from one row on. The memory planner places the tensors of such a view at these distances from each
 * other instead of at one offset.
 */
public interface RowView extends Op {
    /** Where input {@code index} starts, in bytes from the start of the node's output (negative: before it). */
    long inputPosition(Node node, Graph g, int index);

    /** Bytes of one row (W x C elements) of a batch-1 NHWC tensor. */
    static long rowBytes(Graph g, String tensor) {
        org.microcodegen.ir.TensorType t = g.type(tensor);
        return t.byteSize() / t.shape().dim(1);
    }

    @Override
    default Invocation invocation(Node node, OpContext ctx) {
        return Invocation.view();
    }
}
