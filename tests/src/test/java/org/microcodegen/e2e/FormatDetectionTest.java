package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.Frontends;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The format of a model file is found from its content: every real file of every format in ../shared
 * is detected as what it is; files in formats not read yet, and files that are no model, fail in one
 * line that says what the file looks like and what is read.
 */
class FormatDetectionTest {
    @TempDir
    Path tmp;

    /** Shared model folder, the extension its models carry, and the format they must be detected as. */
    private static final List<List<String>> SHARED = List.of(
            List.of("mindir", ".mindir", "MindIR"),
            List.of("ms", ".ms", "MindSpore Lite"),
            List.of("onnx", ".onnx", "ONNX"),
            List.of("tflite", ".tflite", "TFLite"));

    @TestFactory
    Stream<DynamicTest> everySharedModelIsDetectedAsItsFormat() {
        return SHARED.stream().map(s -> DynamicTest.dynamicTest(s.get(0), () -> {
            E2E.requireShared();
            List<Path> models = files(E2E.sharedDir().resolve("models").resolve(s.get(0)), s.get(1));
            assertFalse(models.isEmpty(), "no " + s.get(1) + " files under ../shared/models/" + s.get(0));
            List<String> wrong = new ArrayList<>();
            for (Path m : models) {
                Optional<String> found = Frontends.detect(m);
                if (!found.equals(Optional.of(s.get(2)))) {
                    wrong.add(m + " -> " + found.orElse("nothing"));
                }
            }
            assertEquals(List.of(), wrong, models.size() + " files checked");
        }));
    }

    @Test
    void serializedTensorsAndDataFilesAreNoModel() throws IOException {
        E2E.requireShared();
        // ONNX test data (TensorProto .pb) is protobuf too, but not a ModelProto; csv, bmp and raw inputs are data.
        List<Path> data = new ArrayList<>(files(E2E.sharedDir().resolve("models/onnx"), ".pb"));
        data.addAll(files(E2E.sharedDir().resolve("models/tflite"), ".csv"));
        data.addAll(files(E2E.sharedDir().resolve("models/tflite"), ".bmp"));
        data.addAll(files(E2E.sharedDir().resolve("models/tflite"), ".bin"));
        assertFalse(data.isEmpty());
        List<String> wrong = new ArrayList<>();
        for (Path p : data) {
            Frontends.detect(p).ifPresent(f -> wrong.add(p + " -> " + f));
        }
        assertEquals(List.of(), wrong, data.size() + " files checked");
    }

    @Test
    void fixtureModelsAreMindIr() {
        for (E2E.Fixture f : E2E.supportedFixtures()) {
            if (!f.shared()) {
                assertEquals(Optional.of("MindIR"), Frontends.detect(f.model()), f.name());
            }
        }
    }

    @Test
    void garbageEmptyAndShortFilesSayWhatIsRead() throws IOException {
        Map<String, byte[]> cases = Map.of(
                "garbage.mindir", "PK\u0003\u0004 this is a zip, not a model".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                "short.onnx", new byte[] {0x08},
                "three.tflite", new byte[] {0x1c, 0, 0},
                "text.ms", "hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path model = Files.write(tmp.resolve(c.getKey()), c.getValue());
            String line = E2E.assertCleanFailure(E2E.cli("--model", model.toString(), "--output", tmp.resolve("o").toString()), c.getKey());
            assertEquals("micro-codegen: " + model + ": not a model this compiler reads (MindIR, TFLite, ONNX, MindSpore Lite)", line);
        }
        Path empty = Files.createFile(tmp.resolve("empty.tflite"));
        String line = E2E.assertCleanFailure(E2E.cli("--model", empty.toString(), "--output", tmp.resolve("o").toString()), "empty");
        assertEquals("micro-codegen: " + empty + ": empty file, not a model this compiler reads (MindIR, TFLite, ONNX, MindSpore Lite)", line);
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void aMindIrFileNamedOtherwiseCompilesTheSame() throws IOException {
        Path original = Files.copy(E2E.fixture("lenet").model(), tmp.resolve("lenet.mindir"));
        Path renamed = Files.copy(original, tmp.resolve("lenet.bin"));
        E2E.compile(original, tmp.resolve("a"), "--name", "lenet");
        E2E.compile(renamed, tmp.resolve("b"), "--name", "lenet");
        List<Path> generated = files(tmp.resolve("a"), "");
        assertFalse(generated.isEmpty());
        for (Path f : generated) {
            // The header comment names the source file; everything else must be the same.
            String expected = Files.readString(f).replace("lenet.mindir", "lenet.bin");
            assertEquals(expected, Files.readString(tmp.resolve("b").resolve(f.getFileName())), f.getFileName().toString());
        }
    }

    @Test
    void aMindIrFileNamedOtherwiseRunsAndMatchesMindSpore() throws IOException {
        E2E.requireCc();
        E2E.Fixture lenet = E2E.fixture("lenet");
        Path renamed = Files.copy(lenet.model(), tmp.resolve("lenet.tflite"));
        Path out = tmp.resolve("out.bin");
        E2E.CliResult r = E2E.cli("run", "--model", renamed.toString(), "--input", lenet.inputs().get(0).toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        E2E.Comparison c = E2E.compare(E2E.readFloats(lenet.references().get(0)), E2E.readFloats(out));
        assertTrue(c.ok(), () -> c.describe("lenet.tflite"));
    }

    private static List<Path> files(Path dir, String extension) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(extension)).sorted().toList();
        }
    }
}
