package org.microcodegen.plan;

import java.util.List;

/**
 * Assigns an arena offset to every buffer request. Implementations are interchangeable (as in
 * TFLite Micro) so the compiler can try several strategies and keep the best plan.
 *
 * <p>Contract: buffer names are unique; {@code alignment} is a power of two {@code >= 1}; every
 * offset is a multiple of {@code alignment}; two buffers whose lifetimes intersect never share a
 * byte; {@code arenaSize} is the highest end offset rounded up to {@code alignment} (0 for no
 * requests); the same input always gives the same plan, so generated code is byte-identical
 * between runs. {@link MemoryPlans#verify} checks all of this.
 */
public interface MemoryPlanner {

    MemoryPlan plan(List<BufferRequest> requests, int alignment);

    /**
     * As above, where the buffers of each {@link Overlap} may also share bytes as its rule allows.
     * Ignoring the overlaps is always correct (the default: every buffer gets its own bytes); using
     * them can place a layer's output over its dying input.
     */
    default MemoryPlan plan(List<BufferRequest> requests, List<Overlap> overlaps, int alignment) {
        return plan(requests, alignment);
    }
}
