package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel registry chooses the Cortex-M4 DSP kernels (runtime-micro's mc_qdepthwise, mc_qpool_simd, mc_qadd_fast,
 * mc_qsoftmax_fast) for every int8 depthwise convolution, average pooling, ADD and softmax layer of the MLPerf Tiny and
 * TFLM models, on the host and on the Cortex-M4, in the default and the speed modes: no silent fallback to the reference
 * kernels. Read from report.json's kernel per layer; each model must have the layers it is known to have, so the test
 * cannot pass on a model that lost them. (Their results are the reference kernels' bit for bit: the C unit tests compare
 * them on random cases and TfliteConformanceTest runs these models against LiteRT.)
 */
class DspKernelChoiceTest {
    /** The int8 ops with DSP kernels, and the kernels allowed for them. */
    private static final Map<String, Set<String>> DSP_KERNELS = Map.of(
            // a one-input-channel depthwise with a window other than 3x3 (micro_speech's 10x8) is an ordinary
            // convolution and runs faster on the SMLAD conv kernel (SimdKernelChoiceTest pins which layer takes which)
            "DepthwiseConv2DNhwc", Set.of("mc_depthwise_conv2d_nhwc_s8_3x3", "mc_depthwise_conv2d_nhwc_s8_simd", "mc_conv2d_s8_simd"),
            "AvgPool2DNhwc", Set.of("mc_avgpool2d_nhwc_s8_simd"),
            "Add", Set.of("mc_add_s8_fast"),
            "Softmax", Set.of("mc_softmax_s8_fast"));

    /** Model (under ../shared/models/tflite) and how many layers of each of those ops it has. */
    private static final Map<String, Map<String, Integer>> MODELS = Map.of(
            "person_detect/person_detect.tflite", Map.of("DepthwiseConv2DNhwc", 14, "AvgPool2DNhwc", 1, "Softmax", 1),
            "mlperf_tiny/kws_ref_model.tflite", Map.of("DepthwiseConv2DNhwc", 4, "AvgPool2DNhwc", 1, "Softmax", 1),
            "mlperf_tiny/pretrainedResnet_quant.tflite", Map.of("Add", 3, "AvgPool2DNhwc", 1, "Softmax", 1),
            "micro_speech/micro_speech_quantized.tflite", Map.of("DepthwiseConv2DNhwc", 1, "Softmax", 1));

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> dspKernelsChosenForEveryLayer() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String model : new java.util.TreeSet<>(MODELS.keySet())) {
            for (String target : List.of("host", "cortex-m4")) {
                for (String mode : List.of("balanced", "speed")) {
                    tests.add(DynamicTest.dynamicTest(model + " " + target + " " + mode, () -> check(model, target, mode)));
                }
            }
        }
        return tests.stream();
    }

    private void check(String model, String target, String mode) throws IOException {
        Path file = E2E.sharedDir().resolve("models/tflite").resolve(model);
        E2E.requireSharedFile(file);
        Path out = tmp.resolve(model.replace('/', '_') + "_" + target + "_" + mode);
        E2E.CliResult r = E2E.cli("--model", file.toString(), "--target", target, "--optimize", mode, "--output", out.toString());
        assertEquals(0, r.exit(), () -> "compile " + model + " for " + target + " failed: " + r);
        // a firmware project keeps the model (and its report) in model/
        Path report = target.equals("host") ? out.resolve("report.json") : out.resolve("model/report.json");
        Map<String, Object> json = map(E2E.Json.parse(Files.readString(report)));
        Map<String, Integer> seen = new TreeMap<>();
        for (Object l : list(json.get("layers"))) {
            Map<String, Object> layer = map(l);
            String op = (String) layer.get("op");
            Set<String> allowed = DSP_KERNELS.get(op);
            String dtype = (String) map(list(layer.get("inputs")).get(0)).get("dtype");
            if (allowed == null || !dtype.equals("int8")) {
                continue;
            }
            String kernel = (String) layer.get("kernel");
            assertTrue(allowed.contains(kernel), model + " on " + target + " (" + mode + "): layer " + layer.get("layer") + " (" + op
                    + ") runs " + kernel + ", not one of " + allowed);
            seen.merge(op, 1, Integer::sum);
        }
        assertEquals(new TreeMap<>(MODELS.get(model)), seen, model + ": int8 layers per op with a DSP kernel");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}
