package org.microcodegen.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Properties every plan must have, on thousands of seeded random problems; a failure message
 * names the seed. Also prints how close the planners get to the lower bound, for the record.
 */
class PlannerPropertyTest {

    private static final int CASES = 3000;

    private final MemoryPlanner greedy = new GreedyBySizePlanner();
    private final MemoryPlanner bestOf = BestOfPlanner.standard();

    @Test
    void uniformLifetimes() {
        check("uniform", 1_000, RandomSchedules::uniform);
    }

    @Test
    void dagSchedules() {
        check("dag", 2_000, RandomSchedules::dag);
    }

    @Test
    void chains() {
        check("chain", 3_000, RandomSchedules::randomChain);
    }

    private void check(String kind, long firstSeed, Function<Random, List<BufferRequest>> generator) {
        double greedyRatio = 0;
        double bestOfRatio = 0;
        int greedyAtBound = 0;
        int bestOfAtBound = 0;
        for (long seed = firstSeed; seed < firstSeed + CASES; seed++) {
            Random rnd = new Random(seed);
            List<BufferRequest> requests = generator.apply(rnd);
            int alignment = RandomSchedules.alignment(rnd);
            Supplier<String> context = describe(kind, seed, requests, alignment);

            MemoryPlan g = checkPlan(greedy, requests, alignment, rnd, context);
            MemoryPlan b = checkPlan(bestOf, requests, alignment, rnd, context);
            assertTrue(b.arenaSize() <= g.arenaSize(), context);
            greedyRatio += (double) g.arenaSize() / g.lowerBound();
            bestOfRatio += (double) b.arenaSize() / b.lowerBound();
            greedyAtBound += g.arenaSize() == g.lowerBound() ? 1 : 0;
            bestOfAtBound += b.arenaSize() == b.lowerBound() ? 1 : 0;
        }
        System.out.printf("plan/%s: %d cases, mean arena/lowerBound greedy-by-size %.4f (%.1f%% at bound),"
                + " best-of %.4f (%.1f%% at bound)%n", kind, CASES, greedyRatio / CASES, 100.0 * greedyAtBound / CASES,
                bestOfRatio / CASES, 100.0 * bestOfAtBound / CASES);
    }

    private static MemoryPlan checkPlan(MemoryPlanner planner, List<BufferRequest> requests, int alignment,
            Random rnd, Supplier<String> context) {
        MemoryPlan plan = planner.plan(requests, alignment);
        MemoryPlans.verify(requests, plan); // no overlap, aligned, inside the arena, tight arena
        assertEquals(alignment, plan.alignment(), context);
        assertEquals(requests.stream().map(BufferRequest::name).toList(), List.copyOf(plan.offsets().keySet()), context);
        assertEquals(LowerBound.of(requests, alignment), plan.lowerBound(), context);
        assertTrue(plan.arenaSize() >= plan.lowerBound(), context);
        long largest = requests.stream().mapToLong(BufferRequest::size).max().orElse(0);
        assertTrue(plan.arenaSize() >= Align.up(largest, alignment), context);

        assertEquals(plan, planner.plan(requests, alignment), context); // deterministic
        List<BufferRequest> shuffled = new ArrayList<>(requests);
        Collections.shuffle(shuffled, rnd);
        assertEquals(plan.offsets(), planner.plan(shuffled, alignment).offsets(), context); // order-blind
        return plan;
    }

    /** The verifier must reject a real plan with one buffer moved onto a live neighbour. */
    @Test
    void verifyCatchesCorruptedPlans() {
        int corrupted = 0;
        for (long seed = 4_000; seed < 4_000 + CASES; seed++) {
            Random rnd = new Random(seed);
            List<BufferRequest> requests = RandomSchedules.dag(rnd);
            int alignment = RandomSchedules.alignment(rnd);
            MemoryPlan plan = greedy.plan(requests, alignment);
            BufferRequest victim = requests.get(rnd.nextInt(requests.size()));
            List<BufferRequest> neighbours = requests.stream().filter(r -> r != victim && r.livesWith(victim)).toList();
            if (neighbours.isEmpty()) {
                continue;
            }
            BufferRequest neighbour = neighbours.get(rnd.nextInt(neighbours.size()));
            Map<String, Long> offsets = new LinkedHashMap<>(plan.offsets());
            offsets.put(victim.name(), plan.offsetOf(neighbour.name()));
            MemoryPlan bad = new MemoryPlan(offsets, plan.arenaSize(), plan.lowerBound(), alignment);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MemoryPlans.verify(requests, bad),
                    describe("dag", seed, requests, alignment));
            assertTrue(e.getMessage().contains("'" + victim.name() + "'"), e::getMessage);
            corrupted++;
        }
        assertTrue(corrupted > CASES / 2, "too few corruptible cases: " + corrupted);
    }

    /**
     * On problems small enough for exhaustive search: optimum >= lower bound, every planner >=
     * optimum. Measures how far each is from the true optimum rather than from the bound.
     */
    @Test
    void tinyProblemsAgainstTheOptimum() {
        int cases = 1_000;
        int optimumAboveBound = 0;
        int greedyOptimal = 0;
        int bestOfOptimal = 0;
        double greedyRatio = 0;
        for (long seed = 8_000; seed < 8_000 + cases; seed++) {
            Random rnd = new Random(seed);
            List<BufferRequest> requests = new ArrayList<>();
            int n = 2 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                int first = rnd.nextInt(6);
                requests.add(new BufferRequest("b" + i, 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 100), first,
                        first + rnd.nextInt(4)));
            }
            int alignment = rnd.nextBoolean() ? 1 : 4;
            Supplier<String> context = describe("tiny", seed, requests, alignment);

            MemoryPlan optimum = Exhaustive.optimal(requests, alignment);
            MemoryPlans.verify(requests, optimum);
            long g = greedy.plan(requests, alignment).arenaSize();
            long b = bestOf.plan(requests, alignment).arenaSize();
            assertTrue(optimum.arenaSize() >= optimum.lowerBound(), context);
            assertTrue(g >= optimum.arenaSize() && b >= optimum.arenaSize(), context);
            optimumAboveBound += optimum.arenaSize() > optimum.lowerBound() ? 1 : 0;
            greedyOptimal += g == optimum.arenaSize() ? 1 : 0;
            bestOfOptimal += b == optimum.arenaSize() ? 1 : 0;
            greedyRatio += (double) g / optimum.arenaSize();
        }
        System.out.printf("plan/tiny: %d cases, optimum above lower bound in %d; optimal: greedy-by-size %d"
                + " (mean arena/optimum %.4f), best-of %d%n", cases, optimumAboveBound, greedyOptimal,
                greedyRatio / cases, bestOfOptimal);
    }

    private static Supplier<String> describe(String kind, long seed, List<BufferRequest> requests, int alignment) {
        return () -> kind + " case, seed " + seed + ", alignment " + alignment + ": " + requests;
    }
}
