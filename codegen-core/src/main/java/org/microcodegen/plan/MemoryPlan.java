package org.microcodegen.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of planning: where each buffer starts inside one arena of {@code arenaSize} bytes.
 *
 * <p>{@code lowerBound} travels with the plan so the compiler can report both numbers side by
 * side (e.g. in the generated header): if they are equal the plan is optimal; otherwise the gap
 * is the most any other planner could save.
 *
 * @param offsets byte offset of each buffer, keyed by {@link BufferRequest#name()}; unmodifiable,
 *     iterating in request order so generated code lists buffers in a stable, readable order
 * @param arenaSize the highest end offset, rounded up to {@code alignment}
 * @param lowerBound {@link LowerBound#of} for the same requests and alignment
 * @param alignment a power of two; every offset is a multiple of it
 */
public record MemoryPlan(Map<String, Long> offsets, long arenaSize, long lowerBound, int alignment) {

    public MemoryPlan {
        Objects.requireNonNull(offsets, "offsets");
        offsets.forEach((name, offset) -> {
            Objects.requireNonNull(name, "buffer name");
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("buffer '" + name + "': bad offset " + offset);
            }
        });
        if (arenaSize < 0 || lowerBound < 0) {
            throw new IllegalArgumentException("negative arenaSize " + arenaSize + " or lowerBound " + lowerBound);
        }
        Align.require(alignment);
        offsets = Collections.unmodifiableMap(new LinkedHashMap<>(offsets));
    }

    /**
     * The offset of one buffer.
     *
     * @throws IllegalArgumentException if the plan has no such buffer, which always means the
     *     caller asked for a tensor that was never requested (or was merged into an alias)
     */
    public long offsetOf(String name) {
        Long offset = offsets.get(name);
        if (offset == null) {
            throw new IllegalArgumentException("no buffer named '" + name + "' in this memory plan");
        }
        return offset;
    }
}
