package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /**
     * Issue 16 on the emulated Cortex-M4: LeNet matches MindSpore in every mode with the same bits
     * (every kernel sums in the same order), and size mode stays within the bounds, 1,200 B of
     * model code (kernels, schedule, parameters) and 1.8 M instructions (measured with
     * arm-none-eabi-gcc 12.2: 1,172 B and 1,512,490 on 2026-11-30).
     */
    @Test
    void lenetOnTheCortexM4GivesTheSameBitsInEveryModeAndSizeModeStaysSmall() throws Exception {
        E2E.requireCortexMTools();
        Map<String, byte[]> outputs = new LinkedHashMap<>();
        String sizeReport = "";
        for (String mode : List.of("speed", "size", "balanced")) {
            Path dir = Files.createDirectories(tmp.resolve("m4-" + mode));
            String report = E2E.runAndCompare(E2E.fixture("lenet"), dir, "--target", "cortex-m4", "--optimize", mode);
            outputs.put(mode, Files.readAllBytes(dir.resolve("out_0.bin")));
            sizeReport = mode.equals("size") ? report : sizeReport;
        }
        assertArrayEquals(outputs.get("speed"), outputs.get("size"), "size mode's bits");
        assertArrayEquals(outputs.get("speed"), outputs.get("balanced"), "balanced mode's bits");
        assertTrue(number(sizeReport, "time\\s+([\\d,]+) instructions per inference") <= 1_800_000, sizeReport);
        assertTrue(number(sizeReport, "code\\s+model ([\\d,]+)") <= 1_200, sizeReport);
    }

    private static long number(String report, String regex) {
        Matcher m = Pattern.compile(regex).matcher(report);
        assertTrue(m.find(), () -> regex + " in " + report);
        return Long.parseLong(m.group(1).replace(",", ""));
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
