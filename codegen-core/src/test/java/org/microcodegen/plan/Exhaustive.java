package org.microcodegen.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimal arena by exhaustive search, for tiny problems only (n up to about 7). Test oracle:
 * it tells the planner's heuristic gap apart from the gap of the lower bound itself.
 *
 * <p>Why the search is complete: push every buffer of an optimal plan down as far as it goes;
 * then each buffer sits at 0 or at the aligned end of a buffer it lives with, which starts lower.
 * So placing buffers in increasing offset order, each at 0 or on top of an already placed
 * conflicting buffer, enumerates a plan at least as good as every optimum.
 */
final class Exhaustive {

    private final List<BufferRequest> requests;
    private final int alignment;
    private final long[] offsets;
    private final boolean[] placed;
    private long best;
    private long[] bestOffsets;

    private Exhaustive(List<BufferRequest> requests, int alignment) {
        this.requests = requests;
        this.alignment = alignment;
        this.offsets = new long[requests.size()];
        this.placed = new boolean[requests.size()];
    }

    static MemoryPlan optimal(List<BufferRequest> requests, int alignment) {
        Exhaustive search = new Exhaustive(requests, alignment);
        // Greedy by size gives a good first bound to prune with.
        MemoryPlan greedy = new GreedyBySizePlanner().plan(requests, alignment);
        search.best = greedy.arenaSize();
        search.bestOffsets = requests.stream().mapToLong(r -> greedy.offsetOf(r.name())).toArray();
        long lowerBound = LowerBound.of(requests, alignment);
        if (search.best > lowerBound) {
            search.place(0, 0, 0, lowerBound);
        }
        Map<String, Long> result = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            result.put(requests.get(i).name(), search.bestOffsets[i]);
        }
        return new MemoryPlan(result, search.best, lowerBound, alignment);
    }

    private void place(int count, long minOffset, long end, long lowerBound) {
        if (best == lowerBound) {
            return;
        }
        if (count == requests.size()) {
            best = end;
            bestOffsets = offsets.clone();
            return;
        }
        for (int i = 0; i < requests.size(); i++) {
            if (placed[i]) {
                continue;
            }
            for (long offset : candidates(i)) {
                long newEnd = Math.max(end, Align.up(offset + requests.get(i).size(), alignment));
                if (offset < minOffset || newEnd >= best || !fits(i, offset)) {
                    continue;
                }
                placed[i] = true;
                offsets[i] = offset;
                place(count + 1, offset, newEnd, lowerBound);
                placed[i] = false;
            }
        }
    }

    private List<Long> candidates(int i) {
        List<Long> result = new ArrayList<>(List.of(0L));
        for (int j = 0; j < requests.size(); j++) {
            if (placed[j] && requests.get(j).livesWith(requests.get(i))) {
                result.add(Align.up(offsets[j] + requests.get(j).size(), alignment));
            }
        }
        return result;
    }

    private boolean fits(int i, long offset) {
        for (int j = 0; j < requests.size(); j++) {
            if (placed[j] && requests.get(j).livesWith(requests.get(i))
                    && offset < offsets[j] + requests.get(j).size()
                    && offsets[j] < offset + requests.get(i).size()) {
                return false;
            }
        }
        return true;
    }
}
