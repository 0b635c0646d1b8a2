package org.microcodegen.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine shared by the greedy planners: take the buffers in some order and put each at the
 * lowest aligned offset that is free of every already-placed buffer it lives with. Only the
 * order differs between strategies, so it is the single parameter here.
 */
final class FirstFit {

    /** Big buffers first: TFLite Micro's GreedyMemoryPlanner and TVM's greedy_by_size. */
    static final Comparator<BufferRequest> BY_SIZE = Comparator
            .comparingLong(BufferRequest::size).reversed()
            .thenComparingInt(BufferRequest::firstUse)
            .thenComparing(BufferRequest::name);

    /**
     * Largest size x lifetime first: the buffers that block the most memory for the longest go
     * to the bottom. (A double, so huge products cannot overflow; ties fall back to size.)
     */
    static final Comparator<BufferRequest> BY_AREA = Comparator
            .comparingDouble((BufferRequest r) -> (double) r.size() * (r.lastUse() - r.firstUse() + 1L)).reversed()
            .thenComparing(BY_SIZE);

    /** Long-lived buffers first, so they settle at the bottom and short ones fill the gaps above. */
    static final Comparator<BufferRequest> BY_LIFETIME = Comparator
            .comparingInt((BufferRequest r) -> r.lastUse() - r.firstUse()).reversed()
            .thenComparing(BY_SIZE);

    /** Schedule order, like a linear-scan register allocator. */
    static final Comparator<BufferRequest> BY_FIRST_USE = Comparator
            .comparingInt(BufferRequest::firstUse)
            .thenComparing(BY_SIZE);

    /** Reverse schedule order: what the schedule order does for a graph's input, this does for its output. */
    static final Comparator<BufferRequest> BY_LAST_USE_DESCENDING = Comparator
            .comparingInt(BufferRequest::lastUse).reversed()
            .thenComparing(BY_SIZE);

    private FirstFit() {
    }

    /** A planner placing buffers in the given order; the order must be total (end with the name). */
    static MemoryPlanner planner(Comparator<BufferRequest> order) {
        return (requests, alignment) -> plan(requests, alignment, order);
    }

    static MemoryPlan plan(List<BufferRequest> requests, int alignment, Comparator<BufferRequest> order) {
        Align.require(alignment);
        requireUniqueNames(requests);
        List<BufferRequest> sorted = new ArrayList<>(requests);
        sorted.sort(order);

        Map<String, Long> placedOffsets = new LinkedHashMap<>();
        List<Placed> placed = new ArrayList<>();
        long end = 0;
        for (BufferRequest request : sorted) {
            long offset = lowestFreeOffset(request, placed, alignment);
            placed.add(new Placed(request, offset));
            placedOffsets.put(request.name(), offset);
            end = Math.max(end, offset + request.size());
        }

        Map<String, Long> offsets = new LinkedHashMap<>();
        for (BufferRequest request : requests) {
            offsets.put(request.name(), placedOffsets.get(request.name()));
        }
        return new MemoryPlan(offsets, Align.up(end, alignment), LowerBound.of(requests, alignment), alignment);
    }

    /**
     * Walks the conflicting buffers bottom-up and returns the first aligned gap big enough.
     * The candidate only ever moves past a conflict's end, so everything below it is known free.
     */
    private static long lowestFreeOffset(BufferRequest request, List<Placed> placed, int alignment) {
        List<Placed> conflicts = new ArrayList<>();
        for (Placed p : placed) {
            if (p.request.livesWith(request)) {
                conflicts.add(p);
            }
        }
        conflicts.sort(Comparator.comparingLong(Placed::offset));
        long candidate = 0;
        for (Placed c : conflicts) {
            if (candidate + request.size() <= c.offset) {
                break; // fits below c, hence below every later conflict too
            }
            candidate = Math.max(candidate, Align.up(c.offset + c.request.size(), alignment));
        }
        return candidate;
    }

    static void requireUniqueNames(List<BufferRequest> requests) {
        Set<String> seen = new HashSet<>();
        for (BufferRequest r : requests) {
            if (!seen.add(r.name())) {
                throw new IllegalArgumentException("duplicate buffer name '" + r.name() + "'");
            }
        }
    }

    private record Placed(BufferRequest request, long offset) {
    }
}
