package org.microcodegen.passes;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drops nodes and constants that no graph output depends on (exporters leave training-only
 * branches and unused batch statistics behind). Graph inputs are kept even when unused, because
 * they are part of the generated API.
 */
public final class DeadCodeElimination {
    private DeadCodeElimination() {
    }

    public static Graph run(Graph g) {
        Set<String> live = new HashSet<>();
        Deque<String> work = new ArrayDeque<>(g.outputs());
        while (!work.isEmpty()) {
            String t = work.pop();
            if (!live.add(t)) {
                continue;
            }
            Node p = g.producer(t);
            if (p != null) {
                // All outputs of a kept node stay defined, even if unread.
                live.addAll(p.outputs());
                p.inputs().forEach(work::push);
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.outputs().stream().anyMatch(live::contains)) {
                nodes.add(n);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : g.tensors().entrySet()) {
            if (live.contains(e.getKey()) || g.isGraphInput(e.getKey())) {
                tensors.put(e.getKey(), e.getValue());
            }
        }
        return g.withNodes(nodes, tensors);
    }
}
