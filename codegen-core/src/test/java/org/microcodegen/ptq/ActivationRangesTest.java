package org.microcodegen.ptq;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationRangesTest {
    /**
     * A discrete input (the digits LeNet's: |x| in steps of 1/8) fills only every 256th bin of the 2048. A
     * threshold below the first occupied bin keeps no data at all: its quantized distribution is empty, which
     * must never count as a perfect match (it clipped the whole tensor to +-0.063 before).
     */
    @Test
    void aThresholdThatKeepsNoDataIsNeverChosen() {
        long[] h = new long[ActivationRanges.BINS];
        for (int k = 1; k <= 8; k++) {
            h[Math.min(ActivationRanges.BINS - 1, 256 * k)] += 100L * k;
        }
        double width = 1.0 / ActivationRanges.BINS;
        double t = ActivationRanges.klThreshold(h, 1.0);
        assertTrue(t > 256 * width, "threshold " + t + " keeps no data (first occupied bin starts at " + 256 * width + ")");
    }
}
