package org.microcodegen.ops;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * Rows {@code [firstRow, firstRow + rows)} of a batch-1 NHWC tensor, as a view of its memory: the input
 * band of the first layer of a row-band fused chain (the row-band pass, RowBands).
 */
public record RowWindow(int firstRow, int rows) implements RowView {
    @Override
    public String opName() {
        return "RowWindow";
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(1, 1);
        Shape in = ctx.shape(0);
        if (in.rank() != 4 || in.dim(0) != 1 || firstRow < 0 || rows <= 0 || firstRow + rows > in.dim(1)) {
            throw ctx.error("rows [" + firstRow + ", " + (firstRow + rows) + ") are not a band of the batch-1 NHWC tensor " + in);
        }
        return List.of(ctx.type(0).withShape(Shape.of(1, rows, in.dim(2), in.dim(3))));
    }

    @Override
    public long inputPosition(Node node, Graph g, int index) {
        return -firstRow * RowView.rowBytes(g, node.input(0));
    }
}
