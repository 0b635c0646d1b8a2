package org.microcodegen.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LowerBoundTest {

    @Test
    void emptyIsZero() {
        assertEquals(0, LowerBound.of(List.of(), 16));
    }

    @Test
    void isThePeakOfLiveBytes() {
        List<BufferRequest> requests = List.of(
                new BufferRequest("a", 100, 0, 1),
                new BufferRequest("b", 30, 1, 2), // step 1: a + b = 130
                new BufferRequest("c", 50, 2, 4), // step 2: b + c = 80
                new BufferRequest("d", 60, 3, 3), // step 3: c + d = 110
                new BufferRequest("e", 10, 0, 4)); // everywhere: +10
        assertEquals(140, LowerBound.of(requests, 1));
    }

    @Test
    void buffersEndingAtAStepStillCountThere() {
        // Inclusive lifetimes: at step 1, a is still read while b is written.
        assertEquals(12, LowerBound.of(List.of(new BufferRequest("a", 5, 0, 1), new BufferRequest("b", 7, 1, 2)), 1));
        assertEquals(7, LowerBound.of(List.of(new BufferRequest("a", 5, 0, 0), new BufferRequest("b", 7, 1, 2)), 1));
    }

    @Test
    void roundsEachBufferUpToTheAlignment() {
        List<BufferRequest> requests = List.of(new BufferRequest("a", 5, 0, 0), new BufferRequest("b", 17, 0, 0));
        assertEquals(22, LowerBound.of(requests, 1));
        assertEquals(8 + 20, LowerBound.of(requests, 4));
        assertEquals(16 + 32, LowerBound.of(requests, 16));
    }
}
