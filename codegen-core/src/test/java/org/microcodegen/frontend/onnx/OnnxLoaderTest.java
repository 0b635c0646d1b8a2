package org.microcodegen.frontend.onnx;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.Frontends;
import org.microcodegen.frontend.onnx.proto.Onnx.AttributeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.GraphProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ModelProto;
import org.microcodegen.frontend.onnx.proto.Onnx.NodeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.OperatorSetIdProto;
import org.microcodegen.frontend.onnx.proto.Onnx.StringStringEntryProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorShapeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TypeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ValueInfoProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Unary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ONNX loader on models built here with the proto, in the shapes PyTorch's exporter writes. */
class OnnxLoaderTest {
    @TempDir
    Path dir;

    static ValueInfoProto value(String name, int... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    static NodeProto node(String op, List<String> in, List<String> out, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(in).addAllOutput(out).setName(out.get(0) + "_node")
                .addAllAttribute(List.of(attrs)).build();
    }

    static TensorProto longs(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7);
        if (v.length != 1 || !name.startsWith("scalar")) {
            t.addDims(v.length);
        }
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }

    Path write(GraphProto.Builder g, int opset) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(g.setName("g")).build();
        return Files.write(dir.resolve("model.onnx"), m.toByteArray());
    }

    /** x.view(x.size(0), -1) as PyTorch exports it: Shape, Gather, Unsqueeze, Concat, Reshape. */
    @Test
    void pytorchShapeSubgraphFoldsIntoOneReshapeWithAConstantShape() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 2, 3, 4, 5)).addOutput(value("y"))
                .addInitializer(longs("scalar0", 0)).addInitializer(longs("axes0", 0)).addInitializer(longs("minus1", -1))
                .addNode(node("Shape", List.of("x"), List.of("s")))
                .addNode(node("Gather", List.of("s", "scalar0"), List.of("n"), AttributeProto.newBuilder().setName("axis")
                        .setType(AttributeProto.AttributeType.INT).setI(0).build()))
                .addNode(node("Unsqueeze", List.of("n", "axes0"), List.of("n1")))
                .addNode(node("Concat", List.of("n1", "minus1"), List.of("shape"), AttributeProto.newBuilder().setName("axis")
                        .setType(AttributeProto.AttributeType.INT).setI(0).build()))
                .addNode(node("Reshape", List.of("x", "shape"), List.of("v")))
                .addNode(node("Relu", List.of("v"), List.of("y")));
        Graph graph = Frontends.load(write(g, 13));
        assertEquals(2, graph.nodes().size(), graph.nodes().toString());
        Node reshape = graph.nodes().get(0);
        assertInstanceOf(Reshape.class, reshape.op());
        assertArrayEquals(new long[] {2, 60}, graph.tensor(reshape.input(1)).data().asLongs());
        assertEquals(Shape.of(2, 60), graph.type("y").shape());
    }

    @Test
    void constantIdentityAndDropoutLeaveNoNodes() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4)).addOutput(value("y"))
                .addNode(node("Identity", List.of("x"), List.of("a")))
                .addNode(node("Dropout", List.of("a"), List.of("b")))
                .addNode(node("Constant", List.of(), List.of("c"), AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(TensorProto.newBuilder().setDataType(1).addFloatData(2f)).build()))
                .addNode(node("Mul", List.of("b", "c"), List.of("d")))
                .addNode(node("Relu", List.of("d"), List.of("y")));
        Graph graph = Frontends.load(write(g, 12));
        assertEquals(List.of("Mul", "Relu"), graph.nodes().stream().map(Node::opType).toList());
        assertEquals("x", graph.nodes().get(0).input(0));
        assertInstanceOf(Unary.class, graph.nodes().get(1).op());
    }

    @Test
    void externalDataIsReadFromTheModelsFolderOnly() throws IOException {
        ByteBuffer w = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        Files.write(dir.resolve("w.bin"), w.array());
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4)).addOutput(value("y"))
                .addInitializer(external("w", "w.bin"))
                .addNode(node("Add", List.of("x", "w"), List.of("y")));
        Graph graph = Frontends.load(write(g, 14));
        assertArrayEquals(new float[] {1, 2, 3, 4}, graph.tensor("w").data().asFloats());

        g.setInitializer(0, external("w", "../w.bin"));
        String e = assertThrows(CompileException.class, () -> Frontends.load(write(g, 14))).getMessage();
        assertTrue(e.contains("outside the model's folder: refused"), e);
    }

    private static TensorProto external(String name, String location) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)).build();
    }

    @Test
    void initializersOfTheWrongSizeAreRefused() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4)).addOutput(value("y"))
                .addInitializer(TensorProto.newBuilder().setName("w").setDataType(1).addDims(4).addFloatData(1).addFloatData(2))
                .addNode(node("Add", List.of("x", "w"), List.of("y")));
        String e = assertThrows(CompileException.class, () -> Frontends.load(write(g, 14))).getMessage();
        assertTrue(e.contains("should hold 4 values but its float32 field has 2"), e);
        g.setInitializer(0, TensorProto.newBuilder().setName("w").setDataType(1).addDims(4).setRawData(ByteString.copyFrom(new byte[15])));
        e = assertThrows(CompileException.class, () -> Frontends.load(write(g, 14))).getMessage();
        assertTrue(e.contains("should hold 16 bytes of data but has 15"), e);
    }

    @Test
    void unsupportedOpsAndOpsetsNameOpNodeAndFile() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 1, 4)).addOutput(value("y"))
                .addNode(node("Erf", List.of("x"), List.of("y")));
        Path model = write(g, 13);
        String e = assertThrows(CompileException.class, () -> Frontends.load(model)).getMessage();
        assertEquals(model + ": unsupported op Erf at node y_node (opset 13)", e);
        e = assertThrows(CompileException.class, () -> Frontends.load(write(g, 26))).getMessage();
        assertTrue(e.endsWith("opset 26 is not supported (1 to 25)"), e);
    }

    /** Before opset 13, Softmax normalises over everything from its axis on: a Reshape around a row-wise Softmax. */
    @Test
    void softmaxBeforeOpset13CoercesTo2D() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x", 2, 3, 4)).addOutput(value("y"))
                .addNode(node("Softmax", List.of("x"), List.of("y")));
        Graph old = Frontends.load(write(g, 11));
        assertEquals(List.of("Reshape", "Softmax", "Reshape"), old.nodes().stream().map(n -> n.op().opName()).toList());
        assertEquals(Shape.of(2, 12), old.type(old.nodes().get(0).output()).shape());
        Graph current = Frontends.load(write(g, 13));
        assertEquals(List.of("Softmax"), current.nodes().stream().map(n -> n.op().opName()).toList());
    }
}
