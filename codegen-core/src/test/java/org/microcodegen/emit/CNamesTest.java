package org.microcodegen.emit;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unique identifiers: the first free of name, name_2, name_3..., in time linear in the number of names. */
class CNamesTest {
    @Test
    void clashesGetTheFirstFreeSuffix() {
        CNames names = new CNames();
        assertEquals(List.of("conv1", "conv1_2", "conv1_3"), List.of(names.unique("conv1"), names.unique("conv1"), names.unique("conv1")));
        assertEquals("x_3", names.unique("x_3"));
        assertEquals("x", names.unique("x"));
        assertEquals("x_2", names.unique("x"));
        assertEquals("x_4", names.unique("x"));
        assertEquals("int_", names.unique("int"));
        assertEquals("int32_t_", names.unique("int32_t"));
        assertEquals("mc_conv2d_", names.unique("mc_conv2d"));
    }

    @Test
    void layersOfOneModuleAreNumberedInOrder() {
        CNames names = new CNames();
        assertEquals("relu", names.layer("Default/relu-ReLU/ReLU-op0", "ReLU"));
        assertEquals("relu_relu", names.layer("Default/relu-ReLU/ReLU-op1", "ReLU"));
        assertEquals("relu_relu_2", names.layer("Default/relu-ReLU/ReLU-op2", "ReLU"));
    }

    /** 30,000 names from one base: probing from _2 every time takes minutes, the counter milliseconds. */
    @Test
    void manyClashesAreLinear() {
        CNames names = new CNames();
        Set<String> seen = new HashSet<>();
        long start = System.nanoTime();
        for (int i = 0; i < 30_000; i++) {
            seen.add(names.unique("relu"));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(30_000, seen.size());
        assertEquals("relu_30001", names.unique("relu"));
        assertTrue(ms < 3_000, "30,000 clashing names took " + ms + " ms");
    }

    @Test
    void theOutputLanguagesReservedWordsGetASuffixThatSurvivesSanitising() {
        // Found by the fuzz suite: a graph input named "NULL" became the Java parameter "null".
        CNames javaNames = new CNames(java.util.Set.of("null", "class"));
        assertEquals("null_", javaNames.unique("NULL"));
        assertEquals("class_", javaNames.unique("class"));
        assertEquals("null__2", javaNames.unique("null"), "as C does for its keywords: int_, int__2");
        assertEquals("null", new CNames().unique("NULL"), "C has no null keyword");
    }
}
