package org.microcodegen.passes;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds a per-channel bias add with a constant bias, then a ReLU or ReLU6, into the op before them when
 * its kernel applies them itself ({@link Op#acceptsEpilogue()}: Conv2D, MatMul),
 * so that nn.Conv2d + ReLU and nn.Dense + ReLU become one kernel call that writes its output once.
 * This saves a pass over memory and, more importantly for a microcontroller, the RAM of the
 * intermediate tensors. Only done when the intermediate has no other reader and is not an output.
 */
public final class FuseEpilogues {
    private FuseEpilogues() {
    }

    public static Graph run(Graph g) {
        List<Node> nodes = new ArrayList<>(g.nodes());
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        Set<Node> removed = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (removed.contains(n) || !Op.of(n).acceptsEpilogue()) {
                continue;
            }
            Graph cur = g.withNodes(without(nodes, removed), tensors);
            Node next = soleConsumer(cur, n.output());
            if (next != null && Op.of(next).isChannelBias() && n.inputs().size() == 2
                    && next.input(0).equals(n.output()) && tensors.get(next.input(1)).isConstant()) {
                // The bias add's shape rule already required it along axis 1: one value per output channel.
                List<String> ins = new ArrayList<>(n.inputs());
                ins.add(next.input(1));
                n = n.withInputs(ins).withOutputs(next.outputs());
                removed.add(next);
                nodes.set(i, n);
                cur = g.withNodes(without(nodes, removed), tensors);
                next = soleConsumer(cur, n.output());
            }
            FusedActivation act = next == null ? null : Op.of(next).asEpilogue();
            if (act != null && Op.of(n).activation() == FusedActivation.NONE) {
                n = n.withOp(Op.of(n).withActivation(act)).withOutputs(next.outputs());
                removed.add(next);
                nodes.set(i, n);
            }
        }
        Graph out = g.withNodes(without(nodes, removed), tensors);
        return DeadCodeElimination.run(out);
    }

    /** The only node reading a tensor, if the tensor is not also a graph output. */
    static Node soleConsumer(Graph g, String tensor) {
        if (g.isGraphOutput(tensor)) {
            return null;
        }
        List<Node> consumers = g.consumers(tensor);
        if (consumers.size() != 1) {
            return null;
        }
        Node c = consumers.get(0);
        return c.inputs().stream().filter(tensor::equals).count() == 1 ? c : null;
    }

    private static List<Node> without(List<Node> nodes, Set<Node> removed) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (!removed.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
