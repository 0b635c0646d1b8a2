package org.microcodegen.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Builds the C99 reference kernels (c/src) together with their host unit tests (c/test) with the
 * host C compiler, runs the test program and requires it to pass; also checks that every kernel
 * source compiles on its own, since the compiler copies into a model's output only the kernel
 * files that model needs.
 *
 * <p>Without a {@code cc} on the PATH the tests are skipped with a printed reason, except on CI
 * ({@code CI=true}), where a missing compiler is a failure. The system property
 * {@code microcodegen.cc} names another compiler (e.g. {@code clang}) if wanted.
 */
class CKernelsTest {

    /** The flags the kernels promise to compile cleanly with (warnings are errors). */
    private static final List<String> STRICT_FLAGS =
            List.of("-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2");

    private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$");
    private static final Pattern INCLUDE = Pattern.compile("(?m)^\\s*#\\s*include\\s*([<\"][^>\"]+[>\"])");
    private static final long TIMEOUT_SECONDS = 300;

    private static final String CC = System.getProperty("microcodegen.cc", "cc");

    private static Path moduleDir;
    private static Path srcDir;
    private static Path testDir;
    private static Path workDir;

    @BeforeAll
    static void locateSources() throws IOException {
        moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
        srcDir = moduleDir.resolve("c/src");
        testDir = moduleDir.resolve("c/test");
        assertTrue(Files.isDirectory(srcDir), "missing " + srcDir);
        assertTrue(Files.isDirectory(testDir), "missing " + testDir);

        Path target = moduleDir.resolve("target");
        Files.createDirectories(target);
        workDir = Files.createTempDirectory(target, "c-kernels-");
    }

    @AfterAll
    static void removeBuildOutput() throws IOException {
        if (workDir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(workDir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Skips (or, on CI, fails) each test when there is no C compiler. */
    @BeforeEach
    void requireCompiler() {
        if (!onPath(CC)) {
            String reason = "no C compiler '" + CC + "' on the PATH: the C kernel tests cannot run";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + " (CI=true, so this is an error)");
            }
            System.out.println("SKIPPED CKernelsTest: " + reason);
            Assumptions.abort(reason);
        }
    }

    @Test
    void kernelUnitTestsPass() throws Exception {
        Path exe = workDir.resolve("test_kernels");
        List<String> compile = new ArrayList<>();
        compile.add(CC);
        compile.addAll(STRICT_FLAGS);
        compile.add("-ffp-contract=off");
        compile.add("-I" + srcDir);
        for (Path c : cFiles(srcDir)) {
            compile.add(c.toString());
        }
        for (Path c : cFiles(testDir)) {
            compile.add(c.toString());
        }
        compile.add("-lm");
        compile.add("-o");
        compile.add(exe.toString());
        Result built = run(compile);
        assertEquals(0, built.exitCode, "compiling the C kernel tests failed:\n" + built.output);

        Result tested = run(List.of(exe.toString()));
        System.out.println("C kernel tests (" + exe.getFileName() + "):");
        System.out.print(tested.output);
        Matcher m = SUMMARY.matcher(tested.output);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        assertTrue(last != null, "the C test program printed no 'N passed, N failed' line");
        assertEquals(0, tested.exitCode, "C kernel tests failed: " + last);
        assertTrue(last.endsWith(" 0 failed"), last);
        assertFalse(last.startsWith("0 passed"), "the C test program ran no check");
    }

    /** Every kernel source compiles alone, with only its own header beside it. */
    @TestFactory
    Stream<DynamicTest> eachKernelCompilesOnItsOwn() throws IOException {
        return cFiles(srcDir).stream().map(c -> DynamicTest.dynamicTest(
                c.getFileName().toString(), () -> {
                    List<String> cmd = new ArrayList<>();
                    cmd.add(CC);
                    cmd.addAll(STRICT_FLAGS);
                    cmd.add("-c");
                    cmd.add(c.toString());
                    cmd.add("-o");
                    cmd.add(workDir.resolve(c.getFileName() + ".o").toString());
                    Result r = run(cmd);
                    assertEquals(0, r.exitCode, c.getFileName() + " does not compile on its own:\n"
                            + r.output);
                }));
    }

    /** A kernel source includes its own header and at most math.h, so it can be shipped alone. */
    @TestFactory
    Stream<DynamicTest> eachKernelIncludesOnlyItsOwnHeader() throws IOException {
        return cFiles(srcDir).stream().map(c -> DynamicTest.dynamicTest(
                c.getFileName().toString(), () -> {
                    String name = c.getFileName().toString();
                    String ownHeader = "\"" + name.substring(0, name.length() - 2) + ".h\"";
                    String text = Files.readString(c, StandardCharsets.UTF_8);
                    Matcher m = INCLUDE.matcher(text);
                    List<String> includes = new ArrayList<>();
                    while (m.find()) {
                        includes.add(m.group(1));
                    }
                    assertTrue(includes.contains(ownHeader), name + " must include " + ownHeader);
                    for (String inc : includes) {
                        assertTrue(inc.equals(ownHeader) || inc.equals("<math.h>"),
                                name + " includes " + inc + "; only " + ownHeader
                                        + " and <math.h> are allowed");
                    }
                }));
    }

    private static List<Path> cFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".c"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static boolean onPath(String program) {
        if (program.contains(File.separator)) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        // Output goes to a file so that a hung child cannot block us on a full pipe and the
        // timeout below always applies.
        Path log = Files.createTempFile(workDir, "run-", ".log");
        Process p = new ProcessBuilder(command)
                .directory(moduleDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
