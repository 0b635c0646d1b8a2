package org.microcodegen.passes;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PassManagerTest {
    private static List<String> names(PassManager pm) {
        return pm.passes().stream().map(Pass::name).toList();
    }

    @Test
    void theStandardListIsDeclaredInPipelineOrder() {
        assertEquals(List.of("validate-graph", "dead-code-elimination", "supported-ops", "shape-inference", "fold-batch-norm",
                "pretranspose-matmul-weights", "fuse-epilogues"), names(PassManager.standard("m.mindir")));
    }

    @Test
    void theOrderKeepsItsReasons() {
        List<String> n = names(PassManager.standard("m.mindir"));
        assertEquals(0, n.indexOf("validate-graph"), "every pass may rely on a well-formed graph");
        assertEquals(1, n.indexOf("dead-code-elimination"), "an unused branch must not fail a later check");
        assertTrue(n.indexOf("supported-ops") < n.indexOf("shape-inference"),
                "an unsupported op is reported before a shape error it would cause");
        assertTrue(n.indexOf("shape-inference") < n.indexOf("fold-batch-norm"), "folding needs channel counts");
        assertTrue(n.indexOf("fold-batch-norm") < n.indexOf("fuse-epilogues"),
                "Conv2D + BatchNorm + ReLU must fold before the ReLU fuses");
    }

    @Test
    void runsPassesInOrderAndShowsEveryStep() {
        Graph g0 = new Graph("g", Map.of("x", Tensor.value("x", TensorType.f32(1))), List.of(), List.of("x"), List.of("x"));
        Graph g1 = g0.withNodes(List.of(), g0.tensors());
        Graph g2 = g1.withNodes(List.of(), g1.tensors());
        List<String> seen = new ArrayList<>();
        PassManager pm = new PassManager(List.of(
                new Pass("first", g -> {
                    assertSame(g0, g);
                    return g1;
                }),
                new Pass("second", g -> {
                    assertSame(g1, g);
                    return g2;
                })));
        Graph out = pm.run(g0, (step, stage, g) -> seen.add(step + " " + stage + " " + (g == g0 ? 0 : g == g1 ? 1 : 2)));
        assertSame(g2, out);
        assertEquals(List.of("0 load 0", "1 first 1", "2 second 2"), seen);
    }

    @Test
    void passNamesAreFileNameSafeAndUnique() {
        assertThrows(IllegalArgumentException.class, () -> new Pass("Fuse Epilogues", g -> g));
        assertThrows(IllegalArgumentException.class, () -> new Pass("../x", g -> g));
        assertThrows(IllegalArgumentException.class, () -> new PassManager(List.of(new Pass("a", g -> g), new Pass("a", g -> g))));
        assertThrows(IllegalArgumentException.class, () -> new PassManager(List.of(new Pass("load", g -> g))));
        assertEquals("03-shape-inference.txt", PassDumps.fileName(3, "shape-inference"));
    }
}
