package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input and bad usage: the CLI must exit with 2, print exactly one line "micro-codegen: ..." on stderr
 * (no stack trace, no exception class names) and leave no --output folder behind.
 */
class ErrorHandlingTest {

    @TempDir
    Path tmp;

    private Path out() {
        return tmp.resolve("generated");
    }

    /** Compiles {@code model}, expects the clean failure and no output folder; returns the stderr line. */
    private String compileFails(Path model, String context) {
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "host", "--output", out().toString());
        String line = E2E.assertCleanFailure(r, context);
        assertFalse(Files.exists(out()), context + ": output folder exists after the error");
        return line;
    }

    private static void assertContains(String line, String expected) {
        assertTrue(line.contains(expected), () -> "expected '" + expected + "' in: " + line);
    }

    @Test
    void encryptedModel() {
        Path model = E2E.sharedDir().resolve("models/mindir/add_encrypted.mindir");
        E2E.requireSharedFile(model);
        assertContains(compileFails(model, "encrypted"), "encrypted");
    }

    @Test
    void truncatedModel() throws IOException {
        byte[] lenet = Files.readAllBytes(E2E.fixture("lenet").model());
        Path model = tmp.resolve("truncated.mindir");
        Files.write(model, Arrays.copyOf(lenet, 1000));
        assertContains(compileFails(model, "truncated"), model.getFileName().toString());
    }

    @Test
    void randomBytes() throws IOException {
        byte[] junk = new byte[4096];
        new Random(20240501L).nextBytes(junk);
        Path model = tmp.resolve("random.mindir");
        Files.write(model, junk);
        compileFails(model, "random bytes");
    }

    @Test
    void emptyFile() throws IOException {
        Path model = Files.createFile(tmp.resolve("empty.mindir"));
        assertContains(compileFails(model, "empty"), "empty");
    }

    @Test
    void missingFile() {
        Path model = tmp.resolve("does_not_exist.mindir");
        assertContains(compileFails(model, "missing"), "does_not_exist.mindir");
        Path noExt = tmp.resolve("does_not_exist");
        compileFails(noExt, "missing, no extension");
    }

    @Test
    void unsupportedLstm() {
        Path model = E2E.sharedDir().resolve("models/mindir/lstm_dense_ms161.mindir");
        E2E.requireSharedFile(model);
        assertContains(compileFails(model, "LSTM"), "unsupported op LSTM at node ");
    }

    @TestFactory
    Stream<DynamicTest> unsupportedCeluFamily() throws IOException {
        Path dir = E2E.sharedDir().resolve("models/mindir/ms250_ops");
        E2E.requireShared();
        List<Path> models;
        try (Stream<Path> s = Files.list(dir)) {
            models = s.filter(p -> p.getFileName().toString().contains("celu")
                    && p.getFileName().toString().endsWith(".mindir")).sorted().collect(Collectors.toList());
        }
        assertFalse(models.isEmpty(), "no *celu*.mindir files in " + dir);
        return models.stream().map(m -> DynamicTest.dynamicTest(m.getFileName().toString(), () -> {
            Path o = tmp.resolve(m.getFileName() + ".out");
            E2E.CliResult r = E2E.cli("--model", m.toString(), "--target", "host", "--output", o.toString());
            E2E.assertCleanFailure(r, m.getFileName().toString());
            assertFalse(Files.exists(o), m + ": output folder exists after the error");
        }));
    }

    // ------------------------------------------------------------- bad usage

    private void usageFails(String context, String... args) {
        E2E.CliResult r = E2E.cli(args);
        E2E.assertCleanFailure(r, context);
        assertFalse(Files.exists(out()), context + ": output folder exists after the error");
    }

    @Test
    void unknownOption() {
        Path lenet = E2E.fixture("lenet").model();
        usageFails("unknown option", "--model", lenet.toString(), "--output", out().toString(), "--frobnicate");
    }

    @Test
    void missingModel() {
        usageFails("missing --model", "--output", out().toString());
    }

    @Test
    void badName() {
        Path lenet = E2E.fixture("lenet").model();
        usageFails("--name 1bad", "--model", lenet.toString(), "--output", out().toString(), "--name", "1bad");
    }

    @Test
    void unknownTarget() {
        Path lenet = E2E.fixture("lenet").model();
        usageFails("unknown target", "--model", lenet.toString(), "--output", out().toString(),
                "--target", "pdp11");
    }

    @Test
    void runWithWrongInputSize() throws IOException {
        E2E.Fixture lenet = E2E.fixture("lenet");
        Path in = tmp.resolve("short.bin");
        Files.write(in, Arrays.copyOf(Files.readAllBytes(lenet.inputs().get(0)), 100));
        Path o = tmp.resolve("out.bin");
        E2E.CliResult r = E2E.cli("run", "--model", lenet.model().toString(), "--input", in.toString(),
                "--out", o.toString());
        String line = E2E.assertCleanFailure(r, "wrong input size");
        assertContains(line, "100");
        assertFalse(Files.exists(o), "run wrote an output despite the bad input");
    }
}
