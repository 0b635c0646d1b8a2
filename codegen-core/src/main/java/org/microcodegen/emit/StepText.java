package org.microcodegen.emit;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ops.BlockedConv2D;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.WeightsOnly;

import java.util.ArrayList;
import java.util.List;

/** The comment above each call in generated code, the same in every target: what the layer is and its shapes. */
final class StepText {
    private StepText() {
    }

    /** "conv1: Conv2D + BiasAdd + ReLU (Default/conv1-Conv2d/Conv2D-op0)". */
    static String title(Node n, String layer) {
        Op op = Op.of(n);
        int operands = n.inputs().size();
        String weights = "";
        if (op instanceof WeightsOnly w) {
            // the float layer it stands for, and how its weights are stored
            weights = ", weights as " + w.bits() + "-bit integers times a float scale per output channel";
            op = w.base();
            operands--;
        }
        FusedActivation act = op.activation();
        String fused = act == FusedActivation.NONE ? "" : " + " + act.label();
        boolean biasFused = op.acceptsEpilogue() && operands == 3;
        String foldedScope = op instanceof Conv2D c ? c.foldedBatchNorm() : null;
        String folded = foldedScope != null ? " + BatchNorm (folded into the weights: " + foldedScope + ")" : "";
        String pooled = op instanceof BlockedConv2D b && b.pool() > 1 ? " + MaxPool " + b.pool() + "x" + b.pool() + " (fused)" : "";
        return layer + ": " + n.opType() + (biasFused && folded.isEmpty() ? " + BiasAdd" : "") + folded + fused + pooled + weights + " (" + n.scope() + ")";
    }

    /** "f32[1,1,32,32] -> f32[1,6,28,28]": the non-constant inputs and the outputs. */
    static String shapes(Graph g, Node n) {
        List<String> ins = new ArrayList<>();
        for (String in : n.inputs()) {
            Tensor t = g.tensor(in);
            if (!t.isConstant()) {
                ins.add(t.type().toString());
            }
        }
        List<String> outs = new ArrayList<>();
        for (String out : n.outputs()) {
            outs.add(g.type(out).toString());
        }
        return String.join(", ", ins) + " -> " + String.join(", ", outs);
    }
}
