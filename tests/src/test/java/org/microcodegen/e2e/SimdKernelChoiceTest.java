package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIMD int8 kernels (runtime-micro's mc_conv_simd) are really the ones the C targets call for every
 * convolution and fully connected layer of the int8 TFLite models of issue 11, in both roundings: read from
 * each compile's report.json, layer by layer, so a predicate that stops holding (a silent fallback to the
 * reference kernel) fails here. In speed mode: the default (balanced) mode weighs saved instructions against the
 * kernels' extra code per model (kernel-costs.properties; KernelCostsTableTest) and keeps the reference kernel
 * for the only, small dense layer of kws_ref_model and ResNet-8 (768 and 640 MACs: about 3,000 to 3,700
 * instructions saved for 568 B of code); ad01_int8's dense layers all stay on the SIMD kernel in balanced mode too
 * (below). Whether their outputs are right is TfliteConformanceTest's job (it runs
 * these models on the host and on the Cortex-M4 with the same kernel choice).
 */
class SimdKernelChoiceTest {
    private static final List<String> MODELS = List.of("person_detect", "micro_speech", "kws_ref_model",
            "pretrainedResnet_quant", "ad01_int8");
    private static final Set<String> SIMD = Set.of("mc_conv2d_s8_simd", "mc_conv2d_1x1_s8_simd", "mc_fully_connected_s8_simd");

    /**
     * Models whose first depthwise layer is a DEPTHWISE_CONV_2D of a single input channel (depth multiplier 8),
     * and the kernel it must run on: micro_speech's 10x8 window on the SMLAD conv kernel (an ordinary
     * convolution; 0.80 M instructions against 1.63 M on the general depthwise kernel), person_detect's 3x3
     * window on the DSP 3x3 depthwise kernel (0.64 M against 1.89 M on the conv kernel).
     */
    private static final Map<String, String> ONE_CHANNEL_DEPTHWISE_FIRST = Map.of("person_detect", "mc_depthwise_conv2d_nhwc_s8_3x3",
            "micro_speech", "mc_conv2d_s8_simd");

    /**
     * How many layers run on the pointwise kernel, whose registry rule also requires every channel to take its
     * one-SMLAL epilogue (checked at compile time): a layer failing it would still pass on the general SIMD
     * convolution above, but slower and with more code. All the 1x1 layers of both models.
     */
    private static final Map<String, Integer> POINTWISE_LAYERS = Map.of("person_detect", 14, "kws_ref_model", 4);

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyConvAndFullyConnectedLayerRunsOnTheSimdKernels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (TfliteReference ref : TfliteReference.sharedModels()) {
            if (!MODELS.contains(ref.name())) {
                continue;
            }
            for (String target : List.of("cortex-m4", "host")) {
                for (String rounding : List.of("tflite", "tflm")) {
                    tests.add(DynamicTest.dynamicTest(ref.name() + " " + target + " --rounding " + rounding, ref.dir().toUri(), () -> {
                        ref.requireModel();
                        Path out = tmp.resolve(ref.name() + "_" + target + "_" + rounding);
                        E2E.CliResult r = E2E.cli("--model", ref.model().toString(), "--target", target, "--rounding", rounding,
                                "--optimize", "speed", "--output", out.toString());
                        assertEquals(0, r.exit(), () -> "compile failed: " + r);
                        Path report;
                        try (Stream<Path> files = Files.walk(out)) {
                            report = files.filter(f -> f.getFileName().toString().equals("report.json")).findFirst().orElseThrow();
                        }
                        int simd = 0;
                        int pointwise = 0;
                        List<?> layers = (List<?>) map(E2E.Json.parse(Files.readString(report))).get("layers");
                        for (Object o : layers) {
                            Map<String, Object> layer = map(o);
                            String op = (String) layer.get("op");
                            if (op.equals("Conv2DNhwc") || op.equals("FullyConnected")) {
                                assertTrue(layer.get("kernel") != null && SIMD.contains(layer.get("kernel")), ref.name() + " layer " + layer.get("layer") + " (" + op
                                        + ") runs on " + layer.get("kernel") + ", not a SIMD kernel");
                            }
                            simd += layer.get("kernel") != null && SIMD.contains(layer.get("kernel")) ? 1 : 0;
                            pointwise += "mc_conv2d_1x1_s8_simd".equals(layer.get("kernel")) ? 1 : 0;
                        }
                        assertEquals(POINTWISE_LAYERS.getOrDefault(ref.name(), 0), pointwise, ref.name() + ": layers on mc_conv2d_1x1_s8_simd");
                        if (ONE_CHANNEL_DEPTHWISE_FIRST.containsKey(ref.name())) {
                            Map<String, Object> first = layers.stream().map(SimdKernelChoiceTest::map)
                                    .filter(l -> "DepthwiseConv2DNhwc".equals(l.get("op"))).findFirst().orElseThrow();
                            assertEquals(ONE_CHANNEL_DEPTHWISE_FIRST.get(ref.name()), first.get("kernel"), ref.name() + "'s first depthwise layer");
                        }
                        assertTrue(simd > 0, ref.name() + " has no convolution or fully connected layer");
                        System.out.println(ref.name() + " " + target + " " + rounding + ": " + simd + " layers on the SIMD kernels");
                    }));
                }
            }
        }
        assertEquals(MODELS.size() * 4, tests.size(), "every model of issue 11 has a fixture");
        return tests.stream();
    }

    /**
     * Balanced mode weighs code per model: ad01_int8's two 1,024-MAC dense layers would not pay for the SIMD kernel's
     * extra code on their own (it pays from about 1,190 MACs), but its eight bigger dense layers link that kernel
     * anyway, so they run on it too and the reference dense kernel is not linked at all.
     */
    @org.junit.jupiter.api.Test
    void balancedModeKeepsEveryDenseLayerOfAd01OnTheSimdKernelItLinksAnyway() throws Exception {
        TfliteReference ref = TfliteReference.sharedModels().stream().filter(m -> m.name().equals("ad01_int8")).findFirst().orElseThrow();
        ref.requireModel();
        Path out = tmp.resolve("ad01_balanced");
        E2E.CliResult r = E2E.cli("--model", ref.model().toString(), "--target", "cortex-m4", "--output", out.toString());
        assertEquals(0, r.exit(), () -> "compile failed: " + r);
        Path report;
        try (Stream<Path> files = Files.walk(out)) {
            report = files.filter(f -> f.getFileName().toString().equals("report.json")).findFirst().orElseThrow();
        }
        List<String> kernels = ((List<?>) map(E2E.Json.parse(Files.readString(report))).get("layers")).stream().map(SimdKernelChoiceTest::map)
                .filter(l -> "FullyConnected".equals(l.get("op"))).map(l -> (String) l.get("kernel")).toList();
        assertEquals(10, kernels.size(), "ad01's dense layers");
        assertEquals(List.of("mc_fully_connected_s8_simd"), kernels.stream().distinct().toList(), "ad01's dense kernels in balanced mode");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
