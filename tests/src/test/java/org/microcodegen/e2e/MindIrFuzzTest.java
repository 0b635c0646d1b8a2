package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fuzz suite: {@link MindIrFuzzer} on 3,000 mutated models with a fixed master seed, in under
 * three minutes. Enabled by {@code -Dmicrocodegen.fuzz=true} (tools/test sets it); tools/fuzz runs
 * {@link #longRun} with more cases and other seeds. The checks that decide pass or fail are tested
 * on planted defects below, so they run always.
 */
class MindIrFuzzTest {
    static final long SUITE_SEED = 14;
    static final int SUITE_CASES = 3_000;
    static final Duration SUITE_BUDGET = Duration.ofMinutes(3);
    static final Duration CASE_LIMIT = Duration.ofSeconds(10);

    private static Path failuresDir() {
        return Path.of("target", "fuzz-failures").toAbsolutePath();
    }

    @Test
    @EnabledIfSystemProperty(named = "microcodegen.fuzz", matches = "true")
    void threeThousandMutatedModelsFailCleanlyOrCompile() {
        E2E.requireCc();
        MindIrFuzzer.Summary s = MindIrFuzzer.run(new MindIrFuzzer.Config(SUITE_SEED, 0, SUITE_CASES, 40, CASE_LIMIT, failuresDir()));
        System.out.print(s.report());
        assertTrue(s.failures().isEmpty(), s::report);
        assertEquals(SUITE_CASES, s.cases());
        assertTrue(s.elapsedMillis() < SUITE_BUDGET.toMillis(), "the fuzz suite took " + s.elapsedMillis() + " ms, budget " + SUITE_BUDGET);
    }

    /** tools/fuzz: {@code -Dmicrocodegen.fuzz.cases=N -Dmicrocodegen.fuzz.seed=S -Dmicrocodegen.fuzz.first=I}. */
    @Test
    @EnabledIfSystemProperty(named = "microcodegen.fuzz.cases", matches = "\\d+")
    void longRun() {
        E2E.requireCc();
        int cases = Integer.parseInt(System.getProperty("microcodegen.fuzz.cases"));
        long seed = Long.parseLong(System.getProperty("microcodegen.fuzz.seed", String.valueOf(SUITE_SEED)));
        int first = Integer.parseInt(System.getProperty("microcodegen.fuzz.first", "0"));
        int java = Integer.parseInt(System.getProperty("microcodegen.fuzz.java", String.valueOf(Math.max(40, cases / 50))));
        MindIrFuzzer.Summary s = MindIrFuzzer.run(new MindIrFuzzer.Config(seed, first, cases, java, CASE_LIMIT, failuresDir()));
        System.out.print(s.report());
        assertTrue(s.failures().isEmpty(), s.failures().size() + " failures; see the summary above");
    }

    // ---------------------------------------------------------------- the checks themselves

    @Test
    void theContractCheckRejectsEachViolation() {
        assertEquals(List.of(), MindIrFuzzer.problems(new E2E.CliResult(2, "", "micro-codegen: bad model\n"), false, false));
        assertEquals(List.of(), MindIrFuzzer.problems(new E2E.CliResult(0, "summary\n", ""), true, false));
        assertProblem(new E2E.CliResult(1, "", "micro-codegen: internal error: x\n"), false, false, "exit 1");
        assertProblem(new E2E.CliResult(2, "", "micro-codegen: a\nmicro-codegen: b\n"), false, false, "2 lines on stderr");
        assertProblem(new E2E.CliResult(2, "", "micro-codegen: java.lang.NullPointerException\n"), false, false, "stack trace");
        assertProblem(new E2E.CliResult(2, "", "micro-codegen: bad\n\tat org.microcodegen.X\n"), false, false, "stack trace");
        assertProblem(new E2E.CliResult(2, "", "micro-codegen: bad \u0000 name\n"), false, false, "control character");
        assertProblem(new E2E.CliResult(2, "", "micro-codegen: bad\n"), true, false, "output folder left behind");
        assertProblem(new E2E.CliResult(0, "", ""), true, true, "must be exit 2");
        assertProblem(new E2E.CliResult(2, "", "oops\n"), false, false, "without a 'micro-codegen: ' message");
    }

    private static void assertProblem(E2E.CliResult r, boolean outputExists, boolean mustFail, String expected) {
        List<String> p = MindIrFuzzer.problems(r, outputExists, mustFail);
        assertTrue(p.stream().anyMatch(s -> s.contains(expected)), "expected '" + expected + "' in " + p + " for " + r);
    }

    @Test
    void injectedCodeInAGeneratedCFileFailsTheCompileCheck(@TempDir Path tmp) throws Exception {
        E2E.requireCc();
        E2E.Fixture f = E2E.fixture("ops/abs");
        E2E.compile(f.model(), tmp.resolve("out"));
        Map<String, byte[]> files = E2E.folderContents(tmp.resolve("out"));
        MindIrFuzzer fuzzer = MindIrFuzzer.forChecks();
        assertNull(fuzzer.cProblem(files, tmp.resolve("clean")), "the unmodified output must pass");
        String c = files.keySet().stream().filter(n -> n.endsWith(".c") && !n.startsWith("mc_")).findFirst().orElseThrow();
        String text = new String(files.get(c), StandardCharsets.UTF_8);
        files.put(c, text.replaceFirst("\\*/", "*/\n#error injected through a name\n/*").getBytes(StandardCharsets.UTF_8));
        String problem = fuzzer.cProblem(files, tmp.resolve("injected"));
        assertNotNull(problem, "an #error outside a comment passed the compile check");
        assertTrue(problem.contains("injected through a name"), problem);
    }

    @Test
    void aJavaWarningFailsTheJavacCheck(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/p"));
        Files.writeString(src.resolve("A.java"), "package p;\npublic class A { java.util.List l = new java.util.ArrayList(); }\n");
        String problem = MindIrFuzzer.javacProblem(tmp.resolve("src"), tmp.resolve("classes"));
        assertNotNull(problem, "a raw-type warning passed javac -Xlint:all -Werror");
        Files.writeString(src.resolve("A.java"), "package p;\npublic class A { }\n");
        assertNull(MindIrFuzzer.javacProblem(tmp.resolve("src"), tmp.resolve("classes2")));
    }

    @Test
    void mutationsAreDeterministicPerCase() throws Exception {
        byte[] seed = Files.readAllBytes(E2E.fixture("ops/conv2d_same_s2").model());
        for (int i = 0; i < 50; i++) {
            long s = MindIrFuzzer.caseSeed(SUITE_SEED, i);
            MindIrMutator.Mutant a = MindIrMutator.mutate(seed, new java.util.Random(s));
            MindIrMutator.Mutant b = MindIrMutator.mutate(seed, new java.util.Random(s));
            assertEquals(a.describe(), b.describe());
            assertTrue(java.util.Arrays.equals(a.model(), b.model()), "case " + i + " differs between two runs");
        }
    }
}
