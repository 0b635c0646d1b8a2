package org.microcodegen.frontend.tflite;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The third-party TFLite models in ../shared/models/tflite. Missing: the test is skipped with a printed
 * reason, except under CI=true, where it fails (a skipped test would hide a regression there).
 */
final class SharedTfliteModels {
    private SharedTfliteModels() {
    }

    /** ../shared, seen from the codegen-core module folder Maven runs tests in (or from the project root). */
    static Path sharedDir() {
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(here.resolve("codegen-core")) ? here : here.getParent();
        return root.resolve("../shared").normalize();
    }

    static Path dir() {
        Path dir = sharedDir().resolve("models/tflite");
        if (!Files.isDirectory(dir)) {
            String what = "the shared TFLite models folder " + dir + " is missing";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(what + " (CI=true: required, not skipped)");
            }
            System.out.println("SKIPPED: " + what);
            Assumptions.abort(what);
        }
        return dir;
    }

    static Path model(String relative) {
        Path p = dir().resolve(relative);
        Assertions.assertTrue(Files.isRegularFile(p), "shared model missing: " + p);
        return p;
    }

    static List<Path> all() {
        try (Stream<Path> s = Files.walk(dir())) {
            return s.filter(p -> p.toString().endsWith(".tflite")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
