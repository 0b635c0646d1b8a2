package org.microcodegen.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent check of a finished plan. A planner bug would silently corrupt activations on
 * the device, which is far harder to debug than a compile error, so the compiler verifies every
 * plan it emits; the check is a plain pairwise comparison, simple enough to trust by reading.
 */
public final class MemoryPlans {

    private MemoryPlans() {
    }

    /**
     * @throws IllegalStateException naming the buffer(s) at fault if the plan does not cover
     *     exactly the requests, an offset is misaligned, a buffer ends past the arena, the arena or
     *     lower bound is wrong, or two buffers with intersecting lifetimes share a byte
     */
    public static void verify(List<BufferRequest> requests, MemoryPlan plan) {
        verify(requests, List.of(), plan);
    }

    /**
     * As above, where two live buffers may share bytes only as an {@link Overlap} allows: one is the
     * output written at the step where the other, its input, is read for the last time, and the
     * output starts at least the rule's distance below the input. Any other shared byte, or one byte
     * short of the distance, is an error naming both buffers and the rule.
     */
    public static void verify(List<BufferRequest> requests, List<Overlap> overlaps, MemoryPlan plan) {
        int alignment = plan.alignment();
        Set<String> names = new HashSet<>();
        for (BufferRequest r : requests) {
            if (!names.add(r.name())) {
                throw new IllegalStateException("buffer name '" + r.name() + "' is requested twice");
            }
        }
        if (plan.offsets().size() != requests.size()) {
            throw new IllegalStateException("plan has " + plan.offsets().size() + " buffers, expected "
                    + requests.size() + ": " + plan.offsets().keySet());
        }
        long end = 0;
        for (BufferRequest r : requests) {
            Long offset = plan.offsets().get(r.name());
            if (offset == null) {
                throw new IllegalStateException("buffer " + r + " has no offset");
            }
            if (offset % alignment != 0) {
                throw new IllegalStateException("buffer " + r + " at offset " + offset
                        + " is not aligned to " + alignment);
            }
            if (offset + r.size() > plan.arenaSize()) {
                throw new IllegalStateException("buffer " + r + " at offset " + offset
                        + " ends past the arena of " + plan.arenaSize() + " B");
            }
            end = Math.max(end, offset + r.size());
        }
        Map<List<String>, Overlap> allowed = Overlap.index(overlaps);
        for (int i = 0; i < requests.size(); i++) {
            BufferRequest a = requests.get(i);
            long aStart = plan.offsets().get(a.name());
            for (int j = i + 1; j < requests.size(); j++) {
                BufferRequest b = requests.get(j);
                long bStart = plan.offsets().get(b.name());
                if (a.livesWith(b) && aStart < bStart + b.size() && bStart < aStart + a.size()
                        && !overlapAllowed(a, aStart, b, bStart, allowed)) {
                    throw new IllegalStateException("buffers " + a + " at [" + aStart + ", " + (aStart + a.size())
                            + ") and " + b + " at [" + bStart + ", " + (bStart + b.size())
                            + ") are live at the same time and overlap");
                }
            }
        }
        // Checked last: a loose arena only wastes RAM, an overlap corrupts activations.
        if (plan.arenaSize() != Align.up(end, alignment)) {
            throw new IllegalStateException("arena is " + plan.arenaSize() + " B but the buffers end at "
                    + end + " (aligned to " + alignment + ")");
        }
        long lowerBound = LowerBound.of(requests, alignment);
        long withOverlaps = LowerBound.of(requests, overlaps, alignment);
        if (plan.arenaSize() < withOverlaps) {
            throw new IllegalStateException("arena of " + plan.arenaSize() + " B is below the lower bound " + withOverlaps + " B");
        }
        if (plan.lowerBound() != lowerBound) {
            throw new IllegalStateException("plan reports lower bound " + plan.lowerBound()
                    + " B, actual " + lowerBound + " B");
        }
    }

    /** Whether an overlap lets the live buffers a and b share bytes at these offsets (either may be the output). */
    private static boolean overlapAllowed(BufferRequest a, long aStart, BufferRequest b, long bStart,
                                          Map<List<String>, Overlap> allowed) {
        Overlap aOverB = Overlap.applying(allowed, a, b);
        Overlap bOverA = Overlap.applying(allowed, b, a);
        if (aOverB == null && bOverA == null) {
            return false;
        }
        long distance = aOverB != null ? bStart - aStart : aStart - bStart;
        Overlap rule = aOverB != null ? aOverB : bOverA;
        if (distance < rule.minDistance()) {
            throw new IllegalStateException("output " + (aOverB != null ? a : b) + " starts " + distance
                    + " B before its input " + (aOverB != null ? b : a) + ", but its kernel's access order needs at least "
                    + rule.minDistance() + " B: it would overwrite input bytes not yet read");
        }
        return true;
    }
}
