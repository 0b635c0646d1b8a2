package org.microcodegen.passes;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.MatMul;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretransposeMatMulWeightsTest {
    /** x[1][2] times b[2][3] = {{1, 2, 3}, {4, 5, 6}}, b constant or a graph input. */
    private static Graph graph(boolean constantB, MatMul op) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", TensorType.f32(1, 2)));
        TensorType bType = TensorType.of(DType.FLOAT32, Shape.of(2, 3));
        t.put("b", constantB ? new Tensor("b", bType, ConstData.ofFloats(1, 2, 3, 4, 5, 6), "fc.weight") : Tensor.value("b", bType));
        t.put("y", Tensor.value("y", TensorType.f32(1, 3)));
        Node mm = new Node("mm", "MatMul", List.of("x", "b"), List.of("y"), op, "Default/MatMul-op1", List.of());
        return new Graph("g", t, List.of(mm), constantB ? List.of("x") : List.of("x", "b"), List.of("y"));
    }

    @Test
    void aConstantKByNOperandIsStoredNByKAndReadTransposed() {
        Graph g = PretransposeMatMulWeights.run(graph(true, new MatMul(false, false)));
        Node mm = g.nodes().get(0);
        assertTrue(((MatMul) mm.op()).transposeB());
        Tensor b = g.tensor(mm.input(1));
        assertEquals(Shape.of(3, 2), b.type().shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, b.data().asFloats());
        assertEquals("fc.weight", b.sourceName(), "the generated array keeps the parameter's name");
        assertTrue(!g.tensors().containsKey("b"), "the untransposed copy is dead and dropped");
    }

    @Test
    void leavesAlreadyTransposedAndNonConstantOperandsAlone() {
        Graph transposed = graph(true, new MatMul(false, true));
        assertSame(transposed, PretransposeMatMulWeights.run(transposed));
        Graph variable = graph(false, new MatMul(false, false));
        assertSame(variable, PretransposeMatMulWeights.run(variable));
    }
}
