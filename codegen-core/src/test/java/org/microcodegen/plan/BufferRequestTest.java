package org.microcodegen.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BufferRequestTest {

    @Test
    void rejectsMeaninglessRequests() {
        assertThrows(NullPointerException.class, () -> new BufferRequest(null, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BufferRequest("", 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BufferRequest("a", 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BufferRequest("a", -4, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BufferRequest("a", 1, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new BufferRequest("a", 1, -1, 2));
        assertEquals(7, new BufferRequest("a", 7, 2, 2).size());
    }

    @Test
    void lifetimesAreInclusive() {
        BufferRequest a = new BufferRequest("a", 1, 1, 2);
        assertTrue(a.livesWith(new BufferRequest("b", 1, 2, 3)), "step 2 reads a and writes b");
        assertTrue(a.livesWith(new BufferRequest("b", 1, 0, 1)));
        assertTrue(a.livesWith(new BufferRequest("b", 1, 0, 5)));
        assertFalse(a.livesWith(new BufferRequest("b", 1, 3, 4)));
        assertFalse(a.livesWith(new BufferRequest("b", 1, 0, 0)));
    }
}
