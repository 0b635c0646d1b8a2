package org.microcodegen.frontend.mslite;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The third-party .ms models in ../shared/models/ms. Missing: the test is skipped with a printed reason,
 * except under CI=true, where it fails (a skipped test would hide a regression there).
 */
final class SharedMsModels {
    static final String LENET = "lenet_tod_infer.ms";
    static final String PARALLEL = "parallel.ms";
    static final String TRAINING = "conv_train_model.ms";

    private SharedMsModels() {
    }

    /** ../shared, seen from the codegen-core module folder Maven runs tests in (or from the project root). */
    static Path sharedDir() {
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.isDirectory(here.resolve("codegen-core")) ? here : here.getParent();
        return root.resolve("../shared").normalize();
    }

    static Path model(String name) {
        Path p = sharedDir().resolve("models/ms").resolve(name);
        if (!Files.isRegularFile(p)) {
            String what = "the shared .ms model " + p + " is missing";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(what + " (CI=true: required, not skipped)");
            }
            System.out.println("SKIPPED: " + what);
            Assumptions.abort(what);
        }
        return p;
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(model(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
