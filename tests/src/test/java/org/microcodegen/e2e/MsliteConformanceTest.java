package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MindSpore Lite models of ../shared/models/ms compiled and run on the host, the JVM and the Cortex-M4
 * under QEMU, against MindSpore's outputs for the same weights and inputs (tests/fixtures/ms/<model>/, made by
 * tools/mslite_reference.py, which rebuilds each network in MindSpore from the .ms tensors).
 *
 * <p>Tolerance: max |ours - MindSpore| <= 1e-5 x max |reference|, per output. Relative to the output's own
 * scale, without the usual floor of 1: lenet_tod_infer.ms is an untrained network whose outputs are about
 * 2.4e-4 (mostly its last bias), so an absolute bound near 1e-4 would accept anything. The input-dependent
 * part of its outputs is about 1e-5 (the two batch items differ by that much, checked below), so a wrong
 * weight, index or padding shows as an error far above the bound; float32 sums in another order than
 * MindSpore's (oneDNN) differ by ~1e-7 relative (measured: 1.2e-7 on lenet, 1.7e-7 on parallel), and
 * MindSpore's own float32 result differs from a float64 evaluation by 1.5e-7 relative.
 */
class MsliteConformanceTest {
    static final double REL_TOL = 1e-5;
    private static final List<String> MODELS = List.of("lenet_tod_infer", "parallel");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> hostMatchesMindSpore() {
        return tests("host", E2E::requireCc);
    }

    @TestFactory
    Stream<DynamicTest> jvmMatchesMindSpore() {
        return tests("java", () -> { });
    }

    @TestFactory
    Stream<DynamicTest> cortexM4MatchesMindSpore() {
        return tests("cortex-m4", E2E::requireCortexMTools);
    }

    @Test
    void theTrainingGraphIsRefusedInOneLine() {
        Path model = E2E.sharedDir().resolve("models/ms/conv_train_model.ms");
        E2E.requireSharedFile(model);
        Path out = tmp.resolve("train");
        String line = E2E.assertCleanFailure(E2E.cli("--model", model.toString(), "--output", out.toString()), "conv_train_model.ms");
        assertTrue(line.startsWith("micro-codegen: " + model + ": a training graph (backward op "), line);
        assertTrue(line.contains("(FlattenGrad)") && line.contains("only inference graphs are compiled"), line);
        assertFalse(Files.exists(out), "output written for a refused model");
    }

    private Stream<DynamicTest> tests(String target, Runnable requireTools) {
        return MODELS.stream().map(name -> DynamicTest.dynamicTest(target + " " + name, () -> {
            E2E.Fixture f = fixture(name);
            f.requireModel();
            requireTools.run();
            System.out.println(run(f, target, Files.createDirectories(tmp.resolve(target + "_" + name))));
        }));
    }

    /** A fixture from tests/fixtures/ms/<name>/manifest.json (model path relative to ../shared/models). */
    @SuppressWarnings("unchecked")
    static E2E.Fixture fixture(String name) {
        Path dir = E2E.fixturesDir().resolve("ms").resolve(name);
        Map<String, Object> json;
        try {
            json = (Map<String, Object>) E2E.Json.parse(Files.readString(dir.resolve("manifest.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals("../shared/models", json.get("model_relative_to"));
        Path model = E2E.sharedDir().resolve("models").resolve((String) json.get("model")).normalize();
        return new E2E.Fixture("ms/" + name, dir, model, true, shapes(json.get("inputs")), shapes(json.get("outputs")));
    }

    @SuppressWarnings("unchecked")
    private static List<List<Integer>> shapes(Object tensors) {
        List<List<Integer>> out = new ArrayList<>();
        for (Object t : (List<Object>) tensors) {
            Map<String, Object> m = (Map<String, Object>) t;
            assertEquals("float32", m.get("dtype"));
            out.add(((List<Object>) m.get("shape")).stream().map(d -> ((Number) d).intValue()).toList());
        }
        return out;
    }

    private static String run(E2E.Fixture f, String target, Path work) {
        List<String> args = new ArrayList<>(List.of("run", "--model", f.model().toString(), "--target", target));
        for (Path in : f.inputs()) {
            args.addAll(List.of("--input", in.toString()));
        }
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < f.outputShapes().size(); i++) {
            outs.add(work.resolve("out_" + i + ".bin"));
            args.addAll(List.of("--out", outs.get(i).toString()));
        }
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> f.name() + " on " + target + ": " + r);
        StringBuilder summary = new StringBuilder(target + " " + f.name() + ":");
        for (int i = 0; i < outs.size(); i++) {
            float[] ref = E2E.readFloats(f.references().get(i));
            float[] actual = E2E.readFloats(outs.get(i));
            List<Integer> shape = f.outputShapes().get(i);
            assertEquals(E2E.elements(shape), ref.length, f.name() + ": reference output " + i + " does not match its shape");
            assertEquals(ref.length, actual.length, f.name() + ": output " + i + " length");
            double maxRef = 0;
            double maxErr = 0;
            for (int k = 0; k < ref.length; k++) {
                assertTrue(Float.isFinite(actual[k]), f.name() + " output " + i + "[" + k + "] = " + actual[k]);
                maxRef = Math.max(maxRef, Math.abs(ref[k]));
                maxErr = Math.max(maxErr, Math.abs((double) actual[k] - ref[k]));
            }
            double bound = REL_TOL * maxRef;
            assertTrue(maxRef > 0, f.name() + ": reference output " + i + " is all zeros");
            requireInputSensitivity(f.name() + " output " + i, ref, shape, bound);
            String failure = f.name() + " on " + target + " output " + i + ": max error " + maxErr + " > " + bound;
            assertTrue(maxErr <= bound, failure);
            summary.append(String.format(" output %d max error %.3g (bound %.3g, max |ref| %.3g)", i, maxErr, bound, maxRef));
        }
        return summary.toString();
    }

    /**
     * With a batch of more than one, the batch items' references must differ by far more than the bound:
     * the part of the output that depends on the input is then resolved, so the test can fail on a bug
     * that only changes that part.
     */
    private static void requireInputSensitivity(String what, float[] ref, List<Integer> shape, double bound) {
        int batch = shape.get(0);
        if (batch < 2) {
            return;
        }
        int per = ref.length / batch;
        double diff = 0;
        for (int k = 0; k < per; k++) {
            diff = Math.max(diff, Math.abs(ref[k] - ref[per + k]));
        }
        assertTrue(diff > 100 * bound, what + ": batch items differ by " + diff + ", not far above the bound " + bound);
    }
}
