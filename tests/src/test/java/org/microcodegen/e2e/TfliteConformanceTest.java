package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every TFLite model with reference data (tests/fixtures/tflite for ../shared/models/tflite, tests/fixtures/tflite-ops
 * for our own single-op models) is run through {@code micro-codegen run} on the host, the JVM and the Cortex-M4 under
 * QEMU, and its outputs compared with LiteRT's reference kernels (BUILTIN_REF), which no code of ours produced:
 * <ul>
 * <li>int8 / int16 / int32 outputs: byte for byte, with the default {@code --rounding tflite}. Models whose oracle is
 * a TFLM golden (seanet, network_tester) are compared with the golden itself (LiteRT's outputs equal those goldens
 * element for element); {@link #hostTflmRoundingMatchesTflmGoldens} compiles them with {@code --rounding tflm} too.</li>
 * <li>float32 outputs: within 1e-5 x max(1, max |reference|). Our kernels sum in another order than TFLite's
 * reference kernels (and the M4's FPU has no fused multiply-add in the reference), so the last bits may differ;
 * 1e-5 is the bound for hello_world and two orders above float32 rounding for these sizes.</li>
 * <li>Class decisions (person_detect, micro_speech) and hello_world's distance to sin(x) are checked as well.</li>
 * </ul>
 * A model that uses an op or dtype the compiler does not support yet must be listed in {@link #NOT_YET} with the
 * words its one-line error contains; it must fail cleanly (exit 2), and a listed model that starts to work fails
 * the test too, so the list stays exact. The host runs every sample; the JVM and QEMU run the first sample of each
 * model and every sample of the models that carry a class decision or a sine check.
 */
class TfliteConformanceTest {
    /** Fixtures not supported yet, and what their error says. */
    static final Map<String, String> NOT_YET = Map.ofEntries(
            Map.entry("kws_ref_model_float32", "hybrid (dynamic-range) quantization is not supported"));


    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> hostMatchesLiteRt() {
        return tests("host", 2, E2E::requireCc, true);
    }

    @TestFactory
    Stream<DynamicTest> jvmMatchesLiteRt() {
        return tests("java", 2, () -> { }, false);
    }

    @TestFactory
    Stream<DynamicTest> cortexM4MatchesLiteRt() {
        return tests("cortex-m4", 2, E2E::requireCortexMTools, false);
    }

    /**
     * {@code --rounding tflm} on the models whose oracle is a TFLM golden (network_tester, seanet), on the host.
     * Not LEAKY_RELU: TFLM's sources form its multipliers from double-widened scales, and the seanet goldens
     * (which equal LiteRT's outputs element for element) differ from that by one in a few elements, so those
     * goldens were evidently not computed by TFLM's own kernel; the default rounding reproduces them.
     */
    @TestFactory
    Stream<DynamicTest> hostTflmRoundingMatchesTflmGoldens() {
        List<DynamicTest> tests = new ArrayList<>();
        for (TfliteReference ref : TfliteReference.sharedModels()) {
            if (ref.reference().equals("tflm_golden") && !ref.ops().contains("LEAKY_RELU") && !NOT_YET.containsKey(ref.name())) {
                tests.add(DynamicTest.dynamicTest("tflm " + ref.name(), ref.dir().toUri(), () -> {
                    ref.requireModel();
                    E2E.requireCc();
                    System.out.println(check(ref, "host", true, Files.createDirectories(tmp.resolve("tflm_" + ref.name())), true));
                }));
            }
        }
        return tests.stream();
    }

    private static List<TfliteReference> all() {
        List<TfliteReference> all = new ArrayList<>(TfliteReference.sharedModels());
        all.addAll(TfliteReference.ownOps());
        return all;
    }

    private Stream<DynamicTest> tests(String target, int workers, Runnable requireTools, boolean everySample) {
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "tflite-" + target);
            t.setDaemon(true);
            return t;
        });
        List<DynamicTest> tests = new ArrayList<>();
        for (TfliteReference ref : all()) {
            Future<String> run = pool.submit(() -> {
                ref.requireModel();
                requireTools.run();
                return check(ref, target, everySample, Files.createDirectories(tmp.resolve(target + "_" + ref.name())));
            });
            tests.add(DynamicTest.dynamicTest(target + " " + ref.name(), ref.dir().toUri(), () -> {
                try {
                    System.out.println(run.get());
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            }));
        }
        pool.shutdown();
        return tests.stream().onClose(pool::shutdownNow);
    }

    private static boolean checksEverySample(TfliteReference ref) {
        return ref.samples().stream().anyMatch(s -> s.expectedClass().isPresent() || s.number("x").isPresent());
    }

    /** Runs the samples of one model on one target and compares; returns a one-line summary. */
    static String check(TfliteReference ref, String target, boolean everySample, Path work) throws IOException {
        return check(ref, target, everySample, work, false);
    }

    /**
     * As above; with {@code tflmRounding} the model is compiled with {@code --rounding tflm} (TFLM's arithmetic
     * as its sources define it) instead of the default (LiteRT's reference kernels). Outputs are compared with
     * TFLM's golden where the model has one, else with LiteRT's outputs.
     */
    static String check(TfliteReference ref, String target, boolean everySample, Path work, boolean tflmRounding) throws IOException {
        return check(ref, target, everySample, work, tflmRounding ? List.of("--rounding", "tflm") : List.of());
    }

    /** As above, with {@code options} (compile options such as {@code --row-bands on}) on every run's command line. */
    static String check(TfliteReference ref, String target, boolean everySample, Path work, List<String> options) throws IOException {
        List<TfliteReference.Sample> samples = everySample || checksEverySample(ref) ? ref.samples() : ref.samples().subList(0, 1);
        String notYet = NOT_YET.get(ref.name());
        StringBuilder summary = new StringBuilder(target + " " + ref.name() + ":");
        for (TfliteReference.Sample s : samples) {
            List<String> args = new ArrayList<>(List.of("run", "--model", ref.model().toString(), "--target", target));
            args.addAll(options);
            for (int i = 0; i < ref.inputs().size(); i++) {
                args.addAll(List.of("--input", s.input(i).toString()));
            }
            List<Path> outs = new ArrayList<>();
            for (int i = 0; i < ref.outputs().size(); i++) {
                Path o = work.resolve(s.name() + "_out_" + i + ".bin");
                outs.add(o);
                args.addAll(List.of("--out", o.toString()));
            }
            E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
            if (notYet != null) {
                String line = E2E.assertCleanFailure(r, ref.name() + " (listed as not supported yet)");
                assertTrue(line.contains(notYet), ref.name() + ": expected '" + notYet + "' in: " + line);
                return summary.append(" not supported yet, refused cleanly: ").append(line).toString();
            }
            assertEquals(0, r.exit(), () -> ref.name() + " sample " + s.name() + " on " + target + ": " + r);
            for (int i = 0; i < outs.size(); i++) {
                TfliteReference.Tensor t = ref.outputs().get(i);
                byte[] actual = Files.readAllBytes(outs.get(i));
                byte[] expected = s.golden().isPresent() ? golden(ref, s, t) : s.outputBytes(i);
                assertEquals(t.byteSize(), actual.length, ref.name() + ": output " + i + " size");
                summary.append(' ').append(s.name()).append(": ").append(compare(ref, t, expected, actual, s.name() + " output " + i));
            }
            s.expectedClass().ifPresent(cls -> {
                String got = className(ref, readAll(outs.get(0)));
                assertEquals(cls, got, ref.name() + " sample " + s.name() + " on " + target + ": class");
            });
            s.number("sin_x").ifPresent(sin -> {
                // The int8 model itself misses sin(x) by more than 0.05 at two points (LiteRT's reference output
                // does: litert_abs_error 0.086 at x=4.71, 0.051 at x=5.65), so there bit-exactness with LiteRT,
                // asserted above, is the check; everywhere else the 0.05 bound holds as well.
                double y = value(ref.outputs().get(0), readAll(outs.get(0)), 0);
                if (s.number("litert_abs_error").orElse(0.0) <= 0.05) {
                    assertTrue(Math.abs(y - sin) <= 0.05, ref.name() + " x=" + s.number("x").orElse(null) + ": " + y + " vs sin " + sin);
                }
            });
        }
        return summary.toString();
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The real value of element {@code i}: dequantized when the tensor is quantized. */
    private static double value(TfliteReference.Tensor t, byte[] raw, int i) {
        double q = TfliteReference.element(raw, t.dtype(), i);
        return t.quantized() ? t.scale() * (q - t.zeroPoint()) : q;
    }

    /** Integers byte for byte; floats within the stated tolerance. */
    private static String compare(TfliteReference ref, TfliteReference.Tensor t, byte[] expected, byte[] actual, String what) {
        int n = (int) t.elements();
        if (t.dtype() != TfliteReference.DType.FLOAT32) {
            int differing = 0;
            int first = -1;
            for (int i = 0; i < n; i++) {
                if (TfliteReference.element(expected, t.dtype(), i) != TfliteReference.element(actual, t.dtype(), i)) {
                    differing++;
                    first = first < 0 ? i : first;
                }
            }
            int at = first;
            int count = differing;
            assertEquals(0, differing, () -> ref.name() + " " + what + ": " + count + " of " + n + " elements differ, first at " + at
                    + " (expected " + TfliteReference.element(expected, t.dtype(), at) + ", got "
                    + TfliteReference.element(actual, t.dtype(), at) + ")");
            return "bit-exact (" + n + ")";
        }
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < n; i++) {
            double e = TfliteReference.element(expected, t.dtype(), i);
            maxRef = Math.max(maxRef, Math.abs(e));
            maxErr = Math.max(maxErr, Math.abs(e - TfliteReference.element(actual, t.dtype(), i)));
        }
        double bound = 1e-5 * Math.max(1, maxRef);
        double err = maxErr;
        assertTrue(maxErr <= bound, () -> ref.name() + " " + what + ": max error " + err + " > " + bound);
        return "max error " + maxErr;
    }

    /** TFLM's golden for a sample: comma/whitespace-separated integers of the output's dtype (seanet, network_tester). */
    private static byte[] golden(TfliteReference ref, TfliteReference.Sample s, TfliteReference.Tensor t) throws IOException {
        Path file = E2E.sharedDir().resolve("models").resolve(s.golden().orElseThrow());
        E2E.requireSharedFile(file);
        if (!file.toString().endsWith(".csv")) {
            return Files.readAllBytes(file);
        }
        long[] values = Arrays.stream(Files.readString(file).split("[,\\s]+")).filter(v -> !v.isEmpty()).mapToLong(Long::parseLong).toArray();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) t.byteSize()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(t.elements(), values.length, ref.name() + ": golden " + file + " element count");
        for (long v : values) {
            switch (t.dtype()) {
                case INT8, UINT8 -> b.put((byte) v);
                case INT16 -> b.putShort((short) v);
                case INT32 -> b.putInt((int) v);
                case INT64 -> b.putLong(v);
                default -> throw new IllegalStateException("float golden " + file);
            }
        }
        return b.array();
    }

    /** The class name with the highest score: person_detect (no_person, person) and micro_speech's four labels. */
    private static String className(TfliteReference ref, byte[] raw) {
        List<String> labels = ref.name().startsWith("person_detect") ? List.of("no_person", "person")
                : List.of("silence", "unknown", "yes", "no");
        TfliteReference.Tensor t = ref.outputs().get(0);
        int best = 0;
        for (int i = 1; i < t.elements(); i++) {
            if (TfliteReference.element(raw, t.dtype(), i) > TfliteReference.element(raw, t.dtype(), best)) {
                best = i;
            }
        }
        return labels.get(best);
    }
}
