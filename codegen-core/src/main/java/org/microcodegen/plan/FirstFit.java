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
        return planner(order, false);
    }

    /**
     * With {@code mirrored}, buffers are stacked from the top of the arena down (then the offsets are
     * flipped): a layer's output must start below its input, so a chain of overlapping layers steps
     * downwards, which first-fit from offset 0 cannot do when the chain starts at the bottom.
     */
    static MemoryPlanner planner(Comparator<BufferRequest> order, boolean mirrored) {
        return new MemoryPlanner() {
            @Override
            public MemoryPlan plan(List<BufferRequest> requests, int alignment) {
                return plan(requests, List.of(), alignment);
            }

            @Override
            public MemoryPlan plan(List<BufferRequest> requests, List<Overlap> overlaps, int alignment) {
                return FirstFit.plan(requests, overlaps, alignment, order, mirrored);
            }
        };
    }

    static MemoryPlan plan(List<BufferRequest> requests, int alignment, Comparator<BufferRequest> order) {
        return plan(requests, List.of(), alignment, order, false);
    }

    static MemoryPlan plan(List<BufferRequest> requests, List<Overlap> overlaps, int alignment,
                           Comparator<BufferRequest> order, boolean mirrored) {
        Align.require(alignment);
        requireUniqueNames(requests);
        List<BufferRequest> sorted = new ArrayList<>(requests);
        sorted.sort(order);

        Map<List<String>, Overlap> allowed = Overlap.index(overlaps);
        Map<String, Long> placedOffsets = new LinkedHashMap<>();
        List<Placed> placed = new ArrayList<>();
        long end = 0;
        for (BufferRequest request : sorted) {
            long offset = lowestFreeOffset(request, placed, allowed, alignment, mirrored);
            placed.add(new Placed(request, offset));
            placedOffsets.put(request.name(), offset);
            end = Math.max(end, offset + extent(request, alignment, mirrored));
        }
        if (mirrored) {
            // offset x' from the top becomes top - x' - extent: aligned, since all three are
            long top = Align.up(end, alignment);
            end = 0;
            for (BufferRequest request : requests) {
                long offset = top - placedOffsets.get(request.name()) - extent(request, alignment, true);
                placedOffsets.put(request.name(), offset);
                end = Math.max(end, offset + request.size());
            }
        }

        Map<String, Long> offsets = new LinkedHashMap<>();
        for (BufferRequest request : requests) {
            offsets.put(request.name(), placedOffsets.get(request.name()));
        }
        return new MemoryPlan(offsets, Align.up(end, alignment), LowerBound.of(requests, alignment), alignment);
    }

    /**
     * Walks the conflicting buffers bottom-up and returns the first aligned gap big enough. Each
     * conflict forbids the open range of offsets (below, above): the request must end at or before a
     * placed buffer's start, or start at or after its end; where an {@link Overlap} lets the two share
     * bytes, the rule's distance replaces the size on that side. The candidate only ever moves past a
     * conflict's upper end, so everything below it is known free.
     */
    private static long lowestFreeOffset(BufferRequest request, List<Placed> placed, Map<List<String>, Overlap> allowed,
                                         int alignment, boolean mirrored) {
        List<long[]> forbidden = new ArrayList<>();
        for (Placed p : placed) {
            if (p.request.livesWith(request)) {
                long size = extent(request, alignment, mirrored);
                long placedSize = extent(p.request, alignment, mirrored);
                long below = size;
                long above = placedSize;
                Overlap asOutput = Overlap.applying(allowed, request, p.request);
                Overlap asInput = Overlap.applying(allowed, p.request, request);
                if (asOutput != null && !mirrored) {
                    below = Math.min(below, asOutput.minDistance());
                } else if (asInput != null && !mirrored) {
                    above = Math.min(above, asInput.minDistance());
                } else if (asOutput != null) {
                    // flipped, "output >= distance below input" reads "output >= distance + input - output above input"
                    above = Math.min(above, asOutput.minDistance() + placedSize - size);
                } else if (asInput != null) {
                    below = Math.min(below, asInput.minDistance() + size - placedSize);
                }
                if (below + above > 0) {
                    forbidden.add(new long[] {p.offset - below, p.offset + above});
                }
            }
        }
        forbidden.sort(Comparator.comparingLong((long[] range) -> range[0]));
        long candidate = 0;
        for (long[] range : forbidden) {
            if (candidate <= range[0]) {
                break; // fits below this range, hence below every later one too
            }
            candidate = Math.max(candidate, Align.up(range[1], alignment));
        }
        return candidate;
    }

    /** The bytes a buffer takes while placing: flipped offsets need aligned ends, so the size rounded up there. */
    private static long extent(BufferRequest r, int alignment, boolean mirrored) {
        return mirrored ? Align.up(r.size(), alignment) : r.size();
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
