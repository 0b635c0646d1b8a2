package org.microcodegen.e2e;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.CompileOptions;
import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.ir.Graph;
import org.microcodegen.ptq.GraphInterpreter;
import org.microcodegen.ptq.PostTrainingQuantization;
import org.microcodegen.ptq.QuantReport;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.quant.Reference;
import org.microcodegen.target.RunExtras;
import org.microcodegen.target.Target;
import org.microcodegen.target.TargetOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Post-training quantization of a trained MobileNetV2-0.35 (issue 12's done-when on a real network of the
 * MobileNetV2 fixture's architecture): tools/train_digits_mobilenetv2.py trains the fixture generator's
 * network on scikit-learn's digits at 3x32x32 (the digits LeNet's split and transform, grey in 3 channels)
 * and writes tests/fixtures/digits-mobilenetv2. The random-weight fixture cannot reach the issue's SQNRs
 * with any quantizer (PostTrainingQuantizationTest, WeightsOnlyFixturesTest say why); this one must.
 *
 * <p>Reference: MindSpore's float logits of the exported model on the 360 held-out images (our float build
 * must give them), and the labels. Calibration: the fixture's 100 seeded training-split images. Each
 * quantized graph is run on the held-out split by the compile-time interpreter (runtime-micro's Java
 * kernels), and its host C, JVM and Cortex-M4 (QEMU) builds must give the interpreter's logits bit for bit
 * on a sample, so the statistics are the generated code's. Measured, per mode: SQNR against MindSpore's
 * float logits (held-out split), top-1 agreement with float on the first 200 held-out images, top-1
 * accuracy on all 360; for int8 also the report's end-to-end SQNR on the calibration set.
 */
class DigitsMobileNetV2Test {
    static final Path DIR = E2E.fixturesDir().resolve("digits-mobilenetv2");
    static final Path MODEL = DIR.resolve("model.mindir");
    static final int PLANE = 32 * 32;
    static final int CHANNELS = 3;
    static final int CLASSES = 10;
    static final int AGREEMENT_INPUTS = 200;
    /** Held-out images run on each target (host C, JVM, Cortex-M4) per mode. */
    static final int TARGET_SAMPLE = 1;

    static byte[] images;
    static byte[] labels;
    static float[] floatMs;
    static List<float[]> inputs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException {
        images = Files.readAllBytes(DIR.resolve("test_images.u8"));
        labels = Files.readAllBytes(DIR.resolve("test_labels.u8"));
        floatMs = E2E.readFloats(DIR.resolve("test_logits_float.f32"));
        Assertions.assertEquals(labels.length * DigitsLenetTest.PIXELS, images.length);
        Assertions.assertEquals(labels.length * CLASSES, floatMs.length);
        inputs = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            inputs.add(input(images, i));
        }
    }

    /** The tool's transform: the digits LeNet's 1x32x32 input repeated in the 3 channels (NCHW). */
    static float[] input(byte[] source, int image) {
        float[] grey = DigitsLenetTest.input(source, image);
        float[] x = new float[CHANNELS * PLANE];
        for (int c = 0; c < CHANNELS; c++) {
            System.arraycopy(grey, 0, x, c * PLANE, PLANE);
        }
        return x;
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void floatBuildGivesMindSporesLogits() {
        Graph standard = NhwcLayoutTest.standard(MODEL);
        float[] ours = logits(new GraphInterpreter(standard, Reference.LITERT, MODEL.toString()));
        for (int i = 0; i < labels.length; i++) {
            E2E.Comparison c = E2E.compare(image(floatMs, i), image(ours, i));
            Assertions.assertTrue(c.ok(), c.describe("float, image " + i));
        }
        System.out.printf(Locale.ROOT, "digits MobileNetV2 float: top-1 %.2f%% (MindSpore %.2f%%)%n", 100 * top1(ours), 100 * top1(floatMs));
    }

    /**
     * KL misses 25 dB here (18.4 dB end to end, top-1 96.11% against 97.22% float, on 2026-11-30): the input
     * takes 17 grey levels in 4x4 blocks, so the first convolution's output has a spiky histogram (each
     * channel's response to the flat background is one bin holding 3.6% of the values), and entropy
     * calibration clips it at 1.94 of its 4.16 (20.5 dB after that layer against 42.2 with max-min): values
     * clipped into a bin next to such a spike barely change the distribution it compares. A numpy run of
     * TensorRT's published algorithm on the same tensor picks the same threshold, so it is the method's
     * limit on this input, not this implementation's. The test expects it to stay below, so that a better
     * KL fails here and moves it out.
     */
    private static final QuantizeOptions.Method KL_BELOW_TARGET = QuantizeOptions.Method.KL;

    /**
     * Full int8 (--quantize int8, per-channel weights, bias correction, float edges), each calibration method:
     * top-1 agreeing with float on at least 95% of 200 images, the report's end-to-end SQNR at least 25 dB and
     * top-1 accuracy within 1.0 point of float (not KL, see above). The default method's graph also runs on
     * every target.
     */
    @Test
    void int8MeetsTheIssueTargetsWithEachMethodAndRunsEverywhere() throws Exception {
        Path calibration = calibrationSamples();
        Graph standard = NhwcLayoutTest.standard(MODEL);
        for (QuantizeOptions.Method method : QuantizeOptions.Method.values()) {
            QuantizeOptions q = new QuantizeOptions(QuantizeOptions.Mode.INT8, calibration, Map.of(), 0, method, true, true, 8, 0, 0);
            PostTrainingQuantization.Result quantized = PostTrainingQuantization.int8(standard, q, Reference.LITERT, MODEL.toString());
            Assertions.assertEquals(100, quantized.report().samples(), "calibration samples");
            GraphInterpreter run = new GraphInterpreter(quantized.graph(), Reference.LITERT, MODEL.toString());
            float[] logits = logits(run);
            double reportSqnr = quantized.report().endToEndSqnrDb();
            String row = row("int8 " + method.flag(), logits) + String.format(Locale.ROOT, ", report %.1f dB on the calibration set", reportSqnr);
            System.out.println(row + "; lowest layers: " + lowestLayers(quantized.report()));
            Assertions.assertTrue(agreement(logits) >= AGREEMENT_INPUTS * 95 / 100, row);
            if (method == KL_BELOW_TARGET) {
                Assertions.assertTrue(reportSqnr < 25.0, row + ": kl now meets 25 dB, remove KL_BELOW_TARGET");
            } else {
                Assertions.assertTrue(reportSqnr >= 25.0, row);
                Assertions.assertTrue(Math.abs(top1(logits) - top1(floatMs)) <= 0.01 + 1e-9, row);
            }
            if (method == QuantizeOptions.Method.MAX_MIN) {
                CompileOptions options = CompileOptions.DEFAULTS.withQuantize(q);
                runsEverywhereAsTheInterpreter("int8", logits,
                        (target, name) -> Compiler.lower(quantized.graph(), name, MODEL.toString(), target, options));
            }
        }
    }

    /**
     * Weights-only 8 and 4 bit (every Conv2D and dense layer, thresholds 0): 8 bit at least 35 dB from
     * MindSpore's float logits and top-1 agreeing on at least 95% of 200 images, both on every target.
     */
    @Test
    void weightsOnlyMeetsTheIssueTargetAndRunsEverywhere() throws Exception {
        for (int bits : new int[] {8, 4}) {
            CompileOptions options = CompileOptions.DEFAULTS.withWeightQuant(bits, 0, 0);
            CompiledModel java = Compiler.compile(MODEL, "digits", Target.JAVA, null, options);
            float[] logits = logits(new GraphInterpreter(java.graph(), Reference.LITERT, MODEL.toString()));
            String row = row("weights-only " + bits + " bit", logits);
            System.out.println(row);
            if (bits == 8) {
                Assertions.assertTrue(WeightsOnlyFixturesTest.sqnr(floatMs, logits) >= WeightsOnlyFixturesTest.MIN_SQNR_8BIT, row);
                Assertions.assertTrue(agreement(logits) >= AGREEMENT_INPUTS * 95 / 100, row);
                runsEverywhereAsTheInterpreter("weights-only 8 bit", logits,
                        (target, name) -> target == Target.JAVA ? java : Compiler.compile(MODEL, name, target, null, options));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The host C, JVM and Cortex-M4 builds give {@code expected}'s logits bit for bit on the first images. */
    private void runsEverywhereAsTheInterpreter(String mode, float[] expected, BiFunction<Target, String, CompiledModel> build) throws IOException {
        List<String> targets = new ArrayList<>(List.of("host", "java"));
        if (E2E.onPath("qemu-system-arm") && E2E.onPath("arm-none-eabi-gcc")) {
            targets.add("cortex-m4");
        } else {
            E2E.requireCortexMTools();
        }
        for (String name : targets) {
            Target t = Target.byName(name);
            TargetOptions options = new TargetOptions(null, null, null, null, null, null);
            t.check(options);
            CompiledModel model = build.apply(t, "digits");
            for (int i = 0; i < TARGET_SAMPLE; i++) {
                Path in = tmp.resolve("in" + i + ".bin");
                E2E.writeFloats(in, inputs.get(i));
                Path out = tmp.resolve(mode.replace(' ', '_') + "_" + name + "_" + i + ".bin");
                t.run(model, options, List.of(in), List.of(out), new RunExtras(null, false, null));
                Assertions.assertArrayEquals(image(expected, i), E2E.readFloats(out), mode + " on " + name + ", image " + i + ": not the interpreter's logits");
            }
        }
    }

    private static float[] logits(GraphInterpreter run) {
        String output = run.graph().outputs().get(0);
        float[] all = new float[labels.length * CLASSES];
        for (int i = 0; i < labels.length; i++) {
            System.arraycopy((float[]) run.run(List.of(inputs.get(i)), null).get(output), 0, all, i * CLASSES, CLASSES);
        }
        return all;
    }

    private static String row(String mode, float[] logits) {
        return String.format(Locale.ROOT, "digits MobileNetV2 %-24s SQNR %.1f dB vs MindSpore float (360 held-out), top-1 = float on %d of %d, "
                        + "top-1 %.2f%% (float %.2f%%)", mode, WeightsOnlyFixturesTest.sqnr(floatMs, logits), agreement(logits), AGREEMENT_INPUTS,
                100 * top1(logits), 100 * top1(floatMs));
    }

    /** The three layers of lowest SQNR in the report (where the noise enters). */
    private static String lowestLayers(QuantReport report) {
        return report.layers().stream().sorted(Comparator.comparingDouble(QuantReport.Layer::sqnrDb)).limit(3)
                .map(l -> String.format(Locale.ROOT, "%s %s %.1f dB", l.op(), l.node(), l.sqnrDb())).toList().toString();
    }

    private static float[] image(float[] logits, int i) {
        return java.util.Arrays.copyOfRange(logits, i * CLASSES, (i + 1) * CLASSES);
    }

    private static int argmax(float[] logits, int i) {
        return PostTrainingQuantizationTest.argmax(image(logits, i));
    }

    private static int agreement(float[] logits) {
        int agree = 0;
        for (int i = 0; i < AGREEMENT_INPUTS; i++) {
            agree += argmax(logits, i) == argmax(floatMs, i) ? 1 : 0;
        }
        return agree;
    }

    private static double top1(float[] logits) {
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += argmax(logits, i) == labels[i] ? 1 : 0;
        }
        return (double) right / labels.length;
    }

    /** calib_images.u8 (training split) through the same transform, one raw float32 file per image. */
    private Path calibrationSamples() throws IOException {
        byte[] calib = Files.readAllBytes(DIR.resolve("calib_images.u8"));
        Path dir = Files.createDirectories(tmp.resolve("calibration"));
        for (int i = 0; i < calib.length / DigitsLenetTest.PIXELS; i++) {
            E2E.writeFloats(dir.resolve(String.format("sample%03d.bin", i)), input(calib, i));
        }
        return dir;
    }
}
