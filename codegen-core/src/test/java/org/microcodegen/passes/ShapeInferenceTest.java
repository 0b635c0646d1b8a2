package org.microcodegen.passes;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Refused;
import org.microcodegen.ops.Unary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeInferenceTest {
    private static Graph reluGraph(List<TensorType> exported) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(1, 3, 4, 4)));
        t.put("y", Tensor.value("y", null));
        Node relu = new Node("y", "ReLU", List.of("x"), List.of("y"), new Unary(Unary.Function.RELU), "Default/act-ReLU/ReLU-op3", exported);
        return new Graph("g", t, List.of(relu), List.of("x"), List.of("y"));
    }

    @Test
    void infersAndAgreesWithTheExporter() {
        Graph g = ShapeInference.run(reluGraph(List.of(TensorType.f32(1, 3, 4, 4))), "m.mindir");
        assertEquals(TensorType.f32(1, 3, 4, 4), g.type("y"));
    }

    @Test
    void aDisagreementWithTheExporterNamesTheNode() {
        CompileException e = assertThrows(CompileException.class,
                () -> ShapeInference.run(reluGraph(List.of(TensorType.f32(1, 3, 4, 5))), "m.mindir"));
        assertTrue(e.getMessage().contains("Default/act-ReLU/ReLU-op3") && e.getMessage().contains("[1,3,4,5]"), e.getMessage());
    }

    @Test
    void aRefusedOpRaisesItsErrorWhenReached() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(2)));
        t.put("y", Tensor.value("y", null));
        Node n = new Node("y", "Erfinv", List.of("x"), List.of("y"),
                new Refused("unsupported op Erfinv at node Default/Erfinv-op1 in m.mindir", true), "Default/Erfinv-op1", List.of());
        Graph g = new Graph("g", t, List.of(n), List.of("x"), List.of("y"));
        CompileException e = assertThrows(CompileException.class, () -> ShapeInference.run(g, "m.mindir"));
        assertEquals("unsupported op Erfinv at node Default/Erfinv-op1 in m.mindir", e.getMessage());
    }
}
