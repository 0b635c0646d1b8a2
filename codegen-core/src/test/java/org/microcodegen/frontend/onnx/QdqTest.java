package org.microcodegen.frontend.onnx;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.onnx.proto.Onnx.GraphProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ModelProto;
import org.microcodegen.frontend.onnx.proto.Onnx.OperatorSetIdProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ops.Quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.microcodegen.frontend.onnx.OnnxLoaderTest.node;
import static org.microcodegen.frontend.onnx.OnnxLoaderTest.value;

/** The QDQ form's recognition on small graphs: what runs on integers and what is refused by name. */
class QdqTest {
    @TempDir
    Path dir;

    static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
    }

    static TensorProto zero(String name, int dataType, int v) {
        return TensorProto.newBuilder().setName(name).setDataType(dataType).setRawData(ByteString.copyFrom(new byte[] {(byte) v})).build();
    }

    Path write(GraphProto.Builder g) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g.setName("g")).build();
        return Files.write(dir.resolve("model.onnx"), m.toByteArray());
    }

    /** x -> Q -> DQ (twice) -> op -> Q -> DQ -> y, int8 with one scale. */
    GraphProto.Builder around(String op, int inputs) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4)).addOutput(value("y", 1, 4))
                .addInitializer(scalar("s", 0.5f)).addInitializer(zero("z", 3, 0))
                .addNode(node("QuantizeLinear", List.of("x", "s", "z"), List.of("xq")))
                .addNode(node("DequantizeLinear", List.of("xq", "s", "z"), List.of("xd")));
        List<String> in = inputs == 1 ? List.of("xd") : List.of("xd", "xd");
        return g.addNode(node(op, in, List.of("r")))
                .addNode(node("QuantizeLinear", List.of("r", "s", "z"), List.of("rq")))
                .addNode(node("DequantizeLinear", List.of("rq", "s", "z"), List.of("y")));
    }

    @Test
    void aGroupOnnxRuntimeFusesIntoAnotherKernelIsRefusedByName() throws IOException {
        Path model = write(around("Add", 2));
        CompileException e = assertThrows(CompileException.class, () -> OnnxLoader.load(model));
        assertTrue(e.getMessage().contains("Add at node") && e.getMessage().contains("QLinearAdd"), e.getMessage());
    }

    @Test
    void standaloneQuantizeAndDequantizeBecomeKernelsAndAReshapeRunsOnTheIntegers() throws IOException {
        GraphProto.Builder g = around("Flatten", 1);
        Graph graph = OnnxLoader.load(write(g));
        List<String> ops = graph.nodes().stream().map(n -> n.op().getClass().getSimpleName()).toList();
        // Q, DQ (dead: the Flatten reads the integers), the int8 Reshape view, the final DQ
        assertEquals(List.of("Quantize", "Quantize", "Reshape", "Quantize"), ops);
        assertEquals(DType.INT8, graph.type(graph.nodes().get(2).output()).dtype());
        assertEquals(DType.FLOAT32, ((Quantize) graph.nodes().get(3).op()).to());
    }

    @Test
    void aUint8GraphOutputIsRefused() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4)).addOutput(value("y", 1, 4))
                .addInitializer(scalar("s", 0.5f)).addInitializer(zero("z", 2, 128))
                .addNode(node("QuantizeLinear", List.of("x", "s", "z"), List.of("y")));
        Path model = write(g);
        CompileException e = assertThrows(CompileException.class, () -> OnnxLoader.load(model));
        assertTrue(e.getMessage().contains("uint8 result is a graph output"), e.getMessage());
    }
}
