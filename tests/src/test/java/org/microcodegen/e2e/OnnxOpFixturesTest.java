package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single ONNX ops that ../shared/models/onnx/node has no test for (tests/fixtures/onnx-ops, written with
 * ONNX Runtime's outputs by tools/make_onnx_fixtures.py): LogSoftmax along axis 1 of a [2, 3, 4] input at
 * opset 11 (the input coerced to 2-D: normalised over axes 1 and 2 together) and at opset 13 (axis 1
 * alone). Tolerance 1e-6 x max(1, max |expected|): one exp per element and one log per row, from libm
 * here and from MLAS in ONNX Runtime, a few ulp apart.
 */
class OnnxOpFixturesTest {
    static final List<String> FIXTURES = List.of("log_softmax_opset11", "log_softmax_opset13");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> singleOpsMatchOnnxRuntime() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String fixture : FIXTURES) {
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
                        String verdict = OnnxNodeConformanceTest.compare(expected, got, 1e-6, fixture + " " + target);
                        assertTrue(verdict.contains(": ok "), verdict);
                    }));
                }
            }
        }
        return tests.stream();
    }
}
