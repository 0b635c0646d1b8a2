package org.microcodegen.plan;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every way a plan can be wrong must be caught, with the culprit named. */
class MemoryPlansTest {

    private static final List<BufferRequest> REQUESTS = List.of(
            new BufferRequest("conv1", 16, 0, 1),
            new BufferRequest("conv2", 16, 1, 2),
            new BufferRequest("fc", 8, 2, 3));

    private static MemoryPlan plan(long conv1, long conv2, long fc, long arena) {
        Map<String, Long> offsets = new LinkedHashMap<>();
        offsets.put("conv1", conv1);
        offsets.put("conv2", conv2);
        offsets.put("fc", fc);
        return new MemoryPlan(offsets, arena, 32, 8);
    }

    private static void assertRejected(Executable check, String... names) {
        IllegalStateException e = assertThrows(IllegalStateException.class, check);
        for (String name : names) {
            assertTrue(e.getMessage().contains("'" + name + "'"), () -> "message should name " + name + ": " + e.getMessage());
        }
    }

    @Test
    void acceptsAValidPlan() {
        // fc reuses conv1's bytes: conv1 is dead by step 2.
        assertDoesNotThrow(() -> MemoryPlans.verify(REQUESTS, plan(0, 16, 0, 32)));
    }

    @Test
    void catchesOverlappingLiveBuffers() {
        assertRejected(() -> MemoryPlans.verify(REQUESTS, plan(0, 8, 24, 32)), "conv1", "conv2");
        assertRejected(() -> MemoryPlans.verify(REQUESTS, plan(16, 0, 8, 32)), "conv2", "fc");
    }

    @Test
    void catchesMisalignedOffsets() {
        assertRejected(() -> MemoryPlans.verify(REQUESTS, plan(0, 16, 4, 32)), "fc");
    }

    @Test
    void catchesBuffersPastTheArena() {
        assertRejected(() -> MemoryPlans.verify(REQUESTS, plan(0, 16, 32, 32)), "fc");
    }

    @Test
    void catchesWrongBookkeeping() {
        assertRejected(() -> MemoryPlans.verify(REQUESTS.subList(0, 2), plan(0, 16, 0, 32)));
        List<BufferRequest> renamed = List.of(REQUESTS.get(0), REQUESTS.get(1), new BufferRequest("softmax", 8, 2, 3));
        assertRejected(() -> MemoryPlans.verify(renamed, plan(0, 16, 0, 32)), "softmax");
        assertRejected(() -> MemoryPlans.verify(REQUESTS, plan(0, 16, 0, 48))); // arena not tight
        assertRejected(() -> MemoryPlans.verify(REQUESTS, new MemoryPlan(plan(0, 16, 0, 32).offsets(), 32, 24, 8)));
    }
}
