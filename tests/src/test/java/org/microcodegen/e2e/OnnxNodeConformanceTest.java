package org.microcodegen.e2e;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.onnx.proto.Onnx.ModelProto;
import org.microcodegen.frontend.onnx.proto.Onnx.NodeProto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX's own node tests (../shared/models/onnx/node/test_*: model.onnx with the ONNX authors' inputs and
 * expected outputs) on the host, the JVM and an emulated Cortex-M4. {@code tests/onnx-node-tests.md}
 * lists every test: those marked run must match ONNX's outputs within the tolerance of their op (see
 * {@link #TOLERANCES}); every other one must fail with the clean one-line error (exit 2), never give
 * an answer. The list and the folder must name the same tests.
 */
class OnnxNodeConformanceTest {
    @TempDir
    Path tmp;

    /**
     * Tolerance per op, |actual - expected| <= tol * max(1, max |expected|), and why:
     * 0 where the kernel does the same single float32 operation per element as ONNX's reference (NumPy
     * in float32) or only moves values; 1e-6 where the result is one libm call or a fixed formula
     * written with other (equivalent) float32 operations, a few ulp apart; 1e-5 for sums (convolution,
     * products, averages, normalisation) that the kernels accumulate in another order than NumPy.
     */
    static final Map<String, Double> TOLERANCES = Map.ofEntries(
            Map.entry("Add", 0.0), Map.entry("Sub", 0.0), Map.entry("Mul", 0.0), Map.entry("Div", 0.0),
            Map.entry("Relu", 0.0), Map.entry("LeakyRelu", 0.0), Map.entry("Clip", 0.0), Map.entry("MaxPool", 0.0),
            Map.entry("Reshape", 0.0), Map.entry("Flatten", 0.0), Map.entry("Squeeze", 0.0), Map.entry("Unsqueeze", 0.0),
            Map.entry("Transpose", 0.0), Map.entry("Concat", 0.0), Map.entry("Pad", 0.0), Map.entry("Slice", 0.0),
            Map.entry("Gather", 0.0), Map.entry("HardSigmoid", 1e-6),
            Map.entry("Sigmoid", 1e-6), Map.entry("Tanh", 1e-6), Map.entry("HardSwish", 1e-6), Map.entry("Softmax", 1e-6),
            Map.entry("Conv", 1e-5), Map.entry("Gemm", 1e-5), Map.entry("MatMul", 1e-5), Map.entry("AveragePool", 1e-5),
            Map.entry("GlobalAveragePool", 1e-5), Map.entry("BatchNormalization", 1e-5), Map.entry("ReduceMean", 1e-5),
            // one float32 division or multiplication per element, rounded as ONNX's reference rounds (ties to even)
            Map.entry("QuantizeLinear", 0.0), Map.entry("DequantizeLinear", 0.0));

    /**
     * Tests whose reference is coarser than their op's tolerance. test_averagepool_2d_ceil_last_window_starts_on_pad's
     * expected output is written by hand to 4 decimals (0.1511, 0.2841, 0.3572); the second is 5.6e-5 from
     * the exact mean of its four inputs over the 3x3 window (2.5564 / 9 = 0.284044), so 1e-4 is this data's resolution.
     */
    static final Map<String, Double> REFERENCE_RESOLUTION = Map.of("test_averagepool_2d_ceil_last_window_starts_on_pad", 1e-4);

    /** One row of tests/onnx-node-tests.md. */
    record Entry(String test, boolean run, Set<Integer> constants, String why) {
        Path dir() {
            return nodeDir().resolve(test);
        }
    }

    static Path nodeDir() {
        return E2E.sharedDir().resolve("models/onnx/node");
    }

    static Path listFile() {
        return E2E.projectRoot().resolve("tests/onnx-node-tests.md");
    }

    /** Rows "| test_x | run | constants | why |" or "| test_x | not run | | why |". */
    static List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (String line : E2E.read(listFile()).split("\n")) {
            if (!line.startsWith("| test_")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            Assertions.assertTrue(cells.length >= 5, "bad row: " + line);
            String verdict = cells[2].trim();
            Assertions.assertTrue(verdict.equals("run") || verdict.equals("not run"), "bad verdict in: " + line);
            Set<Integer> constants = new LinkedHashSet<>();
            for (String c : cells[3].trim().split("[ ,]+")) {
                if (!c.isEmpty()) {
                    constants.add(Integer.parseInt(c));
                }
            }
            out.add(new Entry(cells[1].trim(), verdict.equals("run"), constants, cells[4].trim()));
        }
        return out;
    }

    @Test
    void theListNamesEveryNodeTestOnceWithAReason() throws IOException {
        E2E.requireShared();
        Set<String> folders;
        try (Stream<Path> s = Files.list(nodeDir())) {
            folders = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("test_")).collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> listed = entries().stream().map(Entry::test).collect(Collectors.toList());
        assertEquals(listed.size(), new TreeSet<>(listed).size(), "a test is listed twice");
        assertEquals(folders, new TreeSet<>(listed), "tests/onnx-node-tests.md and " + nodeDir() + " differ");
        for (Entry e : entries()) {
            assertFalse(!e.run() && e.why().isEmpty(), e.test() + ": not run without a reason");
        }
    }

    @TestFactory
    Stream<DynamicTest> host() {
        return runAll(1, E2E::requireCc, "--target", "host");
    }

    @TestFactory
    Stream<DynamicTest> jvm() {
        return runAll(1, () -> E2E.require(ToolProvider.getSystemJavaCompiler() != null, "no system Java compiler"), "--target", "java");
    }

    @TestFactory
    Stream<DynamicTest> cortexM4UnderQemu() {
        return runAll(2, E2E::requireCortexMTools, "--target", "cortex-m4");
    }

    /** Tests not run fail cleanly: exit 2, one line naming the file, nothing written. */
    @TestFactory
    Stream<DynamicTest> testsNotRunFailWithTheCleanError() {
        if (!Files.isDirectory(nodeDir())) {
            return Stream.of(DynamicTest.dynamicTest("shared", E2E::requireShared));
        }
        return entries().stream().filter(e -> !e.run()).map(e -> DynamicTest.dynamicTest(e.test(), () -> {
            Path model = e.dir().resolve("model.onnx");
            Path out = tmp.resolve(e.test());
            String line = E2E.assertCleanFailure(E2E.cli("--model", model.toString(), "--target", "host", "--output", out.toString()), e.test());
            assertTrue(line.contains(model.toString()), e.test() + ": the error does not name the file: " + line);
            assertFalse(Files.exists(out), e.test() + ": output written despite the error");
            System.out.println(e.test() + ": " + line);
        }));
    }

    private Stream<DynamicTest> runAll(int workers, Runnable requireTools, String... target) {
        if (!Files.isDirectory(nodeDir())) {
            return Stream.of(DynamicTest.dynamicTest("shared", E2E::requireShared));
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "onnx-node");
            t.setDaemon(true);
            return t;
        });
        List<DynamicTest> tests = new ArrayList<>();
        for (Entry e : entries()) {
            if (!e.run()) {
                continue;
            }
            Future<String> run = pool.submit(() -> {
                requireTools.run();
                return runAndCompare(e, Files.createDirectories(tmp.resolve(target[target.length - 1]).resolve(e.test())), target);
            });
            tests.add(DynamicTest.dynamicTest(e.test(), () -> {
                try {
                    System.out.println(run.get());
                } catch (ExecutionException x) {
                    throw x.getCause();
                }
            }));
        }
        pool.shutdown();
        return tests.stream().onClose(pool::shutdownNow);
    }

    /** The op a test is about: its model's only op, or the op its name starts with for multi-node models. */
    static String opOf(Path model) {
        try {
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
            Set<String> ops = m.getGraph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toCollection(LinkedHashSet::new));
            return ops.stream().filter(TOLERANCES::containsKey).max((a, b) -> Double.compare(TOLERANCES.get(a), TOLERANCES.get(b)))
                    .orElseThrow(() -> new AssertionError(model + ": no tolerance for " + ops));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    static String runAndCompare(Entry e, Path work, String... target) {
        Path dataSet = e.dir().resolve("test_data_set_0");
        Path model = e.dir().resolve("model.onnx");
        if (!e.constants().isEmpty()) {
            model = OnnxTestData.withConstantInputs(model, dataSet, e.constants(), work.resolve("model.onnx"));
        }
        double tolerance = Math.max(TOLERANCES.get(opOf(model)), REFERENCE_RESOLUTION.getOrDefault(e.test(), 0.0));
        List<String> args = new ArrayList<>(List.of("run", "--model", model.toString()));
        args.addAll(List.of(target));
        List<Path> inputs = OnnxTestData.files(dataSet, "input_");
        for (int i = 0; i < inputs.size(); i++) {
            if (!e.constants().contains(i)) {
                args.add("--input");
                args.add(OnnxTestData.rawInput(inputs.get(i), work.resolve("in_" + i + ".bin")).toString());
            }
        }
        List<Path> refs = OnnxTestData.files(dataSet, "output_");
        for (int i = 0; i < refs.size(); i++) {
            args.add("--out");
            args.add(work.resolve("out_" + i + ".bin").toString());
        }
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        Assertions.assertEquals(0, r.exit(), () -> e.test() + " " + String.join(" ", target) + ": run failed: " + r);
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < refs.size(); i++) {
            String what = e.test() + " " + target[target.length - 1] + " output " + i;
            if (!OnnxTestData.isFloat32(refs.get(i))) {
                // integer outputs (QuantizeLinear) are exact: byte for byte
                byte[] want = OnnxTestData.rawBytes(refs.get(i));
                byte[] got = OnnxTestData.fileBytes(work.resolve("out_" + i + ".bin"));
                Assertions.assertArrayEquals(want, got, what);
                report.append(what).append(": ok (integer, byte for byte)\n");
                continue;
            }
            float[] expected = OnnxTestData.floats(refs.get(i));
            float[] actual = E2E.readFloats(work.resolve("out_" + i + ".bin"));
            String verdict = compare(expected, actual, tolerance, what);
            report.append(verdict);
            Assertions.assertFalse(verdict.contains("MISMATCH"), verdict);
        }
        return report.toString();
    }

    /** max |a - e| <= tol * max(1, max |e|), NaN where NaN, infinities equal. */
    static String compare(float[] expected, float[] actual, double tol, String what) {
        if (expected.length != actual.length) {
            return what + ": MISMATCH length " + actual.length + ", expected " + expected.length;
        }
        double maxRef = 0;
        for (float v : expected) {
            if (Float.isFinite(v)) {
                maxRef = Math.max(maxRef, Math.abs(v));
            }
        }
        double bound = tol * Math.max(1, maxRef);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            float x = expected[i];
            float a = actual[i];
            if (!Float.isFinite(x) || !Float.isFinite(a)) {
                if (Float.compare(x, a) != 0) {
                    return what + ": MISMATCH at [" + i + "]: " + a + ", expected " + x;
                }
                continue;
            }
            double d = Math.abs((double) a - x);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        return String.format("%s: %s max error %.3g at [%d] (bound %.3g, %d values)", what, worst <= bound ? "ok" : "MISMATCH",
                worst, at, bound, expected.length);
    }
}
