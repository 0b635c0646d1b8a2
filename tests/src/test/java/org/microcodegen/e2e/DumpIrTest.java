package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --dump-ir DIR}: one readable, deterministic text file per pipeline step. */
class DumpIrTest {
    private static final List<String> STEPS = List.of("00-load.txt", "01-validate-graph.txt", "02-dead-code-elimination.txt",
            "03-supported-ops.txt", "04-shape-inference.txt", "05-fold-batch-norm.txt", "06-pretranspose-matmul-weights.txt",
            "07-fuse-epilogues.txt");

    @TempDir
    Path tmp;

    private Path dump(String fixture, String dir) {
        E2E.compile(E2E.fixture(fixture).model(), tmp.resolve(dir + "-out"), "--dump-ir", tmp.resolve(dir).toString());
        return tmp.resolve(dir);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> nodeLines(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.subList(lines.indexOf("nodes:") + 1, lines.indexOf("outputs:"));
    }

    @Test
    void oneFilePerStepInPipelineOrderSameBytesEveryRun() throws IOException {
        Path a = dump("lenet", "a");
        Path b = dump("lenet", "b");
        assertEquals(STEPS, names(a));
        for (String f : STEPS) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f + " differs between two runs");
            List<String> lines = Files.readAllLines(a.resolve(f));
            int declared = Integer.parseInt(lines.get(0).replaceAll(".*: (\\d+) nodes$", "$1"));
            assertEquals(declared, nodeLines(a.resolve(f)).size(), f + ": one line per node");
        }
    }

    @Test
    void fusingEpiloguesShowsInItsDump() throws IOException {
        Path d = dump("lenet", "d");
        List<String> before = nodeLines(d.resolve("06-pretranspose-matmul-weights.txt"));
        List<String> after = nodeLines(d.resolve("07-fuse-epilogues.txt"));
        assertEquals(4, before.stream().filter(l -> l.contains(" = ReLU(")).count(), String.join("\n", before));
        assertEquals(0, after.stream().filter(l -> l.contains(" = ReLU(")).count(), String.join("\n", after));
        List<String> convs = after.stream().filter(l -> l.contains(" = Conv2D(")).toList();
        assertEquals(2, convs.size());
        for (String conv : convs) {
            assertTrue(conv.contains("fused_activation=\"ReLU\""), conv);
            assertTrue(conv.matches(".*: float32\\[1,\\d+,\\d+,\\d+\\] = Conv2D\\(.*"), "output type shown: " + conv);
        }
        String loaded = Files.readString(d.resolve("00-load.txt"));
        assertTrue(loaded.contains(": ? = Conv2D("), "before shape inference intermediate types are unknown: " + loaded);
    }

    @Test
    void foldingBatchNormShowsInItsDump() throws IOException {
        Path d = dump("mobilenetv2", "m");
        long bnBefore = nodeLines(d.resolve("04-shape-inference.txt")).stream().filter(l -> l.contains(" = BatchNorm(")).count();
        assertTrue(bnBefore > 0, "MobileNetV2 exports BatchNorm nodes");
        assertEquals(0, nodeLines(d.resolve("05-fold-batch-norm.txt")).stream().filter(l -> l.contains(" = BatchNorm(")).count());
    }

    @Test
    void constantsAreSummarisedWithoutTheirData() throws IOException {
        Path d = dump("lenet", "c");
        String text = Files.readString(d.resolve("07-fuse-epilogues.txt"));
        String constants = text.substring(text.indexOf("constants:\n"), text.indexOf("nodes:\n"));
        assertTrue(constants.contains(": float32[6,1,5,5], 600 bytes"), constants);
        assertTrue(Files.size(d.resolve("07-fuse-epilogues.txt")) < 10_000, "a dump holds no weight data");
    }

    @Test
    void aNewRunReplacesEarlierDumpsAndNothingElse() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("r"));
        Files.writeString(d.resolve("09-some-old-pass.txt"), "stale");
        Files.writeString(d.resolve("notes.md"), "mine");
        dump("lenet", "r");
        assertFalse(Files.exists(d.resolve("09-some-old-pass.txt")), "a dump from an earlier run survived");
        assertTrue(Files.exists(d.resolve("notes.md")), "a file that is not a dump was removed");
    }

    @Test
    void aFailingPassLeavesTheDumpsOfTheStepsBeforeIt() throws IOException {
        Path model = E2E.sharedDir().resolve("models/mindir/lstm_dense_ms161.mindir");
        E2E.requireSharedFile(model);
        Path d = tmp.resolve("f");
        Path out = tmp.resolve("f-out");
        String line = E2E.assertCleanFailure(E2E.cli("--model", model.toString(), "--output", out.toString(), "--dump-ir", d.toString()), "LSTM");
        assertTrue(line.contains("unsupported op LSTM"), line);
        assertEquals(STEPS.subList(0, 3), names(d), "the last dump is the graph the failing pass was given");
        assertTrue(Files.readString(d.resolve("02-dead-code-elimination.txt")).contains(" = LSTM("));
        assertFalse(Files.exists(out));
    }

    @Test
    void runDumpsToo() throws IOException {
        E2E.requireCc();
        E2E.Fixture lenet = E2E.fixture("lenet");
        Path d = tmp.resolve("run");
        E2E.CliResult r = E2E.cli("run", "--model", lenet.model().toString(), "--input", lenet.inputs().get(0).toString(),
                "--out", tmp.resolve("y.bin").toString(), "--dump-ir", d.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(STEPS, names(d));
    }
}
