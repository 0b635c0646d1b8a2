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
 * ../shared/models/onnx/models/mnist_cntk (the ONNX model zoo's MNIST CNN, exported by CNTK at opset 1):
 * each of its three sample sets must give the authors' label (label_onehot.pb) and match onnxruntime's
 * logits (output_0_ort_generated.pb) within 1e-4 relative (each logit against itself, and all against the largest), on the host, the JVM and an emulated Cortex-M4.
 */
class OnnxModelZooTest {
    static final double RELATIVE = 1e-4;

    @TempDir
    Path tmp;

    static Path mnist() {
        return E2E.sharedDir().resolve("models/onnx/models/mnist_cntk");
    }

    @TestFactory
    Stream<DynamicTest> mnistGivesTheAuthorsLabelsAndOnnxruntimesLogits() {
        List<DynamicTest> tests = new ArrayList<>();
        List<List<String>> targets = List.of(List.of("host"), List.of("java"), List.of("cortex-m4"));
        for (List<String> target : targets) {
            for (int set = 0; set < 3; set++) {
                int s = set;
                tests.add(DynamicTest.dynamicTest(target.get(0) + " set " + set, () -> {
                    E2E.requireSharedFile(mnist().resolve("model.onnx"));
                    switch (target.get(0)) {
                        case "host" -> E2E.requireCc();
                        case "java" -> E2E.require(ToolProvider.getSystemJavaCompiler() != null, "no system Java compiler");
                        default -> E2E.requireCortexMTools();
                    }
                    check(s, target.get(0), Files.createDirectories(tmp.resolve(target.get(0) + s)));
                }));
            }
        }
        return tests.stream();
    }

    private static void check(int set, String target, Path work) {
        Path data = mnist().resolve("test_data_set_" + set);
        Path in = OnnxTestData.rawInput(data.resolve("input_0.pb"), work.resolve("in.bin"));
        Path out = work.resolve("out.bin");
        E2E.CliResult r = E2E.cli("run", "--model", mnist().resolve("model.onnx").toString(), "--target", target,
                "--input", in.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), () -> "mnist set " + set + " on " + target + ": " + r);
        float[] logits = E2E.readFloats(out);
        float[] ort = OnnxTestData.floats(data.resolve("output_0_ort_generated.pb"));
        float[] label = OnnxTestData.floats(data.resolve("label_onehot.pb"));
        assertEquals(10, logits.length);
        assertEquals(argmax(label), argmax(logits), "set " + set + ": the label the authors give");
        String verdict = OnnxNodeConformanceTest.compare(ort, logits, RELATIVE, "mnist set " + set + " " + target);
        System.out.println(verdict);
        assertTrue(verdict.contains(": ok "), verdict);
        for (int i = 0; i < ort.length; i++) {
            // each logit on its own too, not only against the largest one
            assertTrue(Math.abs(logits[i] - ort[i]) <= RELATIVE * Math.max(1, Math.abs(ort[i])),
                    "set " + set + " logit " + i + ": " + logits[i] + ", onnxruntime " + ort[i]);
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
