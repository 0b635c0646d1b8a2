package org.microcodegen.passes;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.Attributes;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structural checks on hand-built graphs, independent of any frontend (the MindIR loader refuses
 * some of these itself; a future frontend may not).
 */
class ValidateGraphTest {
    /** A graph with input "x" and a weight "w"; nodes given as {name, opType, inputs...}, output = name. */
    private static Graph graph(List<String> inputs, List<String> outputs, String[]... nodes) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (String in : inputs) {
            t.put(in, Tensor.value(in, TensorType.f32(2)));
        }
        t.put("w", new Tensor("w", TensorType.f32(2), ConstData.ofFloats(1f, 2f), "w"));
        List<Node> list = new ArrayList<>();
        for (String[] n : nodes) {
            List<String> ins = List.of(n).subList(2, n.length);
            list.add(new Node(n[0], n[1], ins, List.of(n[0]), Attributes.empty(), "Default/" + n[0], List.of()));
            t.putIfAbsent(n[0], Tensor.value(n[0], null));
        }
        return new Graph("g", t, list, inputs, outputs);
    }

    private static String[] node(String... parts) {
        return parts;
    }

    private static String refused(Graph g) {
        return assertThrows(CompileException.class, () -> ValidateGraph.run(g, "m.mindir")).getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
        }
        assertTrue(message.startsWith("m.mindir: "), message);
    }

    @Test
    void acceptsAWellFormedGraph() {
        assertDoesNotThrow(() -> ValidateGraph.run(graph(List.of("x"), List.of("b"),
                node("a", "ReLU", "x"), node("b", "Add", "a", "w")), "m.mindir"));
    }

    @Test
    void refusesACycleNamingItsNodes() {
        String m = refused(graph(List.of("x"), List.of("c"),
                node("a", "Add", "x", "c"), node("b", "ReLU", "a"), node("c", "ReLU", "b")));
        assertContains(m, "cycle", "Default/a", "Default/b", "Default/c");
    }

    @Test
    void refusesASelfLoop() {
        assertContains(refused(graph(List.of("x"), List.of("a"), node("a", "Add", "x", "a"))), "Default/a", "self-loop");
    }

    @Test
    void refusesAUseBeforeTheDefinition() {
        String m = refused(graph(List.of("x"), List.of("a"), node("a", "ReLU", "b"), node("b", "ReLU", "x")));
        assertContains(m, "Default/a", "'b'", "before node Default/b");
    }

    @Test
    void refusesAReadOfAnUndefinedValue() {
        assertContains(refused(graph(List.of("x"), List.of("a"), node("a", "ReLU", "nowhere"))), "Default/a", "'nowhere'");
    }

    @Test
    void refusesTwoDefinitionsOfOneValue() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(2)));
        t.put("y", Tensor.value("y", null));
        Node a = new Node("a", "ReLU", List.of("x"), List.of("y"), Attributes.empty(), "Default/a", List.of());
        Node b = new Node("b", "Sigmoid", List.of("x"), List.of("y"), Attributes.empty(), "Default/b", List.of());
        String m = refused(new Graph("g", t, List.of(a, b), List.of("x"), List.of("y")));
        assertContains(m, "Default/b", "'y'", "Default/a already defines");
    }

    @Test
    void refusesANodeThatRedefinesAnInputOrAConstant() {
        assertContains(refused(graph(List.of("x"), List.of("x"), node("x", "ReLU", "w"))), "'x'", "graph input or constant");
        assertContains(refused(graph(List.of("x"), List.of("w"), node("w", "ReLU", "x"))), "'w'", "graph input or constant");
    }

    @Test
    void refusesDuplicateGraphInputs() {
        assertContains(refused(graph(List.of("x", "x"), List.of("a"), node("a", "ReLU", "x"))), "graph input 'x'", "twice");
    }

    @Test
    void refusesEmptyOpTypesAndNodesWithoutInputs() {
        assertContains(refused(graph(List.of("x"), List.of("a"), node("a", "", "x"))), "Default/a", "no op type");
        assertContains(refused(graph(List.of("x"), List.of("a"), node("a", "ReLU"))), "Default/a", "no inputs");
    }

    @Test
    void refusesAnUndefinedGraphOutput() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(2)));
        t.put("y", Tensor.value("y", null));
        assertContains(refused(new Graph("g", t, List.of(), List.of("x"), List.of("y"))), "'y'");
    }

    /** 50,000 nodes in a chain, well formed and closed into one long cycle: linear time, no deep recursion. */
    @Test
    void longChainsAndLongCyclesAreChecked() {
        int n = 50_000;
        String[][] chain = new String[n][];
        String[][] ring = new String[n][];
        for (int i = 0; i < n; i++) {
            chain[i] = node("v" + i, "ReLU", i == 0 ? "x" : "v" + (i - 1));
            ring[i] = node("v" + i, "Add", "x", "v" + ((i + n - 1) % n));
        }
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            ValidateGraph.run(graph(List.of("x"), List.of("v" + (n - 1)), chain), "m.mindir");
            assertContains(refused(graph(List.of("x"), List.of("v" + (n - 1)), ring)), "cycle", "more)");
        });
    }
}
