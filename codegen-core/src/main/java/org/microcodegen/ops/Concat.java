package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/** Concatenation of all inputs along one axis. */
public record Concat(long axis) implements Op {
    @Override
    public String opName() {
        return "Concat";
    }

    private int axis(OpContext ctx) {
        return ctx.shape(0).normalizeAxis(axis, "concat");
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        if (ctx.inputCount() < 1) {
            throw ctx.error("has no inputs");
        }
        Shape first = ctx.shape(0);
        if (first.rank() == 0) {
            throw ctx.error("cannot concatenate 0-d inputs");
        }
        int a = axis(ctx);
        int[] out = first.dims();
        out[a] = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Shape s = ctx.shape(i);
            if (s.rank() != first.rank()) {
                throw ctx.error("input " + i + " " + s + " has another rank than " + first);
            }
            if (ctx.type(i).dtype() != ctx.type(0).dtype()) {
                throw ctx.error("input " + i + " is " + ctx.type(i).dtype().displayName() + ", input 0 "
                        + ctx.type(0).dtype().displayName());
            }
            for (int d = 0; d < s.rank(); d++) {
                if (d != a && s.dim(d) != first.dim(d)) {
                    throw ctx.error("input " + i + " " + s + " does not match " + first + " outside axis " + a);
                }
            }
            out[a] += s.dim(a);
        }
        return List.of(ctx.type(0).withShape(Shape.of(out)));
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        int a = axis(ctx);
        if (IntegerParams.isInteger(ctx.outputType(0))) {
            for (int i = 0; i < ctx.inputCount(); i++) {
                if (!java.util.Objects.equals(ctx.type(i).quantization(), ctx.outputType(0).quantization())) {
                    throw ctx.error("input " + i + " " + ctx.type(i) + " has another scale or zero point than the output "
                            + ctx.outputType(0) + ": requantizing concatenation is not supported");
                }
            }
        }
        List<Long> chunks = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            Shape s = ctx.shape(i);
            chunks.add(s.product(a, s.rank()));
        }
        return Invocation.builder().arg("inputs", new Arg.TensorList(node.inputs())).arg("chunks", new Arg.IntList(chunks))
                .integer("count", ctx.inputCount()).tensor("out", node.output()).integer("outer", ctx.shape(0).product(0, a))
                .build();
    }
}
