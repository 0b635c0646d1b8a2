package org.microcodegen.ptq;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationRangesTest {
    private static final double WIDTH = 1.0 / ActivationRanges.BINS;

    /** The digits LeNet's input: |x| in steps of 1/8, counts rising with k (the -1 background the most frequent). */
    private static long[] digitsInput() {
        long[] h = new long[ActivationRanges.BINS];
        for (int k = 1; k <= 8; k++) {
            h[Math.min(ActivationRanges.BINS - 1, 256 * k)] += 100L * k;
        }
        return h;
    }

    /**
     * A threshold below the first occupied bin keeps no data at all: its quantized distribution is empty, which
     * must never count as a perfect match (it clipped the whole tensor to +-0.063 before).
     */
    @Test
    void aThresholdThatKeepsNoDataIsNeverChosen() {
        double t = ActivationRanges.klThreshold(digitsInput(), 1.0);
        assertTrue(t > 256 * WIDTH, "threshold " + t + " keeps no data (first occupied bin starts at " + 256 * WIDTH + ")");
    }

    /**
     * Keeping every value and clipping all but the first occupied bin both score divergence 0 on a discrete input;
     * the tie must go to the threshold that clips nothing (the first minimum clipped the digits input to +-0.126).
     */
    @Test
    void aDiscreteInputKeepsItsWholeRange() {
        double t = ActivationRanges.klThreshold(digitsInput(), 1.0);
        assertTrue(t >= 1.0, "threshold " + t + " clips the input (max |x| 1)");
    }

    /** A long-tailed continuous distribution (Laplace, 200,000 values) is still clipped well inside its largest value. */
    @Test
    void aLongTailIsClipped() {
        Random r = new Random(1);
        double[] v = new double[200_000];
        double max = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = -Math.log(1 - r.nextDouble());   // |Laplace(0, 1)| = Exp(1)
            max = Math.max(max, v[i]);
        }
        long[] h = new long[ActivationRanges.BINS];
        for (double x : v) {
            h[(int) Math.min(ActivationRanges.BINS - 1, Math.floor(x / (max / ActivationRanges.BINS)))]++;
        }
        double t = ActivationRanges.klThreshold(h, max);
        assertTrue(t < 0.8 * max && t > 4, "threshold " + t + " of max " + max);
    }
}
