package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that the comparison used by {@link FixtureConformanceTest} is not vacuous: it rejects a perturbed
 * reference, a wrong length, NaNs, and a real run on a changed input.
 */
class ComparisonCheckerTest {

    @TempDir
    Path tmp;

    @Test
    void perturbedReferenceIsAMismatch() {
        E2E.Fixture lenet = E2E.fixture("lenet");
        float[] ref = E2E.readFloats(lenet.references().get(0));
        assertTrue(E2E.compare(ref, ref.clone()).ok(), "identical arrays must compare equal");

        // Just inside the tolerance is accepted, just outside is not.
        double tol = E2E.REL_TOL * Math.max(1, maxAbs(ref));
        float[] near = ref.clone();
        near[3] += (float) (tol * 0.5);
        assertTrue(E2E.compare(ref, near).ok(), "an error of half the tolerance must pass");
        float[] far = ref.clone();
        far[3] += (float) (tol * 4);
        E2E.Comparison c = E2E.compare(ref, far);
        assertFalse(c.ok(), "an error of 4x the tolerance must fail: " + c.describe("lenet"));
        assertEquals(3, c.worstIndex());

        float[] nan = ref.clone();
        nan[0] = Float.NaN;
        assertFalse(E2E.compare(ref, nan).ok(), "NaN output must fail");
        assertFalse(E2E.compare(ref, Arrays.copyOf(ref, ref.length - 1)).ok(), "short output must fail");
        assertFalse(E2E.compare(new float[0], new float[0]).ok(), "empty outputs prove nothing");
    }

    @Test
    void largeMagnitudesUseRelativeTolerance() {
        float[] ref = {1e4f, -2e4f, 3f};
        float[] ok = {1e4f + 1f, -2e4f, 3f}; // 1 <= 1e-4 * 2e4 = 2
        float[] bad = {1e4f, -2e4f, 6f};     // 3 > 2
        assertTrue(E2E.compare(ref, ok).ok());
        assertFalse(E2E.compare(ref, bad).ok());
    }

    @Test
    void changedInputGivesAMismatchThroughTheRealPipeline() {
        E2E.requireCc();
        E2E.Fixture lenet = E2E.fixture("lenet");
        float[] in = E2E.readFloats(lenet.inputs().get(0));
        in[16 * 32 + 16] += 5.0f; // one pixel in the middle of the 32x32 image
        Path input = tmp.resolve("input_0.bin");
        E2E.writeFloats(input, in);
        Path out = tmp.resolve("out.bin");
        E2E.CliResult r = E2E.cli("run", "--model", lenet.model().toString(), "--input", input.toString(),
                "--out", out.toString());
        assertEquals(0, r.exit(), () -> "run failed: " + r);
        E2E.Comparison c = E2E.compare(E2E.readFloats(lenet.references().get(0)), E2E.readFloats(out));
        assertFalse(c.ok(), "a changed input pixel must change the output beyond tolerance: " + c.describe("lenet"));
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
