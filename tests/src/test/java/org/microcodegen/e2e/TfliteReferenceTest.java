package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed TFLite reference data ({@link TfliteReference}) is self-consistent: every file the manifests
 * promise is there with exactly shape x dtype bytes, nothing else is; quantized tensors carry a scale; the class
 * decisions and hello_world errors recorded in the manifests agree with the raw output bytes; together the
 * fixtures cover every op of issue 10. The conformance tests that compile these models come with the TFLite
 * frontend; this test only guards the data they will read.
 */
class TfliteReferenceTest {

    /** Issue 10's op list: the TFLite builtins the compiler must support. */
    static final List<String> ISSUE_OPS = List.of("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
            "TRANSPOSE_CONV", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD", "SUB", "MUL", "MEAN", "SOFTMAX", "LOGISTIC",
            "TANH", "RELU", "RELU6", "LEAKY_RELU", "HARD_SWISH", "PAD", "PADV2", "RESHAPE", "SQUEEZE", "TRANSPOSE",
            "CONCATENATION", "STRIDED_SLICE", "QUANTIZE", "DEQUANTIZE");

    /** Labels by output index, from ../shared/models/README.md (and TFLM's examples). */
    static final List<String> PERSON_LABELS = List.of("no_person", "person");
    static final List<String> SPEECH_LABELS = List.of("silence", "unknown", "yes", "no");

    private static List<TfliteReference> everything() {
        List<TfliteReference> all = new ArrayList<>(TfliteReference.sharedModels());
        all.addAll(TfliteReference.ownOps());
        return all;
    }

    @TestFactory
    Stream<DynamicTest> everyManifestMatchesItsFiles() {
        return everything().stream().map(r -> DynamicTest.dynamicTest(r.dir().getParent().getFileName() + "/"
                + r.name(), () -> checkFiles(r)));
    }

    private static void checkFiles(TfliteReference r) throws IOException {
        assertTrue(Set.of("litert", "tflm_golden").contains(r.reference()), r + ": reference " + r.reference());
        assertFalse(r.ops().isEmpty(), r + ": no ops");
        assertFalse(r.inputs().isEmpty() || r.outputs().isEmpty() || r.samples().isEmpty(), r + ": empty manifest");
        for (TfliteReference.Tensor t : concat(r.inputs(), r.outputs())) {
            assertTrue(t.shape().stream().allMatch(d -> d > 0), r + ": shape " + t.shape());
            switch (t.dtype()) {
                case INT8, INT16 -> {
                    assertTrue(t.quantized() && t.scale() > 0, r + ": " + t.name() + " lacks a scale");
                    long limit = t.dtype() == TfliteReference.DType.INT8 ? 128 : 1;  // int16 is symmetric
                    assertTrue(-limit <= t.zeroPoint() && t.zeroPoint() < limit, r + ": zero point " + t.zeroPoint());
                }
                case FLOAT32 -> assertFalse(t.quantized(), r + ": a float tensor with a scale");
                default -> { }
            }
        }
        Set<String> expected = new TreeSet<>();
        for (TfliteReference.Sample s : r.samples()) {
            expected.add(s.name());
            assertFalse(s.source() == null || s.source().isBlank(), r + "/" + s + ": no source");
            Set<String> files = new TreeSet<>();
            for (int i = 0; i < r.inputs().size(); i++) {
                assertEquals(r.inputs().get(i).byteSize(), Files.size(s.input(i)), r + "/" + s + " input " + i);
                files.add(s.input(i).getFileName().toString());
            }
            for (int i = 0; i < r.outputs().size(); i++) {
                assertEquals(r.outputs().get(i).byteSize(), Files.size(s.output(i)), r + "/" + s + " output " + i);
                files.add(s.output(i).getFileName().toString());
            }
            assertEquals(files, names(s.dir()), r + "/" + s + ": files other than the manifest's");
            if (r.reference().equals("tflm_golden")) {
                assertTrue(s.golden().isPresent(), r + "/" + s + ": no golden recorded");
                double elements = s.number("golden_elements").orElseThrow();
                assertEquals(r.outputs().get(0).elements(), (long) elements, r + "/" + s + ": golden size");
                double differing = s.number("litert_differs_from_golden").orElseThrow();
                assertTrue(0 <= differing && differing <= elements, r + "/" + s + ": differing " + differing);
            }
        }
        Set<String> entries = names(r.dir());
        entries.remove("manifest.json");
        if (!r.shared()) {
            assertTrue(entries.remove("model.tflite"), r + ": model.tflite missing");
            byte[] head = Arrays.copyOfRange(Files.readAllBytes(r.model()), 4, 8);
            assertEquals("TFL3", new String(head, StandardCharsets.US_ASCII), r + ": not a TFLite file");
            @SuppressWarnings("unchecked")
            List<String> covers = (List<String>) r.manifest().get("covers");
            assertTrue(r.ops().containsAll(covers), r + ": covers " + covers + " but contains " + r.ops());
        }
        assertEquals(expected, entries, r + ": sample folders differ from the manifest's samples");
    }

    @Test
    void everySharedModelHasReferenceData() {
        Set<String> names = TfliteReference.sharedModels().stream().map(TfliteReference::name)
                .collect(Collectors.toSet());
        assertTrue(names.containsAll(List.of("hello_world_float", "hello_world_int8", "person_detect", "micro_speech",
                "network_tester", "kws_ref_model", "kws_ref_model_float32", "pretrainedResnet_quant",
                "pretrainedResnet", "ad01_int8", "ad01_fp32")), "missing: " + names);
        assertTrue(names.stream().filter(n -> n.startsWith("seanet_")).count() >= 60, "too few seanet: " + names);
    }

    /** With ../shared present: every referenced model and golden exists, and each golden has the output's size. */
    @Test
    void referencedSharedFilesExist() throws IOException {
        E2E.requireShared();
        for (TfliteReference r : TfliteReference.sharedModels()) {
            assertTrue(Files.isRegularFile(r.model()), r + ": model missing " + r.model());
            for (TfliteReference.Sample s : r.samples()) {
                if (s.golden().isEmpty()) {
                    continue;
                }
                Path golden = E2E.sharedDir().resolve("models").resolve(s.golden().get());
                long elements = golden.toString().endsWith(".csv")
                        ? Arrays.stream(Files.readString(golden).split("[,\\s]+")).filter(v -> !v.isEmpty()).count()
                        : Files.size(golden) / r.outputs().get(0).dtype().size;
                assertEquals(r.outputs().get(0).elements(), elements, r + ": golden " + golden);
            }
        }
    }

    @Test
    void classDecisionsInTheOutputsAreTheReadmes() {
        checkClasses("person_detect", PERSON_LABELS);
        checkClasses("micro_speech", SPEECH_LABELS);
    }

    private static void checkClasses(String model, List<String> labels) {
        TfliteReference r = TfliteReference.load(E2E.fixturesDir().resolve(TfliteReference.SHARED_MODELS_DIR)
                .resolve(model));
        assertEquals(2, r.samples().size(), model);
        for (TfliteReference.Sample s : r.samples()) {
            byte[] out = s.outputBytes(0);
            int best = 0;
            for (int i = 1; i < labels.size(); i++) {
                if (TfliteReference.element(out, r.outputs().get(0).dtype(), i)
                        > TfliteReference.element(out, r.outputs().get(0).dtype(), best)) {
                    best = i;
                }
            }
            assertEquals(s.expectedClass().orElseThrow(), labels.get(best), model + "/" + s);
        }
    }

    /** hello_world: the int8 input is x quantized, and each recorded error is the raw output's distance to sin(x). */
    @Test
    void helloWorldDataAgreesWithItsManifest() {
        for (String kind : List.of("float", "int8")) {
            TfliteReference r = TfliteReference.load(E2E.fixturesDir().resolve(TfliteReference.SHARED_MODELS_DIR)
                    .resolve("hello_world_" + kind));
            assertEquals(20, r.samples().size());
            TfliteReference.Tensor in = r.inputs().get(0);
            TfliteReference.Tensor out = r.outputs().get(0);
            for (TfliteReference.Sample s : r.samples()) {
                double x = s.number("x").orElseThrow();
                double input = TfliteReference.element(s.inputBytes(0), in.dtype(), 0);
                double y = TfliteReference.element(s.outputBytes(0), out.dtype(), 0);
                if (in.quantized()) {
                    assertEquals(Math.max(-128, Math.min(127, Math.rint(x / in.scale()) + in.zeroPoint())), input, s.name());
                    y = out.scale() * (y - out.zeroPoint());
                } else {
                    assertEquals((float) x, input, 0.0, s.name());
                }
                assertEquals(s.number("litert_abs_error").orElseThrow(), Math.abs(y - Math.sin(x)), 1e-5,
                        kind + "/" + s);
            }
        }
    }

    @Test
    void theFixturesCoverEveryOpOfIssue10() {
        Set<String> seen = new HashSet<>();
        everything().forEach(r -> seen.addAll(r.ops()));
        List<String> missing = ISSUE_OPS.stream().filter(op -> !seen.contains(op)).collect(Collectors.toList());
        assertTrue(missing.isEmpty(), "ops without reference data: " + missing);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Set<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
