package org.microcodegen.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.ir.CompileException;
import org.microcodegen.target.HostRunner;
import org.microcodegen.target.Target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The generated code of every supported fixture, built for the host with AddressSanitizer and
 * UndefinedBehaviorSanitizer ({@code -fsanitize=address,undefined -fno-sanitize-recover=all}) and run on
 * its reference input: any out-of-bounds access, overflow or other undefined behaviour in the model or
 * the runtime kernels aborts the run, and the test fails with the sanitizer's report. The outputs must
 * still match MindSpore's within {@link E2E#compare}'s tolerance. The fixtures run two at a time.
 *
 * <p>What ASan sees: the host main's arena and I/O buffers are static arrays, so it catches a write past
 * their ends (the arena's own rounding slack of up to 15 bytes excepted); the firmware's guard words
 * (CortexMTest) check the arena's exact end on the device.
 */
class SanitizerTest {
    /**
     * Sanitizers and a debug build for line numbers in reports (plus the options file below). -O0 after
     * HostRunner's -O2: an instrumented -O2 build of the kernels takes several times longer to compile,
     * and the sanitizers check every access at -O0 as well.
     */
    private static final List<String> SANITIZE = List.of("-fsanitize=address,undefined", "-fno-sanitize-recover=all",
            "-g", "-O0", "-fno-omit-frame-pointer");

    /**
     * Compiled into each sanitized program: no legend in ASan's reports (so the failure message keeps the
     * report itself) and no leak check (the generated code does not allocate).
     */
    private static final String OPTIONS_SOURCE = """
            const char *__asan_default_options(void);
            const char *__ubsan_default_options(void);
            const char *__asan_default_options(void) { return "print_legend=0:detect_leaks=0"; }
            const char *__ubsan_default_options(void) { return "print_stacktrace=1"; }
            """;

    private static ExecutorService pool;
    private static final Map<String, Future<String>> RUNS = new LinkedHashMap<>();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    private static List<String> flags(Path dir) throws IOException {
        Path options = dir.resolve("sanitizer_options.c");
        if (!Files.exists(options)) {
            Files.writeString(options, OPTIONS_SOURCE);
        }
        List<String> f = new ArrayList<>(SANITIZE);
        f.add(options.toString());
        return f;
    }

    @TestFactory
    Stream<DynamicTest> everySupportedFixtureRunsCleanUnderAsanAndUbsan() throws IOException {
        List<String> flags = flags(tmp);
        List<E2E.Fixture> fixtures = E2E.supportedFixtures().stream().filter(f -> !f.shared()).toList();
        if (E2E.ccOnPath()) {
            for (E2E.Fixture f : fixtures) {
                RUNS.put(f.name(), pool.submit(() -> runSanitized(f, flags)));
            }
        }
        return fixtures.stream().map(f -> DynamicTest.dynamicTest(f.name(), f.dir().toUri(), () -> {
            E2E.requireCc();
            try {
                String problem = RUNS.get(f.name()).get();
                if (problem != null) {
                    fail(problem);
                }
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        }));
    }

    /** Builds and runs one fixture sanitized; null when it ran clean and matched the reference. */
    private static String runSanitized(E2E.Fixture f, List<String> flags) throws IOException {
        Path work = Files.createDirectories(tmp.resolve(f.name().replace('/', '_')));
        CompiledModel m = Compiler.compile(f.model(), "model", Target.HOST);
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < f.outputShapes().size(); i++) {
            outs.add(work.resolve("out_" + i + ".bin"));
        }
        try {
            HostRunner.run(m, f.inputs(), outs, flags);
        } catch (CompileException e) {
            return f.name() + ": the sanitized build or run failed: " + report(e.getMessage());
        }
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            E2E.Comparison c = E2E.compare(E2E.readFloats(f.references().get(i)), E2E.readFloats(outs.get(i)));
            if (!c.ok()) {
                bad.add(c.describe(f.name() + " output " + i));
            }
        }
        return bad.isEmpty() ? null : String.join("\n", bad);
    }

    /** The start of a sanitizer's report in a run's (one-line) output, or the whole message if there is none. */
    static String report(String message) {
        for (String marker : List.of("ERROR: AddressSanitizer", "runtime error:", "SUMMARY:")) {
            int at = message.indexOf(marker);
            if (at >= 0) {
                int from = message.lastIndexOf(" | ", at);
                return message.substring(from < 0 ? at : from + 3, Math.min(message.length(), at + 900));
            }
        }
        return message;
    }

    /** The check can fail: a planted write past a static array (in a constructor linked into the program), ASan's report. */
    @Test
    void aPlantedOverflowFailsTheRunWithTheReport(@TempDir Path dir) throws IOException {
        String report = runWithPlanted(dir, "planted.c", """
                static int planted_buffer[4];
                int *volatile planted_pointer = planted_buffer;
                static void planted_overflow(void) __attribute__((constructor));
                static void planted_overflow(void) { planted_pointer[4] = 1; }
                """);
        assertTrue(report.contains("global-buffer-overflow") && report.contains("planted"), report);
    }

    /** Signed overflow is undefined behaviour: UBSan stops the program. */
    @Test
    void plantedUndefinedBehaviourFailsTheRun(@TempDir Path dir) throws IOException {
        String report = runWithPlanted(dir, "planted_ub.c", """
                static void planted_ub(void) __attribute__((constructor));
                static void planted_ub(void) { volatile int big = 2147483647; volatile int r = big + 1; (void)r; }
                """);
        assertTrue(report.contains("signed integer overflow"), report);
    }

    /** Runs ops/abs sanitized with {@code source} linked in; returns the report of the run's failure. */
    private static String runWithPlanted(Path dir, String file, String source) throws IOException {
        E2E.requireCc();
        Path planted = dir.resolve(file);
        Files.writeString(planted, source);
        List<String> flags = new ArrayList<>(flags(dir));
        flags.add(planted.toString());
        E2E.Fixture f = E2E.fixture("ops/abs");
        CompiledModel m = Compiler.compile(f.model(), "model", Target.HOST);
        CompileException e = assertThrows(CompileException.class,
                () -> HostRunner.run(m, f.inputs(), List.of(dir.resolve("out.bin")), flags));
        String report = report(e.getMessage());
        System.out.println(file + ": " + report);
        return report;
    }
}
