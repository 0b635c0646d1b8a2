package org.microcodegen.passes;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Names for the tensors and nodes a rewriting pass adds: the wanted name, or with "_1", "_2"... when a
 * tensor (in the pass's live tensor map) or a node already has it.
 */
final class FreshNames {
    private final Map<String, Tensor> tensors;
    private final Set<String> nodes = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();

    FreshNames(Map<String, Tensor> liveTensors, Graph in) {
        this.tensors = liveTensors;
        for (Node n : in.nodes()) {
            nodes.add(n.name());
        }
    }

    String tensor(String wanted) {
        String name = wanted;
        while (tensors.containsKey(name) || nodes.contains(name)) {
            name = wanted + "_" + counters.merge(wanted, 1, Integer::sum);
        }
        return name;
    }

    String node(String wanted) {
        String name = tensor(wanted);
        nodes.add(name);
        return name;
    }
}
