package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `run --dump-tensors` on the host and under QEMU gives the same bytes for every layer of every float
 * fixture (both builds use -ffp-contract=off, so they must be bit-identical), and `run --profile`'s
 * per-layer instructions add up to within 2% of the normal build's whole-inference count.
 */
class LayerDumpAndProfileTest {
    private static final Pattern SUM = Pattern.compile("sum ([0-9,]+) instructions; the whole inference \\(normal build\\) ([0-9,]+)");

    @TempDir
    Path tmp;

    private static E2E.CliResult run(E2E.Fixture f, Path work, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--model", f.model().toString(), "--input", f.inputs().get(0).toString(),
                "--out", work.resolve("out.bin").toString()));
        args.addAll(List.of(extra));
        return E2E.cli(args.toArray(String[]::new));
    }

    @TestFactory
    Stream<DynamicTest> everyLayersTensorIsBitIdenticalOnTheHostAndUnderQemu() {
        return E2E.MAIN_FIXTURES.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            E2E.requireCc();
            E2E.requireCortexMTools();
            E2E.Fixture f = E2E.fixture(name);
            Path work = Files.createDirectories(tmp.resolve(name));
            Path report = work.resolve("report.json");
            E2E.CliResult host = run(f, work, "--dump-tensors", work.resolve("host").toString(), "--report", report.toString());
            assertEquals(0, host.exit(), host::toString);
            E2E.CliResult qemu = run(f, work, "--target", "cortex-m4", "--dump-tensors", work.resolve("qemu").toString());
            assertEquals(0, qemu.exit(), qemu::toString);
            Map<String, byte[]> h = E2E.folderContents(work.resolve("host"));
            Map<String, byte[]> q = E2E.folderContents(work.resolve("qemu"));
            assertEquals(h.keySet(), q.keySet(), name);
            List<Map<String, Object>> layers = layers(report);
            List<String> index = Files.readAllLines(work.resolve("host/index.txt"));
            assertEquals(layers.size(), index.size() - 1, name + ": one tensor per layer (the fixtures' layers have one output each): " + index);
            for (int i = 1; i < index.size(); i++) {
                String[] fields = index.get(i).split("\t");
                String file = fields[0];
                Map<String, Object> layer = layers.get(i - 1);
                assertEquals(String.format("%03d_%s.bin", i - 1, layer.get("layer")), file, "named after its step and layer");
                assertEquals(layer.get("layer"), fields[2]);
                String op = (String) layer.get("op");
                if (LIBM_OPS.contains(op)) {
                    // expf/tanhf come from glibc on the host and newlib on the device: they may differ in the last bits
                    assertTrue(maxUlps(h.get(file), q.get(file)) <= LIBM_ULPS, name + ": " + file + " (" + op + ") differs by more than "
                            + LIBM_ULPS + " ulp");
                } else {
                    assertArrayEquals(h.get(file), q.get(file), name + ": " + file + " (" + op + ") differs between the host and QEMU");
                }
            }
            // the last layer's tensor is the model's output: within tolerance of MindSpore's reference
            String last = index.get(index.size() - 1).split("\t")[0];
            E2E.Comparison c = E2E.compare(E2E.readFloats(f.references().get(0)), E2E.readFloats(work.resolve("host").resolve(last)));
            assertTrue(c.ok(), c.describe(name));
        }));
    }

    /** Ops whose kernels call libm's expf or tanhf, the one part of the two builds that is not the same code. */
    private static final java.util.Set<String> LIBM_OPS = java.util.Set.of("Softmax", "Sigmoid", "Tanh");
    private static final int LIBM_ULPS = 2;

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> layers(Path report) throws IOException {
        Map<String, Object> json = (Map<String, Object>) E2E.Json.parse(Files.readString(report));
        return (List<Map<String, Object>>) json.get("layers");
    }

    /** The largest distance in units in the last place between two float32 arrays of the same length. */
    private static long maxUlps(byte[] a, byte[] b) {
        assertEquals(a.length, b.length);
        java.nio.FloatBuffer x = java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        java.nio.FloatBuffer y = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        long max = 0;
        for (int i = 0; i < x.limit(); i++) {
            int p = Float.floatToIntBits(x.get(i));
            int q = Float.floatToIntBits(y.get(i));
            long d = (p < 0) == (q < 0) ? Math.abs((long) p - q) : Long.MAX_VALUE;
            max = Math.max(max, p == q ? 0 : d);
        }
        return max;
    }

    @Test
    void perLayerInstructionsAddUpToTheWholeInference() throws IOException {
        E2E.requireCortexMTools();
        for (String name : List.of("lenet", "dscnn")) {
            E2E.Fixture f = E2E.fixture(name);
            Path work = Files.createDirectories(tmp.resolve(name));
            Path report = work.resolve("report.json");
            E2E.CliResult r = run(f, work, "--target", "cortex-m4", "--profile", "--report", report.toString());
            assertEquals(0, r.exit(), r::toString);
            Matcher m = SUM.matcher(r.out());
            assertTrue(m.find(), r.out());
            long sum = Long.parseLong(m.group(1).replace(",", ""));
            long whole = Long.parseLong(m.group(2).replace(",", ""));
            Matcher t = Pattern.compile("time +([0-9,]+) instructions per inference").matcher(r.out());
            assertTrue(t.find(), r.out());
            assertEquals(whole, Long.parseLong(t.group(1).replace(",", "")), "checked against the normal run's count");
            System.out.printf("%s: layers sum %d, whole inference %d (%+.4f%%)%n", name, sum, whole, 100.0 * (sum - whole) / whole);
            assertTrue(Math.abs(sum - whole) <= 0.02 * whole, name + ": " + sum + " vs " + whole);
            // report.json carries the same numbers: one "instructions" per layer adding up to the sum
            String json = Files.readString(report);
            long fromJson = 0;
            Matcher each = Pattern.compile("\"instructions\": (-?\\d+)").matcher(json);
            int count = 0;
            while (each.find()) {
                fromJson += Long.parseLong(each.group(1));
                count++;
            }
            Matcher tail = Pattern.compile("\"afterLastLayerInstructions\": (-?\\d+)").matcher(json);
            assertTrue(tail.find(), json);
            assertEquals(sum, fromJson + Long.parseLong(tail.group(1)), name);
            assertTrue(json.contains("\"wholeInferenceInstructions\": " + whole), json);
            assertEquals(json.split("\"step\": ").length - 1, count, "one count per layer");
        }
    }

    @Test
    void optionsATargetCannotHonourAreRefused() {
        E2E.Fixture f = E2E.fixture("lenet");
        E2E.assertCleanFailure(run(f, tmp, "--profile"), "--profile on the host");
        E2E.assertCleanFailure(run(f, tmp, "--target", "java", "--dump-tensors", tmp.resolve("d").toString()), "--dump-tensors on java");
        assertTrue(Files.notExists(tmp.resolve("out.bin")) && Files.notExists(tmp.resolve("d")));
    }
}
