package org.microcodegen.lower;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * kernel-costs.properties covers the C registry: `--optimize balanced` weighs a specialised kernel against
 * its reference kernel only when both have measured bytes and instructions per unit of work, and keeps the
 * fastest one silently otherwise (before 2026-11-30 none of the SIMD/DSP int8 kernels had an entry, so
 * balanced mode never weighed them). Fails naming every entry point a new kernel left out of the table.
 */
class KernelCostsTableTest {
    private static final List<String> TARGETS = List.of("cortex-m4", "cortex-m7");

    @Test
    void everyKernelTheRegistryCanChooseHasItsCodeBytes() {
        for (String target : TARGETS) {
            KernelCosts costs = KernelCosts.of(target);
            Set<String> missing = new LinkedHashSet<>();
            for (KernelRegistry.Entry e : CKernels.registry(target).entries()) {
                if (costs.bytes(e.kernel().function()).isEmpty()) {
                    missing.add(e.kernel().function());
                }
            }
            assertEquals(List.of(), List.copyOf(missing), target + ": entry points without " + target + ".<function>.bytes"
                    + " in kernel-costs.properties (tools/kernel-costs measures them)");
        }
    }

    @Test
    void everyKernelWithAnAlternativeHasItsInstructionsPerUnit() {
        for (String target : TARGETS) {
            KernelCosts costs = KernelCosts.of(target);
            // entries for the same op and dtypes are alternatives: balanced mode chooses among them
            Map<String, Set<String>> alternatives = new LinkedHashMap<>();
            for (KernelRegistry.Entry e : CKernels.registry(target).entries()) {
                alternatives.computeIfAbsent(e.op() + " " + e.signature(), k -> new LinkedHashSet<>()).add(e.kernel().function());
            }
            List<String> missing = new ArrayList<>();
            alternatives.forEach((group, functions) -> {
                if (functions.size() > 1) {
                    for (String f : functions) {
                        if (costs.instructionsPerUnit(f).isEmpty()) {
                            missing.add(f + " (" + group + ")");
                        }
                    }
                }
            });
            assertEquals(List.of(), missing, target + ": kernels with alternatives but no " + target + ".<function>.ipu");
        }
    }
}
