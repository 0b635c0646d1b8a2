package org.microcodegen.plan;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Permission for one layer's output buffer to share bytes with one of its inputs, at the step where
 * the output is written and the input is read for the last time. A kernel that walks both tensors
 * in increasing order only overwrites input bytes it has already read if the output starts far
 * enough below the input: {@code offset(input) - offset(output) >= minDistance}. The distance comes
 * from the kernel's declared access order ({@code org.microcodegen.lower.AccessOrders}), computed for
 * the node's shapes; two buffers without an {@code Overlap} never share a byte while both live.
 *
 * <p>Only meaningful when the output's lifetime starts at the step where the input's ends (the one
 * step both are live); {@link MemoryPlans#verify} rejects any other use.
 *
 * @param output the buffer the layer writes
 * @param input the buffer it reads for the last time
 * @param minDistance bytes by which the output's start must precede the input's start, {@code >= 0}
 */
public record Overlap(String output, String input, long minDistance) {

    public Overlap {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(input, "input");
        if (output.equals(input)) {
            throw new IllegalArgumentException("buffer '" + output + "' cannot overlap itself");
        }
        if (minDistance < 0) {
            throw new IllegalArgumentException("overlap of '" + output + "' over '" + input + "': minDistance must be >= 0, got "
                    + minDistance);
        }
    }

    /**
     * The overlaps by (output, input), for the planners and the verifier; a pair named twice keeps
     * the larger distance (both rules must hold).
     */
    static Map<List<String>, Overlap> index(List<Overlap> overlaps) {
        Map<List<String>, Overlap> index = new HashMap<>();
        for (Overlap o : overlaps) {
            index.merge(List.of(o.output, o.input), o, (a, b) -> a.minDistance >= b.minDistance ? a : b);
        }
        return index;
    }

    /**
     * The overlap that lets {@code output} share bytes with {@code input}, or null: one must exist for
     * the pair, and their lifetimes must meet at exactly one step, the output's first and the input's last.
     */
    static Overlap applying(Map<List<String>, Overlap> index, BufferRequest output, BufferRequest input) {
        Overlap o = index.get(List.of(output.name(), input.name()));
        return o != null && output.firstUse() == input.lastUse() ? o : null;
    }
}
