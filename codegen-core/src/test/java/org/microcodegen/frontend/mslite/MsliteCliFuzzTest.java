package org.microcodegen.frontend.mslite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.cli.Main;
import org.microcodegen.frontend.tflite.TfliteFuzzTest;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole compiler on 2,000 mutated .ms models (fixed seed; the mutations of {@link TfliteFuzzTest}):
 * every compile for the host exits 0 or 2, prints at most one line on stderr starting "micro-codegen: ",
 * no stack trace or exception name, writes nothing when it fails and a folder when it succeeds, within
 * 10 s. Enabled by -Dmicrocodegen.fuzz=true like the MindIR fuzz suite (tools/test sets it);
 * -Dmicrocodegen.fuzz.ms.cli.cases=N runs more.
 */
class MsliteCliFuzzTest {
    static final long SEED = 29;
    static final int CASES = 2_000;

    @TempDir
    Path tmp;

    @Test
    @EnabledIfSystemProperty(named = "microcodegen.fuzz", matches = "true")
    void twoThousandMutatedModelsCompileOrFailInOneLine() throws Exception {
        int cases = Integer.getInteger("microcodegen.fuzz.ms.cli.cases", CASES);
        List<String> names = List.of(SharedMsModels.LENET, SharedMsModels.PARALLEL, SharedMsModels.TRAINING);
        List<byte[]> seeds = new ArrayList<>();
        for (String n : names) {
            seeds.add(SharedMsModels.bytes(n));
        }
        Random master = new Random(Long.getLong("microcodegen.fuzz.seed", SEED));
        Map<Integer, Integer> exits = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ms-cli-fuzz");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        try {
            for (int i = 0; i < cases && failures.size() < 10; i++) {
                TfliteFuzzTest.Mutant c = TfliteFuzzTest.mutant(master, i, seeds, names);
                byte[] mutant = c.bytes();
                String what = c.what();
                Path model = Files.write(tmp.resolve("m" + i + ".ms"), mutant);
                Path out = tmp.resolve("out" + i);
                StringWriter err = new StringWriter();
                StringWriter std = new StringWriter();
                Future<Integer> run = one.submit(() -> {
                    try (PrintWriter o = new PrintWriter(std, true); PrintWriter e = new PrintWriter(err, true)) {
                        return Main.execute(o, e, "--model", model.toString(), "--target", "host", "--output", out.toString());
                    }
                });
                int exit = run.get(10, TimeUnit.SECONDS);
                exits.merge(exit, 1, Integer::sum);
                List<String> problems = problems(exit, std.toString(), err.toString(), Files.exists(out));
                if (!problems.isEmpty()) {
                    failures.add(what + ": " + problems);
                }
                delete(out);
                Files.delete(model);
            }
        } finally {
            one.shutdownNow();
        }
        System.out.printf(".ms CLI fuzz: %d cases in %d ms, exits %s%n", cases, (System.nanoTime() - start) / 1_000_000, exits);
        assertEquals(List.of(), failures);
        assertTrue(exits.getOrDefault(0, 0) > 0 && exits.getOrDefault(2, 0) > 0, "expected both outcomes: " + exits);
    }

    private static List<String> problems(int exit, String out, String err, boolean written) {
        List<String> p = new ArrayList<>();
        List<String> lines = err.lines().filter(l -> !l.isEmpty()).toList();
        if (exit != 0 && exit != 2) {
            p.add("exit " + exit + ": " + err);
        }
        if (exit == 2 && (lines.size() != 1 || !lines.get(0).startsWith("micro-codegen: "))) {
            p.add("not one 'micro-codegen: ' line: " + err);
        }
        if ((out + err).contains("\tat ") || (out + err).contains("Exception")) {
            p.add("stack trace or exception name: " + err);
        }
        if (exit != 0 && written) {
            p.add("output left behind after exit " + exit);
        }
        if (exit == 0 && !written) {
            p.add("exit 0 without output");
        }
        return p;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
