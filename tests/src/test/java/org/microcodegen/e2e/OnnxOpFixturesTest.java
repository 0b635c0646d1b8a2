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
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX models that ../shared/models/onnx/node has no test for (tests/fixtures/onnx-ops, written with
 * ONNX Runtime's outputs by tools/make_onnx_fixtures.py), tolerance x max(1, max |expected|):
 * LogSoftmax along axis 1 of a [2, 3, 4] input at opset 11 (the input coerced to 2-D: normalised over
 * axes 1 and 2 together) and at opset 13 (axis 1 alone), 1e-6 (one exp per element and one log per row,
 * from libm here and from MLAS in ONNX Runtime, a few ulp apart); the float CNN and MLP (PyTorch-shaped,
 * shape subgraphs included) that the QDQ fixtures quantize, 1e-5 (sums in another order than MLAS's).
 */
class OnnxOpFixturesTest {
    static final Map<String, Double> FIXTURES = Map.of("log_softmax_opset11", 1e-6, "log_softmax_opset13", 1e-6,
            "cnn_float", 1e-5, "mlp_float", 1e-5);

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> singleOpsMatchOnnxRuntime() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String fixture : new java.util.TreeSet<>(FIXTURES.keySet())) {
            for (String target : List.of("host", "java", "cortex-m4")) {
                for (int k = 0; k < 3; k++) {
                    int sample = k;
                    tests.add(DynamicTest.dynamicTest(fixture + " " + target + " sample " + k, () -> {
                        switch (target) {
                            case "host" -> E2E.requireCc();
                            case "java" -> E2E.require(ToolProvider.getSystemJavaCompiler() != null, "no system Java compiler");
                            default -> E2E.requireCortexMTools();
                        }
                        Path dir = E2E.fixturesDir().resolve("onnx-ops").resolve(fixture);
                        Path out = Files.createDirectories(tmp.resolve(fixture + target + sample)).resolve("out.bin");
                        E2E.CliResult r = E2E.cli("run", "--model", dir.resolve("model.onnx").toString(), "--target", target,
                                "--input", dir.resolve("input_" + sample + ".bin").toString(), "--out", out.toString());
                        assertEquals(0, r.exit(), r::toString);
                        float[] expected = E2E.readFloats(dir.resolve("expected_" + sample + ".bin"));
                        float[] got = E2E.readFloats(out);
                        String verdict = OnnxNodeConformanceTest.compare(expected, got, FIXTURES.get(fixture), fixture + " " + target);
                        assertTrue(verdict.contains(": ok "), verdict);
                    }));
                }
            }
        }
        return tests.stream();
    }
}
