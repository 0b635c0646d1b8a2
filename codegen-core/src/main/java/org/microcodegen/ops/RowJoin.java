package org.microcodegen.ops;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Batch-1 NHWC row bands, top to bottom, as one tensor: each band was written in place into the
 * output's memory (a view, no code). The output of a row-band fused chain (the row-band pass, RowBands).
 */
public record RowJoin() implements RowView {
    @Override
    public String opName() {
        return "RowJoin";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, Integer.MAX_VALUE);
        Shape first = ctx.shape(0);
        int rows = 0;
        for (int i = 0; i < ctx.inputCount(); i++) {
            Shape s = ctx.shape(i);
            if (s.rank() != 4 || s.dim(0) != 1 || s.dim(2) != first.dim(2) || s.dim(3) != first.dim(3)
                    || ctx.type(i).dtype() != ctx.type(0).dtype()) {
                throw ctx.error("band " + s + " does not have the width, channels and type of " + first);
            }
            rows += s.dim(1);
        }
        return List.of(ctx.type(0).withShape(Shape.of(1, rows, first.dim(2), first.dim(3))));
    }

    @Override
    public long inputPosition(Node node, Graph g, int index) {
        long position = 0;
        for (int i = 0; i < index; i++) {
            position += g.type(node.input(i)).byteSize();
        }
        return position;
    }
}
