package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `--optimize`: every mode picks, per node, among kernels that compute the same results, so every
 * fixture must still match MindSpore's outputs in each mode (balanced, the default, is
 * {@link FixtureConformanceTest}). On the host only, to keep time; one Cortex-M4 run in size mode.
 */
class OptimizeModesTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesMindSporeInSizeMode() {
        return E2E.conformanceTests(tmp, E2E::requireCc, report -> { }, "--optimize", "size");
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesMindSporeInSpeedMode() {
        return E2E.conformanceTests(tmp, E2E::requireCc, report -> { }, "--optimize", "speed");
    }

    @Test
    void lenetInSizeModeMatchesMindSporeOnTheCortexM4() throws Exception {
        E2E.requireCortexMTools();
        String report = E2E.runAndCompare(E2E.fixture("lenet"), Files.createDirectories(tmp.resolve("m4")),
                "--target", "cortex-m4", "--optimize", "size");
        assertTrue(report.contains("instructions per inference"), report);
    }

    @Test
    void anUnknownModeIsOneLineAndExit2WithNothingWritten() {
        Path out = tmp.resolve("out");
        E2E.CliResult r = E2E.cli("--model", E2E.fixture("lenet").model().toString(), "--output", out.toString(), "--optimize", "fast");
        String line = E2E.assertCleanFailure(r, "--optimize fast");
        assertEquals("micro-codegen: unknown --optimize value 'fast' (choose from speed, size, balanced)", line);
        assertFalse(Files.exists(out), "nothing written on failure");
    }

    @Test
    void helpStatesTheDefaultMode() {
        E2E.CliResult r = E2E.cli("--help");
        assertTrue(r.out().contains("--optimize=MODE") && r.out().contains("(default: balanced)"), r.out());
    }
}
