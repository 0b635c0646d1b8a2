package org.microcodegen.plan;

import java.util.Objects;

/**
 * One block of memory the generated code needs: {@code size} bytes that must stay intact during
 * every schedule step in {@code [firstUse, lastUse]} (both ends inclusive, so a tensor produced
 * at step 3 and last read at step 5 is {@code (3, 5)}, and a scratch buffer of one op is
 * {@code (s, s)}).
 *
 * <p>This is all a planner needs to know: it deliberately carries no reference to the graph, so
 * planners can be tested on synthetic lifetimes and swapped without touching the IR.
 *
 * @param name unique within one planning problem; it becomes the key of {@link MemoryPlan#offsets()}
 * @param size bytes, {@code > 0} (an empty tensor needs no buffer and should not be requested)
 * @param firstUse the step that writes the buffer first, {@code >= 0}
 * @param lastUse the step that reads it last, {@code >= firstUse}
 */
public record BufferRequest(String name, long size, int firstUse, int lastUse) {

    public BufferRequest {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("buffer name must not be empty");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("buffer '" + name + "': size must be > 0, got " + size);
        }
        if (firstUse < 0 || firstUse > lastUse) {
            throw new IllegalArgumentException("buffer '" + name + "': need 0 <= firstUse <= lastUse, got ["
                    + firstUse + ", " + lastUse + "]");
        }
    }

    /**
     * Whether the two buffers are live at some common step, i.e. whether they must not share any
     * byte. Lifetimes are inclusive, so {@code (1, 2)} and {@code (2, 3)} do intersect: step 2
     * reads the first buffer while writing the second.
     */
    public boolean livesWith(BufferRequest other) {
        return firstUse <= other.lastUse && other.firstUse <= lastUse;
    }

    @Override
    public String toString() {
        return "'" + name + "' (" + size + " B, steps " + firstUse + ".." + lastUse + ")";
    }
}
