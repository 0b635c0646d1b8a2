package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What `run` shows: the top-5 of a vector output, and `--expect` against MindSpore's reference output
 * of the LeNet fixture (PASS/FAIL with the largest error and where, exit 0/1; a bad reference exit 2).
 */
class RunOutputTest {
    private static final Pattern TOP = Pattern.compile("output 0 float32\\[1,10\\]: top-5 (.*)");

    @TempDir
    Path tmp;

    private final E2E.Fixture lenet = E2E.fixture("lenet");

    private E2E.CliResult run(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--model", lenet.model().toString(),
                "--input", lenet.inputs().get(0).toString(), "--output", out.toString()));
        args.addAll(List.of(extra));
        return E2E.cli(args.toArray(String[]::new));
    }

    @Test
    void showsTheTopFiveAndPassesAgainstMindSporesOutput() {
        E2E.requireCc();
        Path out = tmp.resolve("out.bin");
        E2E.CliResult r = run(out, "--expect", lenet.references().get(0).toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(Files.isRegularFile(out), "--output is an alias of --out");
        // the five best classes by MindSpore's own scores, in order
        float[] ref = E2E.readFloats(lenet.references().get(0));
        List<Integer> expected = IntStream.range(0, ref.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> ref[i]).reversed()).limit(5).toList();
        Matcher m = TOP.matcher(r.out());
        assertTrue(m.find(), r::toString);
        List<Integer> shown = new ArrayList<>();
        for (String part : m.group(1).split(", ")) {
            String[] iv = part.split(": ");
            shown.add(Integer.parseInt(iv[0]));
            int i = shown.get(shown.size() - 1);
            assertEquals(ref[i], Float.parseFloat(iv[1]), 1e-4 * 5, "value of class " + i + ": " + r.out());
        }
        assertEquals(expected, shown, r.out());
        assertTrue(r.out().contains("PASS: outputs against --expect"), r.out());
        assertTrue(r.out().matches("(?s).*output 0: PASS, largest absolute error \\S+ at \\[0,\\d\\] .*"), r.out());
    }

    @Test
    void aReferenceOffByTenTolerancesFailsAndSaysWhere() {
        E2E.requireCc();
        float[] ref = E2E.readFloats(lenet.references().get(0));
        double scale = 1;
        for (float v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        float[] off = ref.clone();
        off[7] += (float) (10 * 1e-4 * scale);
        Path bad = tmp.resolve("off.bin");
        E2E.writeFloats(bad, off);
        E2E.CliResult r = run(tmp.resolve("out.bin"), "--expect", bad.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("FAIL: outputs against --expect"), r.out());
        assertTrue(r.out().contains("output 0: FAIL, largest absolute error") && r.out().contains("at [0,7] (index 7:"), r.out());

        // an explicit absolute tolerance above the error passes it; one below fails
        E2E.CliResult loose = run(tmp.resolve("out2.bin"), "--expect", bad.toString(), "--tolerance", String.valueOf(20 * 1e-4 * scale));
        assertEquals(0, loose.exit(), loose::toString);
        E2E.CliResult tight = run(tmp.resolve("out3.bin"), "--expect", lenet.references().get(0).toString(), "--tolerance", "0");
        // our host build and MindSpore's CPU kernels sum in different orders: bit equality is not expected
        assertEquals(1, tight.exit(), tight::toString);
    }

    @Test
    void aBadReferenceIsOneLineExitTwoAndNothingWritten() throws Exception {
        Path out = tmp.resolve("out.bin");
        Path wrongSize = tmp.resolve("short.bin");
        Files.write(wrongSize, new byte[39]);
        for (List<String> extra : List.of(
                List.of("--expect", wrongSize.toString()),
                List.of("--expect", tmp.resolve("missing.bin").toString()),
                List.of("--expect", lenet.references().get(0).toString(), "--expect", lenet.references().get(0).toString()),
                List.of("--expect", lenet.references().get(0).toString(), "--tolerance", "-1"),
                List.of("--tolerance", "0.1"))) {
            E2E.CliResult r = run(out, extra.toArray(String[]::new));
            E2E.assertCleanFailure(r, String.join(" ", extra));
            assertFalse(Files.exists(out), "nothing written after " + extra);
        }
        E2E.CliResult r = run(out, "--expect", wrongSize.toString());
        assertTrue(r.err().contains("39 bytes") && r.err().contains("float32[1,10] (40 bytes, raw little-endian)"), r.err());
    }
}
