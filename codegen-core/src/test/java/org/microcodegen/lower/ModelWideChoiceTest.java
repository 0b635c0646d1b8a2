package org.microcodegen.lower;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Balanced mode over a model counts each kernel's code once, on the Cortex-M4 figures of the SIMD dense kernel and
 * its reference (the SIMD kernel is larger and faster): taken alone, a layer pays for the SIMD kernel from
 * {@link #BREAK_EVEN} MACs.
 */
class ModelWideChoiceTest {
    private static final KernelCosts COSTS = KernelCosts.of("cortex-m4");
    private static final Kernel SIMD = Kernel.of("mc_conv_simd", "mc_fully_connected_s8_simd");
    private static final Kernel REFERENCE = Kernel.of("mc_fully_connected", "mc_fully_connected_s8");
    private static final List<Kernel> DENSE = List.of(SIMD, REFERENCE);
    /** The MACs at which the instructions the SIMD kernel saves pay for the bytes it adds. */
    private static final long BREAK_EVEN = Math.round(KernelCosts.INSTRUCTIONS_PER_BYTE
            * (figure(COSTS.bytes(SIMD.function())) - figure(COSTS.bytes(REFERENCE.function())))
            / (figure(COSTS.instructionsPerUnit(REFERENCE.function())) - figure(COSTS.instructionsPerUnit(SIMD.function()))));

    private static double figure(java.util.OptionalDouble measured) {
        return measured.orElseThrow(() -> new AssertionError("the dense kernels' figures are in kernel-costs.properties"));
    }

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
        List<Long> work = List.of(20 * BREAK_EVEN, BREAK_EVEN / 2);
        assertEquals(List.of(SIMD, REFERENCE), perLayer(matching, work), "taken alone, the small layer links the reference kernel too");
        assertEquals(List.of(SIMD, SIMD), modelWide(matching, work));
    }

    @Test
    void aFastKernelNoOtherLayerLinksIsNotTakenWhereItDoesNotPay() {
        List<List<Kernel>> matching = List.of(DENSE, DENSE);
        List<Long> work = List.of(BREAK_EVEN * 2 / 5, BREAK_EVEN * 2 / 5);
        assertEquals(List.of(REFERENCE, REFERENCE), modelWide(matching, work));
    }

    @Test
    void layersThatDoNotPayAloneTakeTheFastKernelWhenTogetherTheyPayForItsCode() {
        List<List<Kernel>> matching = List.of(DENSE, DENSE);
        List<Long> work = List.of(BREAK_EVEN * 3 / 5, BREAK_EVEN * 3 / 5);
        assertEquals(List.of(REFERENCE, REFERENCE), perLayer(matching, work));
        assertEquals(List.of(SIMD, SIMD), modelWide(matching, work));
    }

    @Test
    void aLayerOnlyTheReferenceComputesKeepsItAndTheOthersStillMove() {
        List<List<Kernel>> matching = List.of(DENSE, DENSE, List.of(REFERENCE));
        List<Long> work = List.of(20 * BREAK_EVEN, BREAK_EVEN / 2, BREAK_EVEN / 2);
        assertEquals(List.of(SIMD, SIMD, REFERENCE), modelWide(matching, work));
    }
}
