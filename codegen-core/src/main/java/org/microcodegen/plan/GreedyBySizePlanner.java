package org.microcodegen.plan;

import java.util.List;

/**
 * "Greedy by size", the planner of TFLite Micro and TVM: sort buffers by size, largest first
 * (ties by first use, then name, so the result is deterministic), and place each at the lowest
 * aligned offset that does not overlap any already-placed buffer whose lifetime intersects its
 * own. Placing the big buffers first lets the many small ones fill the holes between them; it
 * is simple, O(n^2), and usually within a few percent of {@link LowerBound}.
 */
public final class GreedyBySizePlanner implements MemoryPlanner {

    @Override
    public MemoryPlan plan(List<BufferRequest> requests, int alignment) {
        return plan(requests, List.of(), alignment);
    }

    @Override
    public MemoryPlan plan(List<BufferRequest> requests, List<Overlap> overlaps, int alignment) {
        return FirstFit.plan(requests, overlaps, alignment, FirstFit.BY_SIZE, false);
    }
}
