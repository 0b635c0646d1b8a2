package org.microcodegen.e2e;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.CompileOptions;
import org.microcodegen.Compiler;
import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.JavaEmitter;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.frontend.Frontends;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ops.WeightsOnly;
import org.microcodegen.passes.PassDumps;
import org.microcodegen.passes.PassManager;
import org.microcodegen.ptq.PostTrainingQuantization;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.target.Board;
import org.microcodegen.target.FirmwareSummary;
import org.microcodegen.target.JavaRunner;
import org.microcodegen.target.QemuRunner;
import org.microcodegen.target.Target;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Post-training quantization measured on a real task (issue 12, item 5): LeNet-5 trained by MindSpore on
 * scikit-learn's digits (tools/train_digits_lenet.py), top-1 on its 360 held-out images, float and
 * weights-only 8 / 4 bit (CompileOptions.withWeightQuant, every Conv2D and dense layer quantized).
 *
 * <p>References, none of them ours: MindSpore's float logits of the exported model, and MindSpore's
 * logits of the same network with every weight replaced by its dequantized integers, which the tool
 * quantized with numpy (the test checks that the compiler chose the same integers and scales, by digest).
 * The inputs are rebuilt from the committed 8x8 images by the tool's transform (p / 8 - 1, each pixel a
 * 4x4 block), exact in float32.
 *
 * <p>Host (C) and JVM run the whole split; the Cortex-M4 (QEMU) runs a sample of {@link #M4_SAMPLE}
 * images per mode, one firmware each (the firmware links one test input), and must equal the host bit for bit.
 *
 * <p>Full int8 quantization (--quantize int8, each calibration method) is measured the same way, against
 * the held-out labels (no int8 reference exists outside our compiler): see
 * {@link #int8IsWithinOnePointOfFloatOnTheHostAndTheCortexM4()}.
 */
class DigitsLenetTest {
    static final Path DIR = E2E.fixturesDir().resolve("digits-lenet");
    static final int PIXELS = 64;
    static final int INPUT = 32 * 32;
    static final int CLASSES = 10;
    /** Images of the held-out split run on the Cortex-M4 per mode (the first ones, in split order). */
    static final int M4_SAMPLE = 3;

    static byte[] images;
    static byte[] labels;
    static Map<String, Object> description;

    @TempDir
    Path tmp;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        images = Files.readAllBytes(DIR.resolve("test_images.u8"));
        labels = Files.readAllBytes(DIR.resolve("test_labels.u8"));
        description = (Map<String, Object>) E2E.Json.parse(Files.readString(DIR.resolve("digits.json")));
        Assertions.assertEquals(labels.length * PIXELS, images.length);
    }

    /** The tool's transform: pixel p (0..16) -> p / 8 - 1, nearest-neighbour 8x8 -> 32x32. */
    static float[] input(byte[] source, int image) {
        float[] x = new float[INPUT];
        for (int y = 0; y < 32; y++) {
            for (int c = 0; c < 32; c++) {
                int p = source[image * PIXELS + (y / 4) * 8 + c / 4];
                x[y * 32 + c] = (float) p / 8.0f - 1.0f;
            }
        }
        return x;
    }

    static CompiledModel compile(Target target, CompileOptions options) {
        return Compiler.compile(DIR.resolve("model.mindir"), "digits", target, null, options);
    }

    static CompileOptions weightsOnly(int bits) {
        return CompileOptions.DEFAULTS.withWeightQuant(bits, 0, 0);
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void floatModelMatchesMindSporeOnTheHeldOutSplit() throws Exception {
        E2E.requireCc();
        float[] ms = E2E.readFloats(DIR.resolve("test_logits_float.f32"));
        float[] host = hostLogits(compile(Target.HOST, CompileOptions.DEFAULTS));
        assertClose(ms, host, "float");
        Assertions.assertEquals(top1(ms), top1(host), "float top-1 differs from MindSpore's");
        Assertions.assertArrayEquals(host, jvmLogits(compile(Target.JAVA, CompileOptions.DEFAULTS), "float"), "the JVM's logits differ from C's");
        System.out.printf("digits LeNet float: top-1 %.2f%% (MindSpore %.2f%%), weights %,d B%n", 100 * top1(host), 100 * top1(ms),
                compile(Target.HOST, CompileOptions.DEFAULTS).weightBytes());
    }

    @Test
    void weightsOnly8BitIsWithinHalfAPointOfFloat() throws Exception {
        E2E.requireCc();
        Result r = weightsOnly(8, "8");
        float[] floatMs = E2E.readFloats(DIR.resolve("test_logits_float.f32"));
        Assertions.assertTrue(Math.abs(r.top1 - top1(floatMs)) <= 0.005 + 1e-9,
                "weights-only int8 top-1 " + r.top1 + " vs float " + top1(floatMs));
        Assertions.assertTrue(r.sqnr >= 35.0, "weights-only int8 SQNR " + r.sqnr + " dB < 35 dB");
        // int8 weights: a quarter of the float weights, plus a float scale per channel
        Assertions.assertTrue(r.weightBytes <= 0.27 * r.floatWeightBytes, r.weightBytes + " vs float " + r.floatWeightBytes);
    }

    @Test
    void weightsOnly4BitPacksTwoWeightsPerByte() throws Exception {
        E2E.requireCc();
        Result r = weightsOnly(4, "4");
        Assertions.assertTrue(r.weightBytes <= 0.14 * r.floatWeightBytes, r.weightBytes + " vs float " + r.floatWeightBytes);
    }

    /**
     * Full int8 quantization (--quantize int8: per-channel int8 weights, per-tensor int8 activations, bias
     * correction, float edges), calibrated on the 100 training-split images of calib_images.u8, one row per
     * calibration method. The reference is the held-out labels: top-1 within 1.0 point of MindSpore's float
     * top-1. The graph is quantized once per method and lowered for the host (the whole split) and the
     * Cortex-M4 (the weights-only rows' sample), whose logits must equal the host's bit for bit. KL used to
     * miss here (90.56%): the input's |x| takes 8 values and entropy calibration clipped it to +-0.126
     * (ActivationRanges.klThreshold says why and how ties are now broken).
     */
    @Test
    void int8IsWithinOnePointOfFloatOnTheHostAndTheCortexM4() throws Exception {
        E2E.requireCc();
        boolean m4 = E2E.onPath("qemu-system-arm") && E2E.onPath("arm-none-eabi-gcc");
        if (!m4) {
            E2E.requireCortexMTools();
        }
        Path calibration = calibrationSamples();
        double floatTop1 = top1(E2E.readFloats(DIR.resolve("test_logits_float.f32")));
        long floatWeights = compile(Target.HOST, CompileOptions.DEFAULTS).weightBytes();
        Graph standard = PassManager.standard(DIR.resolve("model.mindir").toString())
                .run(Frontends.load(DIR.resolve("model.mindir")), PassDumps.into(null));
        Board board = Board.byName("mps2-an386");
        for (QuantizeOptions.Method method : QuantizeOptions.Method.values()) {
            QuantizeOptions q = new QuantizeOptions(QuantizeOptions.Mode.INT8, calibration, Map.of(), 0, method, true, true, 8, 0, 0);
            CompileOptions options = CompileOptions.DEFAULTS.withQuantize(q);
            PostTrainingQuantization.Result quantized = PostTrainingQuantization.int8(standard, q, options.reference(), DIR.toString());
            Assertions.assertEquals(100, quantized.report().samples(), "calibration samples");
            CompiledModel host = Compiler.lower(quantized.graph(), "digits", DIR.toString(), Target.HOST, options);
            float[] logits = hostLogits(host);
            double top1 = top1(logits);
            String row = String.format("int8 %-10s top-1 %.2f%% (float %.2f%%), SQNR %.1f dB on the calibration set, weights %,d B (float %,d B, %.1f%%)",
                    method.flag(), 100 * top1, 100 * floatTop1, quantized.report().endToEndSqnrDb(), host.weightBytes(), floatWeights,
                    100.0 * host.weightBytes() / floatWeights);
            System.out.println("digits LeNet " + row);
            Assertions.assertTrue(Math.abs(top1 - floatTop1) <= 0.01 + 1e-9, row);
            Assertions.assertTrue(host.weightBytes() <= 0.27 * floatWeights, row);
            if (m4) {
                CompiledModel firmware = Compiler.lower(quantized.graph(), "digits", DIR.toString(), Target.CORTEX_M4, options);
                FirmwareSummary summary = null;
                for (int i = 0; i < M4_SAMPLE; i++) {
                    Path in = tmp.resolve("int8_in" + i + ".bin");
                    Path out = tmp.resolve("int8_" + method.flag() + "_" + i + ".bin");
                    E2E.writeFloats(in, input(images, i));
                    summary = FirmwareSummary.of(firmware, board, QemuRunner.run(firmware, board, List.of(in), List.of(out)));
                    Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(logits, i * CLASSES, (i + 1) * CLASSES), E2E.readFloats(out),
                            "int8 " + method.flag() + " image " + i + ": M4 differs from the host");
                }
                System.out.printf("digits LeNet int8 %-10s on the M4: weights %,d B, flash %,d B, RAM %,d B, code %,d B, %,d instructions%n",
                        method.flag(), summary.weights(), summary.flash(), summary.ramUsed(), summary.code(), summary.instructions());
            }
        }
    }

    /** calib_images.u8 (training split) through the same transform, one raw float32 file per image. */
    private Path calibrationSamples() throws IOException {
        byte[] calib = Files.readAllBytes(DIR.resolve("calib_images.u8"));
        Path dir = Files.createDirectories(tmp.resolve("calibration"));
        for (int i = 0; i < calib.length / PIXELS; i++) {
            E2E.writeFloats(dir.resolve(String.format("sample%03d.bin", i)), input(calib, i));
        }
        return dir;
    }

    @Test
    void cortexM4RunsEachModeBitForBitAsTheHost() throws Exception {
        E2E.requireCc();
        E2E.requireCortexMTools();
        Board board = Board.byName("mps2-an386");
        List<String> rows = new ArrayList<>();
        for (int bits : new int[] {0, 8, 4}) {
            CompileOptions o = bits == 0 ? CompileOptions.DEFAULTS : weightsOnly(bits);
            float[] host = hostLogits(compile(Target.HOST, o));
            CompiledModel m4 = compile(Target.CORTEX_M4, o);
            FirmwareSummary summary = null;
            for (int i = 0; i < M4_SAMPLE; i++) {
                Path in = tmp.resolve("in" + i + ".bin");
                Path out = tmp.resolve("out" + bits + "_" + i + ".bin");
                E2E.writeFloats(in, input(images, i));
                QemuRunner.Report report = QemuRunner.run(m4, board, List.of(in), List.of(out));
                summary = FirmwareSummary.of(m4, board, report);
                float[] got = E2E.readFloats(out);
                float[] want = java.util.Arrays.copyOfRange(host, i * CLASSES, (i + 1) * CLASSES);
                Assertions.assertArrayEquals(want, got, (bits == 0 ? "float" : bits + "-bit") + " image " + i + ": M4 differs from the host");
            }
            rows.add(String.format("%-6s weights %,9d B, flash %,9d B, RAM %,7d B, code %,7d B, %,d instructions",
                    bits == 0 ? "float" : "w" + bits, summary.weights(), summary.flash(), summary.ramUsed(), summary.code(), summary.instructions()));
        }
        rows.forEach(System.out::println);
    }

    // ---------------------------------------------------------------- weights-only, measured

    record Result(double top1, double sqnr, long weightBytes, long floatWeightBytes) {
    }

    @SuppressWarnings("unchecked")
    private Result weightsOnly(int bits, String key) throws Exception {
        CompiledModel model = compile(Target.HOST, weightsOnly(bits));
        Map<String, Object> entry = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) description.get("weight_quant"))
                .get("bits")).get(key);
        List<Object> order = (List<Object>) ((Map<String, Object>) description.get("weight_quant")).get("layer_order");
        Map<String, Object> digests = (Map<String, Object>) entry.get("layers");
        List<Node> quantized = model.graph().nodes().stream().filter(n -> n.op() instanceof WeightsOnly).toList();
        Assertions.assertEquals(order.size(), quantized.size(), "every Conv2D and dense layer is quantized");
        for (int i = 0; i < order.size(); i++) {
            Assertions.assertEquals(digests.get((String) order.get(i)), digest(model, quantized.get(i)),
                    "layer " + order.get(i) + ": the compiler's integers or scales differ from the tool's");
        }
        float[] ref = E2E.readFloats(DIR.resolve((String) entry.get("logits")));
        float[] host = hostLogits(model);
        assertClose(ref, host, bits + "-bit weights");
        Assertions.assertArrayEquals(host, jvmLogits(compile(Target.JAVA, weightsOnly(bits)), "weights-only " + bits + " bit"), "the JVM's logits differ from C's");
        float[] floatMs = E2E.readFloats(DIR.resolve("test_logits_float.f32"));
        long floatWeights = compile(Target.HOST, CompileOptions.DEFAULTS).weightBytes();
        Result r = new Result(top1(host), WeightsOnlyFixturesTest.sqnr(floatMs, host), model.weightBytes(), floatWeights);
        System.out.printf("digits LeNet weights-only %d bit: top-1 %.2f%% (MindSpore on the dequantized weights %.2f%%), "
                + "SQNR %.1f dB against float, weights %,d B (float %,d B)%n", bits, 100 * r.top1, 100 * top1(ref), r.sqnr,
                r.weightBytes, r.floatWeightBytes);
        return r;
    }

    /** SHA-256 of the layer's integers (int32 LE, in the weight's order) then its scales (float32 LE), as the tool writes it. */
    private static String digest(CompiledModel model, Node n) throws NoSuchAlgorithmException {
        WeightsOnly op = (WeightsOnly) n.op();
        Tensor w = model.graph().tensor(n.input(1));
        byte[] stored = w.data().bytes();
        long count = op.weightShape().elementCount();
        ByteBuffer ints = ByteBuffer.allocate(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            int q = switch (w.data().dtype()) {
                case INT8 -> stored[i];
                case INT16 -> (short) ((stored[2 * i] & 0xFF) | (stored[2 * i + 1] << 8));
                case UINT8 -> ((((stored[i / 2] & 0xFF) >> (4 * (i % 2))) & 0xF) ^ 8) - 8;
                default -> throw new AssertionError(w.data().dtype());
            };
            ints.putInt(q);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(ints.array());
        sha.update(model.graph().tensor(n.input(WeightsOnly.SCALES)).data().bytes());
        return HexFormat.of().formatHex(sha.digest());
    }

    // ---------------------------------------------------------------- running the whole split

    /** Every image through the host C build: the model's sources and a driver that loops over one input file. */
    private float[] hostLogits(CompiledModel model) throws IOException {
        Path work = Files.createTempDirectory(tmp, "host");
        Path src = work.resolve("src");
        OutputFolder.write(src, CEmitter.render(model));
        Files.writeString(src.resolve("driver.c"), """
                /* Runs every image of inputs.bin (float32 [n][1][32][32]) and writes logits.bin ([n][10]). */
                #include <stdio.h>
                #include "digits.h"
                static double arena[(DIGITS_ARENA_SIZE + sizeof(double) - 1) / sizeof(double) + 1];
                int main(void) {
                    static float x[1024];
                    float y[10];
                    FILE *in = fopen("inputs.bin", "rb");
                    FILE *out = fopen("logits.bin", "wb");
                    if (in == NULL || out == NULL) return 2;
                    while (fread(x, sizeof x, 1, in) == 1) {
                        if (digits_run(x, y, arena) != 0 || fwrite(y, sizeof y, 1, out) != 1) return 1;
                    }
                    return fclose(out) != 0;
                }
                """);
        ByteBuffer all = ByteBuffer.allocate(labels.length * INPUT * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < labels.length; i++) {
            for (float v : input(images, i)) {
                all.putFloat(v);
            }
        }
        Files.write(work.resolve("inputs.bin"), all.array());
        List<String> cc = new ArrayList<>(List.of("cc", "-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-o", "digits"));
        try (var files = Files.list(src)) {
            files.map(Path::toString).filter(f -> f.endsWith(".c")).sorted().forEach(cc::add);
        }
        cc.add("-lm");
        E2E.ProcResult built = E2E.exec(work, cc);
        Assertions.assertEquals(0, built.exit(), built.output());
        E2E.ProcResult ran = E2E.exec(work, List.of(work.resolve("digits").toString()));
        Assertions.assertEquals(0, ran.exit(), ran.output());
        float[] logits = E2E.readFloats(work.resolve("logits.bin"));
        Assertions.assertEquals(labels.length * CLASSES, logits.length);
        return logits;
    }

    /** Every image through the generated Java class. */
    private float[] jvmLogits(CompiledModel model, String mode) throws IOException {
        Path work = Files.createTempDirectory(tmp, "java");
        Map<String, byte[]> files = JavaEmitter.render(model, JavaEmitter.DEFAULT_PACKAGE);
        OutputFolder.write(work.resolve("src"), files);
        JavaRunner.build(work.resolve("src"), work.resolve("classes"));
        // the weights travel as class-path resources beside the class: their bytes are the JVM's "flash"
        long resources = files.entrySet().stream().filter(e -> !e.getKey().endsWith(".java")).mapToLong(e -> e.getValue().length).sum();
        System.out.printf("digits LeNet %s on the JVM: weight resources %,d B%n", mode, resources);
        float[] logits = new float[labels.length * CLASSES];
        try (URLClassLoader loader = JavaRunner.loader(work.resolve("classes"))) {
            Object instance = JavaRunner.newModel(loader, JavaEmitter.DEFAULT_PACKAGE + "." + JavaEmitter.className(model.name()));
            for (int i = 0; i < labels.length; i++) {
                float[] y = new float[CLASSES];
                JavaRunner.invokeRun(instance, List.of(input(images, i)), List.of(y));
                System.arraycopy(y, 0, logits, i * CLASSES, CLASSES);
            }
        }
        return logits;
    }

    // ---------------------------------------------------------------- measures

    private static double top1(float[] logits) {
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (logits[i * CLASSES + c] > logits[i * CLASSES + best]) {
                    best = c;
                }
            }
            right += best == labels[i] ? 1 : 0;
        }
        return (double) right / labels.length;
    }

    /** Each image's logits within the fixtures' float rule: 1e-4 x max(1, max |reference|) of that image. */
    private static void assertClose(float[] ref, float[] got, String what) {
        Assertions.assertEquals(ref.length, got.length);
        for (int i = 0; i < labels.length; i++) {
            float[] r = java.util.Arrays.copyOfRange(ref, i * CLASSES, (i + 1) * CLASSES);
            float[] g = java.util.Arrays.copyOfRange(got, i * CLASSES, (i + 1) * CLASSES);
            E2E.Comparison c = E2E.compare(r, g);
            Assertions.assertTrue(c.ok(), c.describe(what + ", image " + i));
        }
    }
}
