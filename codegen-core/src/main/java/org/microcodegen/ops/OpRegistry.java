package org.microcodegen.ops;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Finds the {@link Op} for a primitive name. Adding an op family means adding it to this list. */
public final class OpRegistry {
    private static final List<Op> OPS = List.of(
            new Conv2DOp(), new PoolOp(), new Activations(), new SoftmaxOp(), new MatMulOp(), new BiasAddOp(),
            new BinaryOp(), new BatchNormOp(), new ViewOps(), new TransposeOp(), new ConcatOp(), new ReduceMeanOp(),
            new PadOp(), new StridedSliceOp());

    private static final Map<String, Op> BY_NAME = new HashMap<>();

    static {
        for (Op op : OPS) {
            for (String name : op.names()) {
                if (BY_NAME.put(name, op) != null) {
                    throw new IllegalStateException("two ops claim " + name);
                }
            }
        }
    }

    private OpRegistry() {
    }

    public static boolean isSupported(String opType) {
        return BY_NAME.containsKey(opType);
    }

    /** The op for a node, or the error users see for an unsupported op. */
    public static Op forNode(Node node, String modelFile) {
        Op op = BY_NAME.get(node.opType());
        if (op == null) {
            throw new CompileException("unsupported op " + node.opType() + " at node " + node.scope()
                    + (modelFile == null ? "" : " in " + modelFile));
        }
        return op;
    }

    /** Every supported primitive name, sorted: for --help and the README. */
    public static List<String> supportedNames() {
        return List.copyOf(new TreeSet<>(BY_NAME.keySet()));
    }

    /** Whether the op's kernel applies a ReLU/ReLU6 epilogue itself (fusion target). */
    public static boolean acceptsFusedActivation(String opType) {
        return opType.equals("Conv2D") || opType.equals("MatMul");
    }

    public static boolean isFusableActivation(String opType) {
        return Activations.isFusable(opType);
    }

    public static String fusedActivationAttribute() {
        return Activations.FUSED_ACTIVATION;
    }
}
