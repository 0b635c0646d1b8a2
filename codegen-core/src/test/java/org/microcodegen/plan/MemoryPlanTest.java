package org.microcodegen.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {

    @Test
    void offsetsAreAnUnmodifiableCopyInRequestOrder() {
        Map<String, Long> offsets = new LinkedHashMap<>();
        offsets.put("z", 0L);
        offsets.put("a", 16L);
        offsets.put("m", 0L);
        MemoryPlan plan = new MemoryPlan(offsets, 32, 32, 16);
        offsets.put("late", 64L);

        assertEquals(List.of("z", "a", "m"), List.copyOf(plan.offsets().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> plan.offsets().put("x", 0L));
        assertEquals(16, plan.offsetOf("a"));
        assertThrows(IllegalArgumentException.class, () -> plan.offsetOf("late"));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryPlan(Map.of(), 0, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new MemoryPlan(Map.of(), 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new MemoryPlan(Map.of(), -1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MemoryPlan(Map.of("a", -8L), 8, 8, 8));
    }

    @Test
    void plannersRejectBadInput() {
        List<BufferRequest> twice = List.of(new BufferRequest("a", 4, 0, 1), new BufferRequest("a", 4, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new GreedyBySizePlanner().plan(twice, 4));
        List<BufferRequest> one = List.of(new BufferRequest("a", 4, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new GreedyBySizePlanner().plan(one, 12));
        assertThrows(IllegalArgumentException.class, () -> BestOfPlanner.standard().plan(one, 0));
        assertThrows(IllegalArgumentException.class, () -> LowerBound.of(one, -8));
    }
}
