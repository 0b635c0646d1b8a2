package org.microcodegen.plan;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.lower.Lowering;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.RowView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides where every tensor lives: in the caller's input or output buffer, in flash (constants), or
 * at an offset in the arena. Tensors that can share memory are grouped first: a view (Reshape and
 * friends) shares its input's memory, and an element-wise op may write over an input that dies at that
 * step. Each arena group becomes one buffer request for the planner, whose lifetime spans all members.
 */
public final class TensorPlacement {
    public enum Kind { INPUT, OUTPUT, CONSTANT, ARENA }

    /**
     * Where a tensor lives. {@code anchor} names the input/output/constant or the arena buffer; {@code offset}
     * is the tensor's own arena offset (0 outside the arena) and {@code within} how many bytes after the
     * anchor's start the tensor begins (non-zero only for a row band of a larger tensor, {@link org.microcodegen.ops.RowView}).
     */
    public record Storage(Kind kind, String anchor, long offset, long within) {
    }

    /**
     * How far below input {@code input} of node {@code n} the node's output must start for its kernel
     * to read every input byte before overwriting it (bytes), or empty when the two must not share
     * memory at all (the answer for any kernel that declares no access order).
     */
    @FunctionalInterface
    public interface OutputOverInput {
        OutputOverInput NEVER = (n, input) -> OptionalLong.empty();

        OptionalLong minDistance(Node n, int input);
    }

    private final Map<String, Storage> storage;
    private final Set<String> viewsNeedingCopy;
    private final List<BufferRequest> requests;
    private final List<Overlap> overlaps;
    private final Map<String, Long> requestedBytes = new HashMap<>();
    private final MemoryPlan plan;

    private TensorPlacement(Map<String, Storage> storage, Set<String> viewsNeedingCopy, List<BufferRequest> requests,
                            List<Overlap> overlaps, MemoryPlan plan) {
        this.storage = storage;
        this.viewsNeedingCopy = viewsNeedingCopy;
        this.requests = requests;
        this.overlaps = overlaps;
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

    /** The output-over-input overlaps the kernels allowed (whether or not the plan used them). */
    public List<Overlap> overlaps() {
        return overlaps;
    }

    /** The least arena any plan could reach with these overlaps ({@link LowerBound}). */
    public long lowerBound() {
        return LowerBound.of(requests, overlaps, plan.alignment());
    }

    /**
     * The overlaps the plan really uses: buffers that share bytes, keyed by the output buffer, valued by
     * the bytes they share.
     */
    public Map<String, Long> usedOverlaps() {
        Map<String, Long> used = new java.util.LinkedHashMap<>();
        for (Overlap o : overlaps) {
            long out = plan.offsetOf(o.output());
            long in = plan.offsetOf(o.input());
            long shared = Math.min(out + requestedBytes.get(o.output()), in + requestedBytes.get(o.input())) - Math.max(out, in);
            if (shared > 0) {
                used.merge(o.output(), shared, Long::sum);
            }
        }
        return used;
    }

    /**
     * @param inPlaceInputs per node name, the input index the op allows it to overwrite, or -1
     */
    public static TensorPlacement compute(Graph g, Map<Node, Lowering> lowerings, Map<String, Integer> inPlaceInputs,
                                          MemoryPlanner planner, int alignment) {
        return compute(g, lowerings, inPlaceInputs, OutputOverInput.NEVER, planner, alignment);
    }

    /**
     * As above; {@code overlapRule} says which layers may write their output over a dying input, and how
     * far below it the output must start.
     */
    public static TensorPlacement compute(Graph g, Map<Node, Lowering> lowerings, Map<String, Integer> inPlaceInputs,
                                          OutputOverInput overlapRule, MemoryPlanner planner, int alignment) {
        Groups groups = new Groups(g);
        Set<String> copies = new HashSet<>();
        List<Node> nodes = g.nodes();
        for (int step = 0; step < nodes.size(); step++) {
            Node n = nodes.get(step);
            if (Op.of(n) instanceof RowView rows) {
                for (int i = 0; i < n.inputs().size(); i++) {
                    if (!groups.tryMerge(n.input(i), n.output(), rows.inputPosition(n, g, i), step, false)) {
                        throw new IllegalStateException("row band " + n.input(i) + " cannot live inside " + n.output());
                    }
                }
                continue;
            }
            if (lowerings.get(n).isView()) {
                if (!groups.tryMerge(n.output(), n.input(0), 0, step, false)) {
                    copies.add(n.name());
                }
                continue;
            }
            int inPlace = inPlaceInputs.getOrDefault(n.name(), -1);
            if (inPlace >= 0 && n.outputs().size() == 1) {
                String in = n.input(inPlace);
                if (g.tensor(in).type().byteSize() == g.tensor(n.output()).type().byteSize()) {
                    groups.tryMerge(n.output(), in, 0, step, true);
                }
            }
        }

        Map<String, Storage> storage = new HashMap<>();
        Map<String, int[]> lifetimes = new HashMap<>();
        // a group spans its members from the lowest start to the highest end (members of a row view sit
        // at distances from each other; every other group's members all start at its root)
        Map<String, Long> starts = new HashMap<>();
        Map<String, Long> ends = new HashMap<>();
        for (String t : g.tensors().keySet()) {
            String root = groups.find(t);
            String ext = groups.external.get(root);
            if (ext != null) {
                continue;
            }
            int[] life = lifetimes.computeIfAbsent(root, k -> new int[] {Integer.MAX_VALUE, -1});
            life[0] = Math.min(life[0], groups.defStep(t));
            life[1] = Math.max(life[1], Math.max(groups.lastUse(t), groups.defStep(t)));
            starts.merge(root, groups.position(t), Math::min);
            ends.merge(root, groups.position(t) + g.tensor(t).type().byteSize(), Math::max);
        }
        Map<String, Long> within = new HashMap<>();
        for (String t : g.tensors().keySet()) {
            String root = groups.find(t);
            String ext = groups.external.get(root);
            long w = ext != null ? groups.position(t) - groups.position(ext) : groups.position(t) - starts.get(root);
            if (w < 0) {
                throw new IllegalStateException("tensor " + t + " would start " + (-w) + " B before its buffer " + (ext != null ? ext : root));
            }
            within.put(t, w);
        }
        List<BufferRequest> requests = new ArrayList<>();
        for (Map.Entry<String, int[]> e : lifetimes.entrySet()) {
            String root = e.getKey();
            requests.add(new BufferRequest(root, ends.get(root) - starts.get(root), e.getValue()[0], e.getValue()[1]));
        }
        requests.sort(Comparator.comparingInt(BufferRequest::firstUse).thenComparing(BufferRequest::name));
        List<Overlap> overlaps = overlaps(g, lowerings, groups, within, requests, overlapRule);
        MemoryPlan plan = planner.plan(requests, overlaps, alignment);
        MemoryPlans.verify(requests, overlaps, plan);

        for (String t : g.tensors().keySet()) {
            String root = groups.find(t);
            String ext = groups.external.get(root);
            if (ext == null) {
                storage.put(t, new Storage(Kind.ARENA, root, plan.offsetOf(root) + within.get(t), within.get(t)));
            } else {
                storage.put(t, new Storage(groups.kind(ext), ext, 0, within.get(t)));
            }
        }
        return new TensorPlacement(storage, copies, List.copyOf(requests), overlaps, plan);
    }

    /**
     * One overlap per (layer, arena input) where the layer's kernel declares an access order: the
     * output buffer must begin at the layer's step and the input buffer end there (it dies at this
     * layer), else they are live together longer and must stay apart. A tensor starts {@code within}
     * bytes after its buffer, so the buffers' distance is the tensors' corrected by the two.
     */
    private static List<Overlap> overlaps(Graph g, Map<Node, Lowering> lowerings, Groups groups, Map<String, Long> within,
                                          List<BufferRequest> requests, OutputOverInput rule) {
        Map<String, BufferRequest> byName = new HashMap<>();
        requests.forEach(r -> byName.put(r.name(), r));
        Map<List<String>, Long> distances = new java.util.LinkedHashMap<>();
        List<Node> nodes = g.nodes();
        for (int step = 0; step < nodes.size(); step++) {
            Node n = nodes.get(step);
            if (lowerings.get(n).isView() || n.outputs().size() != 1) {
                continue;
            }
            BufferRequest out = byName.get(groups.find(n.output()));
            if (out == null || out.firstUse() != step) {
                continue;
            }
            for (int i = 0; i < n.inputs().size(); i++) {
                BufferRequest in = byName.get(groups.find(n.input(i)));
                if (in == null || in == out || in.lastUse() != step) {
                    continue;
                }
                OptionalLong d = rule.minDistance(n, i);
                if (d.isPresent()) {
                    long buffers = d.getAsLong() + within.get(n.output()) - within.get(n.input(i));
                    distances.merge(List.of(out.name(), in.name()), Math.max(0, buffers), Math::max);
                } else {
                    // another input of the same buffer that declares nothing forbids the overlap
                    distances.put(List.of(out.name(), in.name()), Long.MAX_VALUE);
                }
            }
        }
        List<Overlap> overlaps = new ArrayList<>();
        distances.forEach((pair, d) -> {
            if (d != Long.MAX_VALUE) {
                overlaps.add(new Overlap(pair.get(0), pair.get(1), d));
            }
        });
        return List.copyOf(overlaps);
    }

    /** Union-find over tensors, tracking each group's external storage and last use. */
    private static final class Groups {
        private final Graph g;
        private final Map<String, String> parent = new HashMap<>();
        /** Per tensor: where it starts, in bytes from its parent's start. */
        private final Map<String, Long> fromParent = new HashMap<>();
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
                fromParent.put(t, 0L);
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
            fromParent.put(t, fromParent.get(t) + fromParent.get(p));
            parent.put(t, r);
            return r;
        }

        /** Where tensor {@code t} starts, in bytes from the start of its group's root. */
        long position(String t) {
            find(t);
            return fromParent.get(t);
        }

        int defStep(String t) {
            return defStep.getOrDefault(t, 0);
        }

        int lastUse(String t) {
            return lastUse.getOrDefault(t, -1);
        }

        /**
         * Puts {@code out} into {@code in}'s group, starting {@code distance} bytes after {@code in}, if the result
         * has at most one external home and, for an in-place write, if {@code in}'s memory is writable and read by
         * nobody after this step.
         */
        boolean tryMerge(String out, String in, long distance, int step, boolean overwrite) {
            String ro = find(out);
            String ri = find(in);
            if (ro.equals(ri)) {
                return position(out) - position(in) == distance;
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
            return mergeRoots(ro, ri, position(in) + distance - position(out), eo != null ? eo : ei);
        }

        private boolean mergeRoots(String ro, String ri, long roFromRi, String ext) {
            parent.put(ro, ri);
            fromParent.put(ro, roFromRi);
            if (ext != null) {
                external.put(ri, ext);
            }
            groupLastUse.put(ri, Math.max(groupLastUse.get(ri), groupLastUse.get(ro)));
            return true;
        }
    }
}
