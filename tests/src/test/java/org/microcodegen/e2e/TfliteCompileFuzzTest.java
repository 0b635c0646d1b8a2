package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole compiler (reader, translation to canonical ops, passes, lowering, emitting) on 2,000 mutated TFLite
 * files with a fixed seed: every case either compiles or ends with exit 2 and one clean line, nothing written
 * (the contract {@link MindIrFuzzer#problems} checks), within a time limit (no hang). The seeds are our own
 * single-op fixtures and the small shared models; the mutations are byte-level, aimed at FlatBuffers' structure:
 * random bytes, hostile 32-bit values (offsets, lengths, counts) at 4-byte aligned positions, truncations and
 * splices of two files. The reader alone is fuzzed in codegen-core (TfliteFuzzTest); this covers everything after it.
 */
class TfliteCompileFuzzTest {
    static final long SEED = 10_2026;
    static final int CASES = 2_000;
    static final long CASE_LIMIT_MS = 10_000;
    private static final int[] HOSTILE = {0, 1, -1, 0x7fffffff, 0x80000000, 0xffff, 0x10000, 4, 8, -4, 0x40000000, 65_536 * 64};

    @TempDir
    Path tmp;

    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (TfliteReference r : TfliteReference.ownOps()) {
            seeds.add(Files.readAllBytes(r.model()));
        }
        for (String shared : List.of("tflite/hello_world/hello_world_int8.tflite", "tflite/hello_world/hello_world_float.tflite",
                "tflite/micro_speech/micro_speech_quantized.tflite", "tflite/network_tester/network_tester_model.tflite")) {
            Path p = E2E.sharedDir().resolve("models").resolve(shared);
            if (Files.isRegularFile(p)) {
                seeds.add(Files.readAllBytes(p));
            }
        }
        return seeds;
    }

    static byte[] mutate(byte[] seed, List<byte[]> all, Random rnd, List<String> done) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n && b.length > 8; k++) {
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    int at = rnd.nextInt(b.length);
                    b[at] = (byte) rnd.nextInt(256);
                    done.add("byte " + at);
                }
                case 1 -> {
                    int at = (rnd.nextInt(b.length - 4) / 4) * 4;
                    int v = HOSTILE[rnd.nextInt(HOSTILE.length)];
                    b[at] = (byte) v;
                    b[at + 1] = (byte) (v >> 8);
                    b[at + 2] = (byte) (v >> 16);
                    b[at + 3] = (byte) (v >> 24);
                    done.add("int32 " + v + " at " + at);
                }
                case 2 -> {
                    int len = 8 + rnd.nextInt(b.length - 8);
                    b = java.util.Arrays.copyOf(b, len);
                    done.add("truncated to " + len);
                }
                default -> {
                    byte[] other = all.get(rnd.nextInt(all.size()));
                    int at = rnd.nextInt(b.length);
                    int from = rnd.nextInt(other.length);
                    int len = Math.min(Math.min(b.length - at, other.length - from), 1 + rnd.nextInt(64));
                    System.arraycopy(other, from, b, at, len);
                    done.add("splice " + len + " bytes at " + at);
                }
            }
        }
        return b;
    }

    @Test
    @EnabledIfSystemProperty(named = "microcodegen.fuzz", matches = "true")
    void twoThousandMutatedTfliteFilesCompileOrFailCleanly() throws Exception {
        List<byte[]> seeds = seeds();
        assertTrue(seeds.size() > 50, "too few seeds: " + seeds.size());
        ExecutorService cli = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tflite-fuzz");
            t.setDaemon(true);
            return t;
        });
        Map<Integer, Integer> exits = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long slowest = 0;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < CASES; i++) {
                Random rnd = new Random(MindIrFuzzer.caseSeed(SEED, i));
                List<String> done = new ArrayList<>();
                byte[] model = mutate(seeds.get(rnd.nextInt(seeds.size())), seeds, rnd, done);
                Path dir = Files.createDirectories(tmp.resolve("case-" + i));
                Path file = Files.write(dir.resolve("model.tflite"), model);
                Path out = dir.resolve("out");
                long t0 = System.nanoTime();
                Future<E2E.CliResult> f = cli.submit(() -> E2E.cli("--model", file.toString(), "--target", "host", "--output", out.toString()));
                E2E.CliResult r;
                try {
                    r = f.get(CASE_LIMIT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    failures.add("case " + i + " (" + String.join("; ", done) + "): no answer within " + CASE_LIMIT_MS + " ms");
                    break;
                }
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
                exits.merge(r.exit(), 1, Integer::sum);
                for (String p : MindIrFuzzer.problems(r, Files.exists(out, LinkOption.NOFOLLOW_LINKS), false)) {
                    failures.add("case " + i + " (" + String.join("; ", done) + "): " + p);
                }
                MindIrFuzzer.deleteTree(dir);
            }
        } finally {
            cli.shutdownNow();
        }
        System.out.printf("tflite compile fuzz: %d cases, exits %s, slowest %d ms, %d s in all%n", CASES, exits, slowest,
                (System.nanoTime() - start) / 1_000_000_000);
        assertEquals(List.of(), failures);
        assertEquals(CASES, exits.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void mutationsAreDeterministic() throws IOException {
        List<byte[]> seeds = seeds();
        for (int i = 0; i < 20; i++) {
            Random a = new Random(MindIrFuzzer.caseSeed(SEED, i));
            Random b = new Random(MindIrFuzzer.caseSeed(SEED, i));
            byte[] x = mutate(seeds.get(a.nextInt(seeds.size())), seeds, a, new ArrayList<>());
            byte[] y = mutate(seeds.get(b.nextInt(seeds.size())), seeds, b, new ArrayList<>());
            assertTrue(java.util.Arrays.equals(x, y), "case " + i);
        }
    }
}
