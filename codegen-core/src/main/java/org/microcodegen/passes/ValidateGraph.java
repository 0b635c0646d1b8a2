package org.microcodegen.passes;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the structure of a graph straight from a frontend, before any pass relies on it: names
 * present and unique, every value defined exactly once and before it is used (so the node list is a
 * valid schedule and the graph has no cycle), every node with an op type and operands. The model file
 * is untrusted, so a violation is the user's error (exit 2, naming the file and node), not a crash in a
 * later pass. Everything is iterative and linear in the graph's size: a 50,000-node chain is fine.
 */
public final class ValidateGraph {
    /** Producer position of graph inputs and constants: defined before every node. */
    private static final int BEFORE_ALL_NODES = -1;

    private final Graph g;
    private final String file;

    private ValidateGraph(Graph g, String file) {
        this.g = g;
        this.file = file;
    }

    /** Returns normally if {@code g} is well formed, else throws a CompileException naming {@code file}. */
    public static void run(Graph g, String file) {
        new ValidateGraph(g, file).check();
    }

    private void check() {
        Map<String, Integer> producer = definitions();
        List<Node> nodes = g.nodes();
        int firstForward = -1;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.inputs().isEmpty()) {
                throw error(n, "has no inputs");
            }
            for (String in : n.inputs()) {
                Integer p = producer.get(in);
                if (p == null) {
                    throw error(n, "reads '" + in + "', which nothing in the graph defines");
                }
                if (p == i) {
                    throw error(n, "reads its own output '" + in + "' (a self-loop)");
                }
                if (p > i && firstForward < 0) {
                    firstForward = i;
                }
            }
        }
        for (String out : g.outputs()) {
            if (!producer.containsKey(out)) {
                throw new CompileException(file + ": graph output '" + out + "' is not defined by any node");
            }
        }
        if (firstForward >= 0) {
            List<Node> cycle = findCycle(producer);
            if (!cycle.isEmpty()) {
                throw new CompileException(file + ": the graph has a cycle: " + describeCycle(cycle));
            }
            int at = firstForward;
            Node n = nodes.get(at);
            String in = n.inputs().stream().filter(v -> producer.get(v) > at).findFirst().orElseThrow();
            throw error(n, "reads '" + in + "' before node " + nodes.get(producer.get(in)).scope()
                    + " defines it (nodes must be listed in execution order)");
        }
    }

    /**
     * Where each value is defined: graph inputs and constants before all nodes, node outputs at their
     * node's position. Refuses empty and duplicate names and nodes without an op type.
     */
    private Map<String, Integer> definitions() {
        Map<String, Integer> producer = new HashMap<>();
        Set<String> inputs = new HashSet<>();
        for (String in : g.inputs()) {
            if (in.isEmpty()) {
                throw new CompileException(file + ": a graph input has an empty name");
            }
            if (!inputs.add(in)) {
                throw new CompileException(file + ": graph input '" + in + "' is declared twice");
            }
            producer.put(in, BEFORE_ALL_NODES);
        }
        for (Tensor t : g.tensors().values()) {
            if (t.isConstant()) {
                producer.put(t.name(), BEFORE_ALL_NODES);
            }
        }
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.name().isEmpty()) {
                throw new CompileException(file + ": node " + n.scope() + " has an empty name");
            }
            if (n.opType().isEmpty()) {
                throw new CompileException(file + ": node " + n.scope() + " has no op type");
            }
            if (n.outputs().isEmpty()) {
                throw error(n, "has no outputs");
            }
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    throw error(n, "has an output with an empty name");
                }
                Integer earlier = producer.put(out, i);
                if (earlier != null) {
                    throw error(n, "defines '" + out + "', which "
                            + (earlier == BEFORE_ALL_NODES ? "is already a graph input or constant"
                            : "node " + nodes.get(earlier).scope() + " already defines"));
                }
            }
        }
        return producer;
    }

    /**
     * One cycle among the nodes, or an empty list if there is none. Kahn's algorithm removes every node
     * not on or behind a cycle; from any node left, following a left-over predecessor must revisit a
     * node, and the walk from that node's first visit is a cycle.
     */
    private List<Node> findCycle(Map<String, Integer> producer) {
        List<Node> nodes = g.nodes();
        int n = nodes.size();
        int[] pending = new int[n];
        List<List<Integer>> consumers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (String in : nodes.get(i).inputs()) {
                int p = producer.get(in);
                if (p != BEFORE_ALL_NODES) {
                    pending[i]++;
                    consumers.get(p).add(i);
                }
            }
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        boolean[] done = new boolean[n];
        while (!ready.isEmpty()) {
            int i = ready.poll();
            done[i] = true;
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        int start = -1;
        for (int i = 0; i < n && start < 0; i++) {
            start = done[i] ? -1 : i;
        }
        if (start < 0) {
            return List.of();
        }
        // Walk backwards along not-done producers until a node repeats.
        Map<Integer, Integer> visitedAt = new HashMap<>();
        List<Integer> walk = new ArrayList<>();
        int cur = start;
        while (!visitedAt.containsKey(cur)) {
            visitedAt.put(cur, walk.size());
            walk.add(cur);
            int next = -1;
            for (String in : nodes.get(cur).inputs()) {
                int p = producer.get(in);
                if (p != BEFORE_ALL_NODES && !done[p]) {
                    next = p;
                    break;
                }
            }
            cur = next;
        }
        List<Node> cycle = new ArrayList<>();
        List<Integer> loop = walk.subList(visitedAt.get(cur), walk.size());
        // The walk went from consumer to producer; list the cycle in data-flow order.
        for (int k = loop.size() - 1; k >= 0; k--) {
            cycle.add(nodes.get(loop.get(k)));
        }
        return cycle;
    }

    /** "node a -> node b -> node a", shortened in the middle for long cycles. */
    private static String describeCycle(List<Node> cycle) {
        List<String> names = new ArrayList<>();
        for (Node n : cycle) {
            names.add(n.scope());
        }
        if (names.size() > 6) {
            int hidden = names.size() - 5;
            List<String> shortened = new ArrayList<>(names.subList(0, 3));
            shortened.add("(" + hidden + " more)");
            shortened.addAll(names.subList(names.size() - 2, names.size()));
            names = shortened;
        }
        names.add(names.get(0));
        return "node " + String.join(" -> ", names);
    }

    private CompileException error(Node n, String message) {
        return new CompileException(file + ": " + n.describe() + " " + message);
    }
}
