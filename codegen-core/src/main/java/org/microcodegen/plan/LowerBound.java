package org.microcodegen.plan;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The theoretical minimum arena for a set of requests: the peak, over all schedule steps, of the
 * total (alignment-rounded) size of the buffers live at that step. Those buffers must all be
 * disjoint and start on aligned addresses, so each effectively occupies its size rounded up, and
 * no planner can do better. The bound is not always reachable (a buffer's single offset must suit
 * every step of its lifetime), but on typical CNN schedules good plans meet it or come close, so
 * it is the yardstick the compiler reports next to the arena size.
 */
public final class LowerBound {

    private LowerBound() {
    }

    /** The layer-by-layer bound: every buffer live at a step occupies its own bytes. */
    public static long of(List<BufferRequest> requests, int alignment) {
        return of(requests, List.of(), alignment);
    }

    /**
     * The bound when layers may write over their dying inputs as {@code overlaps} allow: at the step
     * of an overlap, the bytes the output and its input may share at most are counted once. Still a
     * true bound: buffers without an overlap stay disjoint, and an overlapping pair shares no more
     * than its rule allows (with aligned offsets, the distance is at least the rule's rounded up).
     */
    public static long of(List<BufferRequest> requests, List<Overlap> overlaps, int alignment) {
        return peak(requests, overlaps, alignment)[1];
    }

    /** The first step at which the bound is reached (0 without requests): the memory picture's busiest moment. */
    public static int peakStep(List<BufferRequest> requests, int alignment) {
        return peakStep(requests, List.of(), alignment);
    }

    /** As above, for the bound with overlaps. */
    public static int peakStep(List<BufferRequest> requests, List<Overlap> overlaps, int alignment) {
        return (int) peak(requests, overlaps, alignment)[0];
    }

    /** {first step of the peak, bytes live there}. */
    private static long[] peak(List<BufferRequest> requests, List<Overlap> overlaps, int alignment) {
        Align.require(alignment);
        // Sweep over steps: +size where a lifetime starts, -size just after it ends.
        TreeMap<Long, Long> delta = new TreeMap<>();
        for (BufferRequest r : requests) {
            long size = Align.up(r.size(), alignment);
            delta.merge((long) r.firstUse(), size, Long::sum);
            delta.merge(r.lastUse() + 1L, -size, Long::sum);
        }
        Map<String, BufferRequest> byName = new HashMap<>();
        requests.forEach(r -> byName.put(r.name(), r));
        for (Overlap o : overlaps) {
            BufferRequest out = byName.get(o.output());
            BufferRequest in = byName.get(o.input());
            if (out != null && in != null && out.firstUse() == in.lastUse()) {
                // shared bytes count once, at the one step both live
                long shared = Align.up(out.size(), alignment) - Align.up(o.minDistance(), alignment);
                shared = Math.max(0, Math.min(shared, Align.up(in.size(), alignment)));
                delta.merge((long) out.firstUse(), -shared, Long::sum);
                delta.merge(out.firstUse() + 1L, shared, Long::sum);
            }
        }
        long live = 0;
        long[] peak = {0, 0};
        for (Map.Entry<Long, Long> change : delta.entrySet()) {
            live += change.getValue();
            if (live > peak[1]) {
                peak[0] = change.getKey();
                peak[1] = live;
            }
        }
        return peak;
    }
}
