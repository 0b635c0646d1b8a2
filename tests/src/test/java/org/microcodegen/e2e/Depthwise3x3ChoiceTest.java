package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * mc_depthwise_conv2d_nhwc_s8_3x3 runs only the layers that meet its precondition (mc_qdepthwise.h; the registry's
 * CKernels.depthwise3x3 checks it at compile time, the kernel no longer does): every depthwise layer of person_detect
 * takes it, and a 3x3 layer of three channels (tests/fixtures/tflite-ops/depthwise_3ch_same_int8, not blocks of four)
 * takes the general DSP depthwise kernel instead. Read from report.json; that both give LiteRT's outputs byte for
 * byte, on the host and on the Cortex-M4, is TfliteConformanceTest's check of the same fixtures.
 */
class Depthwise3x3ChoiceTest {
    private static final String KERNEL_3X3 = "mc_depthwise_conv2d_nhwc_s8_3x3";

    @TempDir
    Path tmp;

    @Test
    void everyDepthwiseLayerOfPersonDetectRunsOnThe3x3Kernel() throws IOException {
        Path model = E2E.sharedDir().resolve("models/tflite/person_detect/person_detect.tflite");
        E2E.requireSharedFile(model);
        for (String mode : List.of("balanced", "speed")) {
            List<String> kernels = depthwiseKernels(model, mode);
            assertEquals(14, kernels.size(), "person_detect's depthwise layers");
            assertEquals(List.of(KERNEL_3X3), kernels.stream().distinct().toList(), "person_detect (" + mode + ")");
        }
    }

    @Test
    void aLayerOutsideThePreconditionTakesTheGeneralKernel() throws IOException {
        Path ops = E2E.fixturesDir().resolve("tflite-ops");
        assertEquals(List.of("mc_depthwise_conv2d_nhwc_s8_simd"),
                depthwiseKernels(ops.resolve("depthwise_3ch_same_int8/model.tflite"), "speed"), "three channels");
        assertEquals(List.of(KERNEL_3X3), depthwiseKernels(ops.resolve("depthwise_stride2_same_int8/model.tflite"), "speed"),
                "four channels, stride 2");
    }

    /** The kernel of every int8 depthwise layer of {@code model} compiled for the Cortex-M4, in layer order. */
    private List<String> depthwiseKernels(Path model, String mode) throws IOException {
        Path out = tmp.resolve(model.getParent().getFileName() + "_" + mode);
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "cortex-m4", "--optimize", mode, "--output", out.toString());
        assertEquals(0, r.exit(), () -> "compile " + model + " failed: " + r);
        List<String> kernels = new ArrayList<>();
        for (Object o : (List<?>) map(E2E.Json.parse(Files.readString(out.resolve("model/report.json")))).get("layers")) {
            Map<String, Object> layer = map(o);
            if ("DepthwiseConv2DNhwc".equals(layer.get("op"))) {
                kernels.add((String) layer.get("kernel"));
            }
        }
        return kernels;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
