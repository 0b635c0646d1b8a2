package org.microcodegen.frontend.tflite;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.CompileException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated shared TFLite models, fixed seed: the reader must accept a file or refuse it with one
 * CompileException of one line, never another Throwable, and quickly. Reading alone takes milliseconds,
 * so the 2,000 cases run with the unit tests; -Dmicrocodegen.fuzz.tflite.cases=N runs more, and
 * -Dmicrocodegen.fuzz.seed=S another seed.
 */
public class TfliteFuzzTest {
    static final long SEED = 10;
    static final int CASES = 2_000;
    static final Duration BUDGET = Duration.ofMinutes(2);
    static final long CASE_LIMIT_NANOS = 2_000_000_000L;
    /** Values that make offsets and lengths hostile: zero, sign bits, all ones, near the int limits. */
    private static final int[] INTERESTING = {0, 1, -1, 0x7fffffff, 0x80000000, 0xffff, 0x8000, 4, -4, 0x40000000};
    /** Models up to this size are seeds: the large float ones add time, not coverage. */
    private static final long MAX_SEED_BYTES = 400_000;

    @Test
    void twoThousandMutatedModelsAreReadOrRefusedCleanly() {
        int cases = Integer.getInteger("microcodegen.fuzz.tflite.cases", CASES);
        long seed = Long.getLong("microcodegen.fuzz.seed", SEED);
        List<byte[]> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path p : SharedTfliteModels.all()) {
            byte[] b = SharedTfliteModels.bytes(p);
            if (b.length <= MAX_SEED_BYTES) {
                seeds.add(b);
                names.add(SharedTfliteModels.dir().relativize(p).toString());
            }
        }
        assertTrue(seeds.size() > 10, "too few seed models: " + names);
        assertTimeoutPreemptively(BUDGET.multipliedBy(Math.max(1, cases / CASES)), () -> {
            Random master = new Random(seed);
            int accepted = 0;
            long slowest = 0;
            String slowestCase = "";
            long start = System.nanoTime();
            for (int i = 0; i < cases; i++) {
                Mutant c = mutant(master, i, seeds, names);
                byte[] mutant = c.bytes();
                String what = c.what();
                long t0 = System.nanoTime();
                try {
                    TfliteFile.read(mutant, "fuzz.tflite");
                    accepted++;
                } catch (CompileException e) {
                    String m = e.getMessage();
                    assertTrue(m.startsWith("fuzz.tflite: ") && !m.contains("\n"), what + ": bad message: " + m);
                } catch (Throwable t) {
                    throw new AssertionError(what + ": not a clean CompileException", t);
                }
                long took = System.nanoTime() - t0;
                if (took > slowest) {
                    slowest = took;
                    slowestCase = what;
                }
                assertTrue(took < CASE_LIMIT_NANOS, what + " took " + took / 1_000_000 + " ms");
            }
            System.out.printf("TFLite fuzz: %d cases (seed %d) in %d ms, %d accepted, slowest %.1f ms: %s%n", cases, seed,
                    (System.nanoTime() - start) / 1_000_000, accepted, slowest / 1e6, slowestCase);
        });
    }

    /** A mutated model and how to reproduce it, for failure messages. */
    public record Mutant(byte[] bytes, String what) {
    }

    /** Case {@code index}: a random seed model (of {@code seeds}, named by {@code names}) mutated by {@link #mutate}. */
    public static Mutant mutant(Random master, int index, List<byte[]> seeds, List<String> names) {
        long caseSeed = master.nextLong();
        Random rnd = new Random(caseSeed);
        int s = rnd.nextInt(seeds.size());
        List<String> done = new ArrayList<>();
        byte[] b = mutate(seeds.get(s), seeds.get(rnd.nextInt(seeds.size())), rnd, done);
        return new Mutant(b, "case " + index + " (seed " + caseSeed + ", " + names.get(s) + ": " + String.join("; ", done) + ")");
    }

    /** One to three mutations: random bytes, hostile 32-bit values, truncation, or a splice from another model. */
    public static byte[] mutate(byte[] seed, byte[] other, Random rnd, List<String> done) {
        byte[] b = seed.clone();
        int n = 1 + rnd.nextInt(3);
        for (int m = 0; m < n; m++) {
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    int at = rnd.nextInt(b.length);
                    int len = 1 + rnd.nextInt(Math.min(16, b.length - at));
                    for (int i = 0; i < len; i++) {
                        b[at + i] = (byte) rnd.nextInt(256);
                    }
                    done.add(len + " random bytes at " + at);
                }
                case 1, 2 -> {
                    // Most of a FlatBuffer's structure is 32-bit offsets and lengths near its start.
                    int limit = rnd.nextBoolean() ? Math.min(b.length, 4096) : b.length;
                    int at = rnd.nextInt(Math.max(1, limit / 4)) * 4;
                    if (at + 4 <= b.length) {
                        int v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt(b.length * 2 + 1);
                        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
                        done.add("int " + v + " at " + at);
                    }
                }
                case 3 -> {
                    int len = rnd.nextInt(b.length);
                    b = Arrays.copyOf(b, len);
                    done.add("truncated to " + len);
                    if (len == 0) {
                        return b;
                    }
                }
                default -> {
                    int from = rnd.nextInt(other.length);
                    int at = rnd.nextInt(b.length);
                    int len = Math.min(1 + rnd.nextInt(256), Math.min(other.length - from, b.length - at));
                    System.arraycopy(other, from, b, at, len);
                    done.add(len + " bytes spliced from " + from + " to " + at);
                }
            }
        }
        return b;
    }
}
