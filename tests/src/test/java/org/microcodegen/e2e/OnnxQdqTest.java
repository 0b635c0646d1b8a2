package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX QDQ int8 models as onnxruntime.quantization.quantize_static writes them (tests/fixtures/onnx-qdq,
 * by tools/make_onnx_qdq_fixtures.py): a CNN and an MLP, int8 and uint8 activations, per-channel and
 * per-tensor weights. Their integer layers must run on the integer kernels (no float convolution left)
 * and every output must equal ONNX Runtime's bit for bit (tolerance 0), on the host for every sample and
 * on the JVM and the Cortex-M4 (QEMU) for one sample each.
 */
class OnnxQdqTest {
    static final List<String> MODELS = List.of("cnn_s8_per_channel", "cnn_u8_per_tensor", "mlp_s8_per_channel", "mlp_u8_per_tensor");
    static final int SAMPLES = 3;

    @TempDir
    Path tmp;

    static Path dir(String model) {
        return E2E.fixturesDir().resolve("onnx-qdq").resolve(model);
    }

    @TestFactory
    Stream<DynamicTest> integerLayersGiveOnnxRuntimesBits() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String model : MODELS) {
            for (String target : List.of("host", "java", "cortex-m4")) {
                for (int k = 0; k < SAMPLES; k++) {
                    if (!target.equals("host") && k != 1) {
                        continue;
                    }
                    int sample = k;
                    tests.add(DynamicTest.dynamicTest(model + " " + target + " sample " + k, () -> {
                        switch (target) {
                            case "host" -> E2E.requireCc();
                            case "java" -> E2E.require(ToolProvider.getSystemJavaCompiler() != null, "no system Java compiler");
                            default -> E2E.requireCortexMTools();
                        }
                        Path work = Files.createDirectories(tmp.resolve(model + target + sample));
                        Path out = work.resolve("out.bin");
                        E2E.CliResult r = E2E.cli("run", "--model", dir(model).resolve("model.onnx").toString(), "--target", target,
                                "--input", dir(model).resolve("input_" + sample + ".bin").toString(), "--out", out.toString(),
                                "--expect", dir(model).resolve("expected_" + sample + ".bin").toString(), "--tolerance", "0");
                        assertEquals(0, r.exit(), () -> model + " sample " + sample + " on " + target + ": " + r);
                        assertTrue(r.out().contains("PASS"), r::toString);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void everyLayerRunsOnTheIntegerKernels() throws Exception {
        for (String model : MODELS) {
            Path out = tmp.resolve("compiled-" + model);
            E2E.CliResult r = E2E.compile(dir(model).resolve("model.onnx"), out);
            assertEquals(0, r.exit(), r::toString);
            String code = Files.readString(out.resolve("model.c"));
            // the reference kernel or the SIMD one with the same results (mc_fully_connected_s8_simd)
            assertTrue(code.contains("mc_fully_connected_s8(") || code.contains("mc_fully_connected_s8_simd("), model + ": the Gemm/MatMul layers are integer");
            assertTrue(code.contains("MC_ROUND_FLOAT"), model + ": ONNX Runtime's float requantization");
            assertFalse(code.contains("mc_conv2d_f32") || code.contains("mc_matmul") || code.contains("_compact_f32("),
                    model + ": no float layer left");
            if (model.startsWith("cnn")) {
                // the reference kernel or an optimized one with the same results (e.g. mc_depthwise_conv2d_nhwc_s8_3x3)
                assertTrue((code.contains("mc_conv2d_nhwc_s8(") || code.contains("mc_conv2d_s8_simd(") || code.contains("mc_conv2d_1x1_s8_simd("))
                        && code.contains("mc_depthwise_conv2d_nhwc_s8")
                        && code.contains("mc_maxpool2d_nhwc_s8("), model + ": integer conv, depthwise and max pooling");
            }
        }
    }
}
