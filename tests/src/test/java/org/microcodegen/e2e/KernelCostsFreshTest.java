package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Balanced mode weighs kernels by the code bytes in kernel-costs.properties; when a kernel changes and its line
 * does not, the mode decides on a figure that no longer exists (on 2026-11-30 44 lines had drifted, the general
 * SIMD convolution by 2.3x). This test measures every entry point again with tools/kernel-costs (the Cortex-M
 * toolchain, about 10 s) and fails on a line that is off by more than 10% and 32 B: small moves (a compiler
 * update, a changed constant) do not change choices, a rewritten kernel does.
 */
class KernelCostsFreshTest {
    private static final Path TABLE = Path.of("codegen-core/src/main/resources/org/microcodegen/lower/kernel-costs.properties");

    @Test
    void everyKernelsBytesMatchWhatTheCompilerBuildsToday() throws IOException {
        E2E.requireCortexMTools();
        Path root = E2E.projectRoot();
        E2E.ProcResult measured = E2E.exec(root, List.of("bash", root.resolve("tools/kernel-costs").toString()));
        assertEquals(0, measured.exit(), measured::output);
        Properties now = new Properties();
        now.load(new StringReader(measured.output()));
        Properties table = new Properties();
        try (var in = Files.newBufferedReader(root.resolve(TABLE))) {
            table.load(in);
        }
        List<String> stale = new ArrayList<>();
        int compared = 0;
        for (String key : now.stringPropertyNames()) {
            if (!key.endsWith(".bytes")) {
                continue;
            }
            long fresh = Long.parseLong(now.getProperty(key).trim());
            String listed = table.getProperty(key);
            if (listed == null) {
                stale.add(key + " is missing (measured " + fresh + ")");
                continue;
            }
            long old = Long.parseLong(listed.trim());
            compared++;
            long off = Math.abs(fresh - old);
            if (off > 32 && off * 10 > fresh) {
                stale.add(key + "=" + old + ", measured " + fresh);
            }
        }
        assertTrue(compared > 200, "too few entry points measured: " + compared);
        assertEquals(List.of(), stale, "kernel-costs.properties is stale: run tools/kernel-costs and update those lines");
    }
}
