package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * 2-D matrix product with either operand transposed. A third input is a bias of N elements and
 * {@code activation} is applied to the result: that is a dense (fully connected) layer in one call.
 */
public record MatMul(boolean transposeA, boolean transposeB, FusedActivation activation) implements Op {
    public MatMul {
        activation = activation == null ? FusedActivation.NONE : activation;
    }

    public MatMul(boolean transposeA, boolean transposeB) {
        this(transposeA, transposeB, FusedActivation.NONE);
    }

    @Override
    public String opName() {
        return "MatMul";
    }

    /** Output M x N from an inner dimension K. */
    public record Dims(int m, int k, int n) {
    }

    public Dims dims(OpContext ctx) {
        ctx.requireInputs(2, 3);
        Shape a = ctx.shape(0);
        Shape b = ctx.shape(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw ctx.error("expects 2-D operands, got " + a + " and " + b);
        }
        int m = transposeA ? a.dim(1) : a.dim(0);
        int k = transposeA ? a.dim(0) : a.dim(1);
        int kb = transposeB ? b.dim(1) : b.dim(0);
        int n = transposeB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw ctx.error("inner dimensions differ: " + a + (transposeA ? "^T" : "") + " x " + b + (transposeB ? "^T" : ""));
        }
        if (ctx.inputCount() == 3 && ctx.shape(2).elementCount() != n) {
            throw ctx.error("bias " + ctx.shape(2) + " does not have " + n + " elements");
        }
        return new Dims(m, k, n);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        Dims d = dims(ctx);
        return List.of(ctx.type(0).withShape(Shape.of(d.m, d.n)));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        Dims d = dims(ctx);
        return (long) d.m * d.k * d.n;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        Dims d = dims(ctx);
        return Invocation.builder()
                .tensor("a", node.input(0)).tensor("b", node.input(1))
                .optionalTensor("bias", ctx.inputCount() == 3 ? node.input(2) : null)
                .tensor("out", node.output())
                .integer("m", d.m).integer("k", d.k).integer("n", d.n)
                .integer("transposeA", transposeA ? 1 : 0).integer("transposeB", transposeB ? 1 : 0)
                .arg("act", new Arg.Activation(activation))
                .build();
    }

    @Override
    public boolean acceptsEpilogue() {
        return true;
    }

    @Override
    public MatMul withActivation(FusedActivation act) {
        return new MatMul(transposeA, transposeB, act);
    }

    /** This product with B stored transposed. */
    public MatMul withTransposeB(boolean tb) {
        return new MatMul(transposeA, tb, activation);
    }

    @Override
    public String operandRole(int index) {
        return index == 1 ? "weight" : index == 2 ? "bias" : "in" + index;
    }
}
