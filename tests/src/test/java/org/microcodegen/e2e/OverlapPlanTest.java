package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layers that write their output over the input they read last, proved by running them: each model here
 * gets a plan where at least one layer's output shares bytes with its input (checked in report.json, so
 * the run below cannot pass vacuously with disjoint buffers), then runs on the host (C) and on the JVM,
 * and its outputs must equal references no code of ours produced: LiteRT's for the TFLite models (byte
 * for byte), MindSpore's for the MindIR fixtures. A kernel whose declared access order were wrong would
 * overwrite input it had not read yet and change the outputs. (The conformance tests run the same plans
 * on every fixture, and on the Cortex-M4 too; the verifier's one-byte-short rejection is tested in
 * codegen-core's OverlapTest, the declared orders against the kernels' loops in AccessOrdersTest.)
 */
class OverlapPlanTest {
    /**
     * TFLite models whose plans overlap with the default kernels on every target: MobileNet v1 (int8; the SIMD
     * convolutions' pixel pairs) and ResNet-8 of MLPerf Tiny. (The DS-CNN's overlaps are its depthwise layers,
     * which the C targets run on the DSP depthwise kernels: they walk channel blocks over the whole plane and
     * declare no order, so its C plan sits at the layer-by-layer bound.)
     */
    private static final List<String> TFLITE = List.of("person_detect", "pretrainedResnet_quant");
    /** MindIR fixtures whose plans overlap: pooling over LeNet's first conv, MobileNetV2's depthwise layers. */
    private static final List<String> MINDIR = List.of("lenet", "mobilenetv2");
    private static final List<String> TARGETS = List.of("host", "java");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> tfliteModelsMatchLiteRtWithOverlappingPlans() {
        List<DynamicTest> tests = new ArrayList<>();
        for (TfliteReference ref : TfliteReference.sharedModels()) {
            if (!TFLITE.contains(ref.name())) {
                continue;
            }
            for (String target : TARGETS) {
                tests.add(DynamicTest.dynamicTest(target + " " + ref.name(), () -> {
                    ref.requireModel();
                    requireTools(target);
                    assertOverlaps(ref.name(), ref.model(), target);
                    System.out.println(TfliteConformanceTest.check(ref, target, true,
                            Files.createDirectories(tmp.resolve(target + "_" + ref.name()))));
                }));
            }
        }
        assertEquals(TFLITE.size() * TARGETS.size(), tests.size(), "a model named here is missing from tests/fixtures/tflite");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> mindirFixturesMatchMindSporeWithOverlappingPlans() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : MINDIR) {
            for (String target : TARGETS) {
                tests.add(DynamicTest.dynamicTest(target + " " + name, () -> {
                    requireTools(target);
                    E2E.Fixture f = E2E.fixture(name);
                    assertOverlaps(name, f.model(), target);
                    E2E.runAndCompare(f, Files.createDirectories(tmp.resolve(target + "_" + name)), "--target", target);
                }));
            }
        }
        return tests.stream();
    }

    private static void requireTools(String target) {
        if (target.equals("host")) {
            E2E.requireCc();
        }
    }

    /** Compiles for {@code target} and asserts its plan puts some layer's output over its input, below the layer-by-layer bound. */
    private void assertOverlaps(String name, Path model, String target) {
        Path out = tmp.resolve("compiled_" + target + "_" + name);
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", target, "--output", out.toString());
        assertEquals(0, r.exit(), () -> name + ": compile failed: " + r);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) E2E.Json.parse(E2E.read(out.resolve("report.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) json.get("totals");
        long arena = ((Number) totals.get("arenaBytes")).longValue();
        long layerByLayer = ((Number) totals.get("layerByLayerBytes")).longValue();
        assertTrue(arena < layerByLayer, name + " on " + target + ": arena " + arena + " B, not below the layer-by-layer bound " + layerByLayer);
        long shared = 0;
        for (Object l : (List<?>) json.get("layers")) {
            shared += ((Number) ((Map<?, ?>) l).get("sharedWithInputBytes")).longValue();
        }
        assertTrue(shared > 0, name + " on " + target + ": no layer writes over its input");
        assertTrue(r.out().contains("  overlap  arena"), name + ": the summary names the overlapping layers:\n" + r.out());
    }
}
