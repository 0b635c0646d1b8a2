package org.microcodegen.lower;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Balanced mode over a model counts each kernel's code once: on the Cortex-M4 figures the SIMD dense kernel adds
 * 404 B over the reference (916 B against 512 B) and saves 4.68 instructions per MAC, so taken alone it pays from
 * about 864 MACs.
 */
class ModelWideChoiceTest {
    private static final KernelCosts COSTS = KernelCosts.of("cortex-m4");
    private static final Kernel SIMD = Kernel.of("mc_conv_simd", "mc_fully_connected_s8_simd");
    private static final Kernel REFERENCE = Kernel.of("mc_fully_connected", "mc_fully_connected_s8");
    private static final List<Kernel> DENSE = List.of(SIMD, REFERENCE);

    /** Each layer's own balanced choice, as {@link KernelRegistry#select} makes it. */
    private static List<Kernel> perLayer(List<List<Kernel>> matching, List<Long> work) {
        List<Kernel> chosen = new ArrayList<>();
        for (int i = 0; i < matching.size(); i++) {
            List<Kernel> kernels = matching.get(i);
            Kernel reference = kernels.get(kernels.size() - 1);
            long units = work.get(i);
            chosen.add(kernels.stream().filter(k -> COSTS.pays(k.function(), reference.function(), units)).findFirst().orElse(reference));
        }
        return chosen;
    }

    private static List<Kernel> modelWide(List<List<Kernel>> matching, List<Long> work) {
        return ModelWideChoice.settle(matching, work, perLayer(matching, work), COSTS);
    }

    @Test
    void aSmallLayerTakesTheFastKernelABigLayerLinksAnywayAndTheReferenceIsNotLinked() {
        List<List<Kernel>> matching = List.of(DENSE, DENSE);
        List<Long> work = List.of(20_000L, 400L);
        assertEquals(List.of(SIMD, REFERENCE), perLayer(matching, work), "taken alone, the small layer links the reference kernel too");
        assertEquals(List.of(SIMD, SIMD), modelWide(matching, work));
    }

    @Test
    void aFastKernelNoOtherLayerLinksIsNotTakenWhereItDoesNotPay() {
        // 2 x 400 MACs save 3,744 instructions, less than the 4,040 its 404 extra bytes must
        List<List<Kernel>> matching = List.of(DENSE, DENSE);
        List<Long> work = List.of(400L, 400L);
        assertEquals(List.of(REFERENCE, REFERENCE), modelWide(matching, work));
    }

    @Test
    void layersThatDoNotPayAloneTakeTheFastKernelWhenTogetherTheyPayForItsCode() {
        // 2 x 500 MACs: 2,340 instructions saved each, 4,680 together against 4,040
        List<List<Kernel>> matching = List.of(DENSE, DENSE);
        List<Long> work = List.of(500L, 500L);
        assertEquals(List.of(REFERENCE, REFERENCE), perLayer(matching, work));
        assertEquals(List.of(SIMD, SIMD), modelWide(matching, work));
    }

    @Test
    void aLayerOnlyTheReferenceComputesKeepsItAndTheOthersStillMove() {
        List<List<Kernel>> matching = List.of(DENSE, DENSE, List.of(REFERENCE));
        List<Long> work = List.of(20_000L, 400L, 400L);
        assertEquals(List.of(SIMD, SIMD, REFERENCE), modelWide(matching, work));
    }
}
