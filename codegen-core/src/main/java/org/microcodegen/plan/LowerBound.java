package org.microcodegen.plan;

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

    public static long of(List<BufferRequest> requests, int alignment) {
        return peak(requests, alignment)[1];
    }

    /** The first step at which the bound is reached (0 without requests): the memory picture's busiest moment. */
    public static int peakStep(List<BufferRequest> requests, int alignment) {
        return (int) peak(requests, alignment)[0];
    }

    /** {first step of the peak, bytes live there}. */
    private static long[] peak(List<BufferRequest> requests, int alignment) {
        Align.require(alignment);
        // Sweep over steps: +size where a lifetime starts, -size just after it ends.
        TreeMap<Long, Long> delta = new TreeMap<>();
        for (BufferRequest r : requests) {
            long size = Align.up(r.size(), alignment);
            delta.merge((long) r.firstUse(), size, Long::sum);
            delta.merge(r.lastUse() + 1L, -size, Long::sum);
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
