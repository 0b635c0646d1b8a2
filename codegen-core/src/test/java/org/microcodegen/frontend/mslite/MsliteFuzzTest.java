package org.microcodegen.frontend.mslite;

import org.junit.jupiter.api.Test;
import org.microcodegen.frontend.tflite.TfliteFuzzTest;
import org.microcodegen.ir.CompileException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated shared .ms models, fixed seed: reading and translating to a graph must accept a file or refuse
 * it with one CompileException of one line, never another Throwable, and quickly. The same mutations as
 * the TFLite fuzz test (random bytes, hostile 32-bit values, truncations, splices). It takes a few
 * seconds, so the 2,000 cases run with the unit tests; -Dmicrocodegen.fuzz.ms.cases=N runs more, and
 * -Dmicrocodegen.fuzz.seed=S another seed. The whole compiler on mutated .ms files: tests/.../MsliteCliFuzzTest.
 */
class MsliteFuzzTest {
    static final long SEED = 13;
    static final int CASES = 2_000;
    static final long CASE_LIMIT_NANOS = 2_000_000_000L;

    @Test
    void twoThousandMutatedModelsAreReadOrRefusedCleanly() {
        int cases = Integer.getInteger("microcodegen.fuzz.ms.cases", CASES);
        long seed = Long.getLong("microcodegen.fuzz.seed", SEED);
        List<String> names = List.of(SharedMsModels.LENET, SharedMsModels.PARALLEL, SharedMsModels.TRAINING);
        List<byte[]> seeds = new ArrayList<>();
        for (String n : names) {
            seeds.add(SharedMsModels.bytes(n));
        }
        assertTimeoutPreemptively(Duration.ofMinutes(2).multipliedBy(Math.max(1, cases / CASES)), () -> {
            Random master = new Random(seed);
            int accepted = 0;
            int graphs = 0;
            long slowest = 0;
            long start = System.nanoTime();
            for (int i = 0; i < cases; i++) {
                TfliteFuzzTest.Mutant c = TfliteFuzzTest.mutant(master, i, seeds, names);
                byte[] mutant = c.bytes();
                String what = c.what();
                long t0 = System.nanoTime();
                try {
                    MsliteModel model = MsliteFile.read(mutant, "fuzz.ms");
                    accepted++;
                    MsliteFrontend.toGraph(model);
                    graphs++;
                } catch (CompileException e) {
                    String msg = e.getMessage();
                    assertTrue(msg.startsWith("fuzz.ms: ") && !msg.contains("\n") && !msg.contains("\r"),
                            what + ": bad message: " + msg);
                } catch (Throwable t) {
                    throw new AssertionError(what + ": not a clean CompileException", t);
                }
                long took = System.nanoTime() - t0;
                slowest = Math.max(slowest, took);
                assertTrue(took < CASE_LIMIT_NANOS, what + " took " + took / 1_000_000 + " ms");
            }
            System.out.printf(".ms fuzz: %d cases (seed %d) in %d ms, %d read, %d translated, slowest %.1f ms%n", cases, seed,
                    (System.nanoTime() - start) / 1_000_000, accepted, graphs, slowest / 1e6);
        });
    }
}
