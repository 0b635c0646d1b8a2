package org.microcodegen.plan;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.lower.Lowering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides where every tensor lives: in the caller's input or output buffer, in flash (constants), or
 * at an offset in the arena. Tensors that can share memory are grouped first: a view (Reshape and
 * friends) shares its input's memory, and an element-wise op may write over an input that dies at that
 * step. Each arena group becomes one buffer request for the planner, whose lifetime spans all members.
 */
public final class TensorPlacement {
    public enum Kind { INPUT, OUTPUT, CONSTANT, ARENA }

    /** Where a tensor lives. {@code anchor} names the input/output/constant or the arena buffer. */
    public record Storage(Kind kind, String anchor, long offset) {
    }

    private final Map<String, Storage> storage;
    private final Set<String> viewsNeedingCopy;
    private final List<BufferRequest> requests;
    private final Map<String, Long> requestedBytes = new HashMap<>();
    private final MemoryPlan plan;

    private TensorPlacement(Map<String, Storage> storage, Set<String> viewsNeedingCopy, List<BufferRequest> requests, MemoryPlan plan) {
        this.storage = storage;
        this.viewsNeedingCopy = viewsNeedingCopy;
        this.requests = requests;
        this.plan = plan;
        requests.forEach(r -> requestedBytes.put(r.name(), r.size()));
    }

    public Storage of(String tensor) {
        Storage s = storage.get(tensor);
        if (s == null) {
            throw new IllegalArgumentException("no storage for tensor " + tensor);
        }
        return s;
    }

    /** Views (by node name) that cannot share memory, e.g. an input reshaped into an output: they copy. */
    public boolean viewNeedsCopy(Node n) {
        return viewsNeedingCopy.contains(n.name());
    }

    /** Bytes requested for the arena buffer {@code anchor} (the largest tensor sharing it), or {@code fallback}. */
    public long bufferBytes(String anchor, long fallback) {
        return requestedBytes.getOrDefault(anchor, fallback);
    }

    public MemoryPlan plan() {
        return plan;
    }

    public List<BufferRequest> requests() {
        return requests;
    }

    /**
     * @param inPlaceInputs per node name, the input index the op allows it to overwrite, or -1
     */
    public static TensorPlacement compute(Graph g, Map<Node, Lowering> lowerings, Map<String, Integer> inPlaceInputs,
                                          MemoryPlanner planner, int alignment) {
        Groups groups = new Groups(g);
        Set<String> copies = new HashSet<>();
        List<Node> nodes = g.nodes();
        for (int step = 0; step < nodes.size(); step++) {
            Node n = nodes.get(step);
            if (lowerings.get(n).isView()) {
                if (!groups.tryMerge(n.output(), n.input(0), step, false)) {
                    copies.add(n.name());
                }
                continue;
            }
            int inPlace = inPlaceInputs.getOrDefault(n.name(), -1);
            if (inPlace >= 0 && n.outputs().size() == 1) {
                String in = n.input(inPlace);
                if (g.tensor(in).type().byteSize() == g.tensor(n.output()).type().byteSize()) {
                    groups.tryMerge(n.output(), in, step, true);
                }
            }
        }

        Map<String, Storage> storage = new HashMap<>();
        Map<String, int[]> lifetimes = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        for (String t : g.tensors().keySet()) {
            String root = groups.find(t);
            String ext = groups.external.get(root);
            if (ext != null) {
                continue;
            }
            int[] life = lifetimes.computeIfAbsent(root, k -> new int[] {Integer.MAX_VALUE, -1});
            life[0] = Math.min(life[0], groups.defStep(t));
            life[1] = Math.max(life[1], Math.max(groups.lastUse(t), groups.defStep(t)));
            sizes.merge(root, g.tensor(t).type().byteSize(), Math::max);
        }
        List<BufferRequest> requests = new ArrayList<>();
        for (Map.Entry<String, int[]> e : lifetimes.entrySet()) {
            requests.add(new BufferRequest(e.getKey(), sizes.get(e.getKey()), e.getValue()[0], e.getValue()[1]));
        }
        requests.sort(Comparator.comparingInt(BufferRequest::firstUse).thenComparing(BufferRequest::name));
        MemoryPlan plan = planner.plan(requests, alignment);
        MemoryPlans.verify(requests, plan);

        for (String t : g.tensors().keySet()) {
            String root = groups.find(t);
            String ext = groups.external.get(root);
            if (ext == null) {
                storage.put(t, new Storage(Kind.ARENA, root, plan.offsetOf(root)));
            } else {
                storage.put(t, new Storage(groups.kind(ext), ext, 0));
            }
        }
        return new TensorPlacement(storage, copies, List.copyOf(requests), plan);
    }

    /** Union-find over tensors, tracking each group's external storage and last use. */
    private static final class Groups {
        private final Graph g;
        private final Map<String, String> parent = new HashMap<>();
        /** Per root: the graph input, output or constant the group lives in, if any. */
        final Map<String, String> external = new HashMap<>();
        private final Map<String, Integer> defStep = new HashMap<>();
        private final Map<String, Integer> lastUse = new HashMap<>();
        /** Per root: the latest step at which any member is read. */
        private final Map<String, Integer> groupLastUse = new HashMap<>();

        Groups(Graph g) {
            this.g = g;
            List<Node> nodes = g.nodes();
            for (int step = 0; step < nodes.size(); step++) {
                for (String o : nodes.get(step).outputs()) {
                    defStep.put(o, step);
                }
                for (String i : nodes.get(step).inputs()) {
                    lastUse.merge(i, step, Math::max);
                }
            }
            for (String t : g.tensors().keySet()) {
                parent.put(t, t);
                Tensor tensor = g.tensor(t);
                if (g.isGraphInput(t) || tensor.isConstant() || g.isGraphOutput(t)) {
                    external.put(t, t);
                }
                // Graph outputs are read by the caller after the last step.
                int use = g.isGraphOutput(t) ? nodes.size() : lastUse.getOrDefault(t, -1);
                groupLastUse.put(t, use);
            }
        }

        Kind kind(String ext) {
            if (g.isGraphInput(ext)) {
                return Kind.INPUT;
            }
            if (g.tensor(ext).isConstant()) {
                return Kind.CONSTANT;
            }
            return Kind.OUTPUT;
        }

        String find(String t) {
            String p = parent.get(t);
            if (p.equals(t)) {
                return t;
            }
            String r = find(p);
            parent.put(t, r);
            return r;
        }

        int defStep(String t) {
            return defStep.getOrDefault(t, 0);
        }

        int lastUse(String t) {
            return lastUse.getOrDefault(t, -1);
        }

        /**
         * Puts {@code out} into {@code in}'s group if the result has at most one external home and, for an
         * in-place write, if {@code in}'s memory is writable and read by nobody after this step.
         */
        boolean tryMerge(String out, String in, int step, boolean overwrite) {
            String ro = find(out);
            String ri = find(in);
            if (ro.equals(ri)) {
                return true;
            }
            String eo = external.get(ro);
            String ei = external.get(ri);
            if (eo != null && ei != null) {
                return false;
            }
            // Overwriting needs memory that is ours (not an input, constant or output) and read by no
            // later step.
            if (overwrite && (ei != null || groupLastUse.get(ri) > step)) {
                return false;
            }
            return mergeRoots(ro, ri, eo != null ? eo : ei);
        }

        private boolean mergeRoots(String ro, String ri, String ext) {
            parent.put(ro, ri);
            if (ext != null) {
                external.put(ri, ext);
            }
            groupLastUse.put(ri, Math.max(groupLastUse.get(ri), groupLastUse.get(ro)));
            return true;
        }
    }
}
