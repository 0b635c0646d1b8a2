package org.microcodegen.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BestOfPlannerTest {

    @Test
    void keepsTheSmallestArenaAndTheFirstOnTies() {
        MemoryPlan big = new MemoryPlan(Map.of(), 64, 0, 1);
        MemoryPlan small = new MemoryPlan(Map.of(), 32, 0, 1);
        MemoryPlan smallToo = new MemoryPlan(Map.of(), 32, 0, 1);
        MemoryPlanner planner = new BestOfPlanner(List.of((r, a) -> big, (r, a) -> small, (r, a) -> smallToo));
        assertSame(small, planner.plan(List.of(), 1));
    }

    @Test
    void needsAPlanner() {
        assertThrows(IllegalArgumentException.class, () -> new BestOfPlanner(List.of()));
    }

    /** The chain greedy by size gets wrong (see GreedyBySizePlannerTest): reverse order solves it. */
    @Test
    void beatsGreedyBySizeWhereItMisses() {
        List<BufferRequest> requests = RandomSchedules.chain(5, 10, 6, 5, 7);
        MemoryPlan plan = BestOfPlanner.standard().plan(requests, 1);
        MemoryPlans.verify(requests, plan);
        assertEquals(21, new GreedyBySizePlanner().plan(requests, 1).arenaSize());
        assertEquals(16, plan.arenaSize());
    }

    @Test
    void prefersGreedyBySizeOnTies() {
        // Both orders need 12 bytes; reverse schedule order would put b at the bottom.
        List<BufferRequest> requests = RandomSchedules.chain(8, 4);
        assertEquals(Map.of("t0", 4L, "t1", 0L), FirstFit.plan(requests, 1, FirstFit.BY_LAST_USE_DESCENDING).offsets());
        assertEquals(Map.of("t0", 0L, "t1", 8L), BestOfPlanner.standard().plan(requests, 1).offsets());
    }
}
