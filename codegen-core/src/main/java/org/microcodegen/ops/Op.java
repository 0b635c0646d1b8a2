package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Operator;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * A canonical op: a record whose components are its typed attributes, with everything the compiler
 * knows about it in one place: its shape rule and validation, its cost, and the arguments its kernel
 * takes. An op is format-neutral (frontends translate their own spellings into it) and dtype-neutral;
 * it never names a kernel: the lowering layer's registry picks one for the node's dtypes and target.
 */
public interface Op extends Operator {
    /** The op a node computes. */
    static Op of(Node node) {
        return (Op) node.op();
    }

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

    /** The kernel's arguments and parameter values, or {@link Invocation#view()} for ops that only relabel memory. */
    Invocation invocation(Node node, OpContext ctx);

    /**
     * Whether the kernel takes a per-output-channel bias as a third input and applies a
     * {@link FusedActivation} itself, so that a following bias add and ReLU can fold into it.
     */
    default boolean acceptsEpilogue() {
        return false;
    }

    /** The activation this op applies after its main work (NONE unless {@link #acceptsEpilogue()}). */
    default FusedActivation activation() {
        return FusedActivation.NONE;
    }

    /** This op with {@code act} fused into it; only for ops that {@link #acceptsEpilogue()}. */
    default Op withActivation(FusedActivation act) {
        throw new UnsupportedOperationException(opName() + " takes no fused activation");
    }

    /** The epilogue this op is when another op's kernel can apply it instead (ReLU, ReLU6), or null. */
    default FusedActivation asEpilogue() {
        return null;
    }

    /** Whether this op adds a bias per channel along axis 1, which an epilogue can apply instead. */
    default boolean isChannelBias() {
        return false;
    }

    /** What input {@code index} is, for naming a constant operand in generated code: "weight", "bias", ... */
    default String operandRole(int index) {
        return "operand" + index;
    }
}
