package org.microcodegen.plan;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layers writing over their dying inputs: the planners use an {@link Overlap} only as far as its rule
 * allows, the verifier rejects one byte beyond it, and the lower bound counts shared bytes once.
 */
class OverlapTest {
    /** person_detect's widest step: 1x1 conv 48x48x8 -> 48x48x16, input made by step 0, read last at step 1. */
    private static final BufferRequest IN = new BufferRequest("dw1", 18_432, 0, 1);
    private static final BufferRequest OUT = new BufferRequest("pw1", 36_864, 1, 2);
    private static final Overlap RULE = new Overlap("pw1", "dw1", 18_440);
    private static final List<BufferRequest> PAIR = List.of(IN, OUT);

    private static MemoryPlan plan(long in, long out, long arena) {
        return new MemoryPlan(Map.of("dw1", in, "pw1", out), arena, LowerBound.of(PAIR, 1), 1);
    }

    @Test
    void thePlannerPutsTheOutputTheRuleDistanceBelowItsInput() {
        MemoryPlan p = BestOfPlanner.standard().plan(PAIR, List.of(RULE), 8);
        MemoryPlans.verify(PAIR, List.of(RULE), p);
        assertEquals(18_440, p.offsetOf("dw1") - p.offsetOf("pw1"));
        assertEquals(18_440 + 18_432, p.arenaSize(), "the input ends 8 B past the output");
        assertEquals(55_296, p.lowerBound(), "the plan still carries the layer-by-layer bound");
        assertEquals(36_872, LowerBound.of(PAIR, List.of(RULE), 8));
    }

    @Test
    void withoutTheRuleTheyStayApart() {
        MemoryPlan p = BestOfPlanner.standard().plan(PAIR, 8);
        assertEquals(55_296, p.arenaSize());
        assertThrows(IllegalStateException.class, () -> MemoryPlans.verify(PAIR, plan(18_440, 0, 36_872)));
    }

    @Test
    void theVerifierRejectsOneByteBeyondTheRule() {
        assertDoesNotThrow(() -> MemoryPlans.verify(PAIR, List.of(RULE), plan(18_440, 0, 36_872)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MemoryPlans.verify(PAIR, List.of(RULE), plan(18_439, 0, 36_871)));
        assertTrue(e.getMessage().contains("needs at least 18440 B"), e.getMessage());
        // the input below its output: the rule only lets the output start below the input
        assertThrows(IllegalStateException.class, () -> MemoryPlans.verify(PAIR, List.of(RULE), plan(0, 100, 36_964)));
    }

    @Test
    void anOverlapNeedsLifetimesThatMeetAtOneStep() {
        // the input is read again after the layer: its bytes are still needed
        List<BufferRequest> longer = List.of(new BufferRequest("dw1", 18_432, 0, 2), OUT);
        assertThrows(IllegalStateException.class, () -> MemoryPlans.verify(longer,
                List.of(RULE), new MemoryPlan(Map.of("dw1", 18_440L, "pw1", 0L), 36_872, LowerBound.of(longer, 1), 1)));
        MemoryPlan p = BestOfPlanner.standard().plan(longer, List.of(RULE), 1);
        assertEquals(55_296, p.arenaSize(), "the planner does not use the rule either");
    }

    @Test
    void aChainStepsDownwards() {
        // three layers, each allowed to start 10 B below its input: 100 -> 100 -> 100 bytes
        List<BufferRequest> chain = List.of(new BufferRequest("a", 100, 0, 1), new BufferRequest("b", 100, 1, 2),
                new BufferRequest("c", 100, 2, 3));
        List<Overlap> rules = List.of(new Overlap("b", "a", 10), new Overlap("c", "b", 10));
        MemoryPlan p = BestOfPlanner.standard().plan(chain, rules, 1);
        MemoryPlans.verify(chain, rules, p);
        assertEquals(110, LowerBound.of(chain, rules, 1));
        assertEquals(120, p.arenaSize(), "a at 20, b at 10, c at 0: both pairs cannot be at the bound at once");
    }
}
