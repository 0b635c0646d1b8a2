package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.TensorType;

import java.util.List;
import java.util.Map;

/** Element-wise unary ops: ReLU, ReLU6, Sigmoid, Tanh, HSwish, HSigmoid, LeakyReLU, Abs. */
final class Activations implements Op {
    /** Attribute a fusion pass sets on Conv2D/MatMul: "ReLU" or "ReLU6". */
    static final String FUSED_ACTIVATION = "fused_activation";

    private static final Map<String, String> KERNELS = Map.of(
            "ReLU", "mc_relu_f32",
            "ReLU6", "mc_relu6_f32",
            "Sigmoid", "mc_sigmoid_f32",
            "Tanh", "mc_tanh_f32",
            "HSwish", "mc_hswish_f32",
            "HSigmoid", "mc_hsigmoid_f32",
            "LeakyReLU", "mc_leaky_relu_f32",
            "Abs", "mc_abs_f32");

    /** The activations a conv or matmul epilogue can apply. */
    static boolean isFusable(String opType) {
        return opType.equals("ReLU") || opType.equals("ReLU6");
    }

    /** The mc_act symbol for a node's fused activation. */
    static String fusedSymbol(Node node) {
        String act = node.attrs().getString(FUSED_ACTIVATION, "");
        return switch (act) {
            case "" -> "MC_ACT_NONE";
            case "ReLU" -> "MC_ACT_RELU";
            case "ReLU6" -> "MC_ACT_RELU6";
            default -> throw new IllegalStateException("cannot fuse " + act);
        };
    }

    @Override
    public List<String> names() {
        return List.of("ReLU", "ReLU6", "Sigmoid", "Tanh", "HSwish", "HSigmoid", "LeakyReLU", "Abs");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        ctx.requireFloat32(0);
        return List.of(ctx.type(0));
    }

    @Override
    public int inPlaceInput(Node node, OpContext ctx) {
        return 0;
    }

    @Override
    public Lowering lower(Node node, OpContext ctx) {
        long n = ctx.shape(0).elementCount();
        List<Arg> args = node.opType().equals("LeakyReLU")
                ? List.of(Arg.tensor(node.input(0)), Arg.tensor(node.output()), Arg.integer(n),
                        new Arg.Float((float) node.attrs().getDouble("alpha", 0.2)))
                : List.of(Arg.tensor(node.input(0)), Arg.tensor(node.output()), Arg.integer(n));
        return Lowering.of(new KernelCall("mc_activation", KERNELS.get(node.opType()), args, null));
    }
}
