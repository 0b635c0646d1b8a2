package org.microcodegen.templates.java;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outer class keeps one offset constant per weight and activation buffer (two constant pool entries
 * each): a model with more than the class file's 65,535 constants allow is refused with a message saying
 * so, before javac would fail on the output.
 */
class JavaModelWriterLimitsTest {
    private static JavaView.Model modelWithWeights(int count) {
        JavaView.Model m = new JavaView.Model();
        m.packageName = "micro.codegen";
        m.className = "BigModel";
        m.version = "test";
        m.source = "big.mindir";
        m.inputs = List.of();
        m.outputs = List.of();
        m.arenas = List.of();
        m.buffers = List.of();
        m.params = List.of();
        m.tables = List.of();
        m.steps = List.of();
        m.weights = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JavaView.Offset o = new JavaView.Offset();
            o.name = "W" + i;
            o.array = "WEIGHTS_I8";
            o.unit = "elements";
            o.value = 100_000L + i;
            o.comment = "weight " + i;
            m.weights.add(o);
        }
        return m;
    }

    @Test
    void offsetsWithinTheConstantPoolRender() {
        assertTrue(JavaModelWriter.render(modelWithWeights(1_000)).contains("private static final int W999 = 100999;"));
    }

    @Test
    void moreOffsetsThanTheConstantPoolHoldsAreRefused() {
        JavaModelWriter.TooLarge e = assertThrows(JavaModelWriter.TooLarge.class, () -> JavaModelWriter.render(modelWithWeights(31_000)));
        assertTrue(e.getMessage().contains("65,535 constants"), e.getMessage());
    }
}
