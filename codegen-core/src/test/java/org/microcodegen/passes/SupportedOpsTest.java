package org.microcodegen.passes;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Refused;
import org.microcodegen.ops.Unary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A model with several unsupported ops hears about all of them (up to four) in one line. */
class SupportedOpsTest {
    /** A chain x -> n0 -> n1 ...; the ops named in {@code unsupported} are refused, the others are ReLU. */
    private static Graph chain(List<String> ops, List<String> unsupported) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(4)));
        List<Node> nodes = new ArrayList<>();
        String prev = "x";
        for (int i = 0; i < ops.size(); i++) {
            String out = "v" + i;
            t.put(out, Tensor.value(out, TensorType.f32(4)));
            String scope = "Default/" + ops.get(i) + "-op" + i;
            var op = unsupported.contains(ops.get(i))
                    ? new Refused("unsupported op " + ops.get(i) + " at node " + scope + " in m.mindir", true)
                    : new Unary(Unary.Function.RELU);
            nodes.add(new Node(out, ops.get(i), List.of(prev), List.of(out), op, scope, List.of()));
            prev = out;
        }
        return new Graph("g", t, nodes, List.of("x"), List.of(prev));
    }

    private static String failure(Graph g) {
        return assertThrows(CompileException.class, () -> SupportedOps.require(g)).getMessage();
    }

    @Test
    void oneUnsupportedOpKeepsTheFrontendsMessage() {
        assertEquals("unsupported op LSTM at node Default/LSTM-op1 in m.mindir",
                failure(chain(List.of("ReLU", "LSTM", "ReLU"), List.of("LSTM"))));
    }

    @Test
    void severalAreNamedInOneLine() {
        assertEquals("unsupported op LSTM at node Default/LSTM-op0 in m.mindir; 3 unsupported ops in all, also "
                        + "Erfinv at node Default/Erfinv-op2, Celu at node Default/Celu-op3",
                failure(chain(List.of("LSTM", "ReLU", "Erfinv", "Celu"), List.of("LSTM", "Erfinv", "Celu"))));
    }

    @Test
    void beyondFourTheRestAreCounted() {
        List<String> ops = List.of("A", "B", "C", "D", "E", "F", "G");
        String line = failure(chain(ops, ops));
        assertEquals("unsupported op A at node Default/A-op0 in m.mindir; 7 unsupported ops in all, also "
                + "B at node Default/B-op1, C at node Default/C-op2, D at node Default/D-op3 and 3 more", line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void aSupportedGraphPasses() {
        assertDoesNotThrow(() -> SupportedOps.require(chain(List.of("ReLU", "ReLU"), List.of())));
    }
}
