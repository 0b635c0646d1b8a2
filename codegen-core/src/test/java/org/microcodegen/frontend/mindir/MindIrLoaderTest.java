package org.microcodegen.frontend.mindir;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loader behaviour on hand-built MindIR messages: external weights, their confinement, bad data. */
class MindIrLoaderTest {
    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** y = x + w, with w stored as described by {@code weight}. */
    private static ModelProto addModel(TensorProto weight) {
        TensorProto xType = TensorProto.newBuilder().addDims(2).setDataType(1).build();
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(xType))
                .addParameter(weight)
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("g:x").addInput("g:w").addOutput("g:y").setDomain("Default/Add-op0"))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y").addTensor(xType))
                .build();
        return ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore").setLittleEndian(true).setGraph(g).build();
    }

    private static TensorProto.Builder weight() {
        return TensorProto.newBuilder().setName("g:w").addDims(2).setDataType(1);
    }

    @Test
    void readsExternalDataInsideTheModelFolder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("m_variables"));
        Files.write(dir.resolve("m_variables/data_0"), concat(new byte[4], floats(1.5f, -2f)));
        TensorProto w = weight().setExternalData(TensorProto.ExternalDataProto.newBuilder()
                .setLocation("m_variables/data_0").setOffset(4).setLength(8)).build();
        Path model = dir.resolve("m.mindir");
        Files.write(model, addModel(w).toByteArray());
        Graph g = MindIrLoader.load(model);
        assertArrayEquals(new float[] {1.5f, -2f}, g.tensor("g:w").data().asFloats());
    }

    @Test
    void refusesExternalDataOutsideTheModelFolder(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectories(dir.resolve("model"));
        Files.write(dir.resolve("secret"), floats(1f, 2f));
        TensorProto w = weight().setExternalData(TensorProto.ExternalDataProto.newBuilder()
                .setLocation("../secret").setOffset(0).setLength(8)).build();
        Path model = sub.resolve("m.mindir");
        Files.write(model, addModel(w).toByteArray());
        CompileException e = assertThrows(CompileException.class, () -> MindIrLoader.load(model));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
    }

    @Test
    void refusesWeightsShorterThanTheirShape(@TempDir Path dir) throws Exception {
        TensorProto w = weight().setRawData(ByteString.copyFrom(floats(1f))).build();
        Path model = dir.resolve("m.mindir");
        Files.write(model, addModel(w).toByteArray());
        CompileException e = assertThrows(CompileException.class, () -> MindIrLoader.load(model));
        assertTrue(e.getMessage().contains("truncated or corrupt weights"), e.getMessage());
    }

    @Test
    void refusesUnknownDtypeNamingTheTensor(@TempDir Path dir) throws Exception {
        TensorProto w = weight().setDataType(18).setRawData(ByteString.copyFrom(new byte[1])).build();
        Path model = dir.resolve("m.mindir");
        Files.write(model, addModel(w).toByteArray());
        CompileException e = assertThrows(CompileException.class, () -> MindIrLoader.load(model));
        assertTrue(e.getMessage().contains("g:w") && e.getMessage().contains("dtype"), e.getMessage());
    }

    @Test
    void refusesAbsurdShapes(@TempDir Path dir) throws Exception {
        TensorProto w = weight().clearDims().addDims(1L << 40).addDims(1L << 40).build();
        Path model = dir.resolve("m.mindir");
        Files.write(model, addModel(w).toByteArray());
        CompileException e = assertThrows(CompileException.class, () -> MindIrLoader.load(model));
        assertTrue(e.getMessage().contains("absurd") || e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void loadsInlineWeights(@TempDir Path dir) throws Exception {
        TensorProto w = weight().setRawData(ByteString.copyFrom(floats(3f, 4f))).build();
        Path model = dir.resolve("m.mindir");
        Files.write(model, addModel(w).toByteArray());
        Graph g = MindIrLoader.load(model);
        assertEquals(1, g.nodes().size());
        assertEquals("w", g.tensor("g:w").sourceName());
    }

    /** A hostile nesting depth must not overflow the stack: tuples are expanded iteratively. */
    @Test
    void expandsDeeplyNestedTuples(@TempDir Path dir) throws Exception {
        ModelProto base = addModel(weight().setRawData(ByteString.copyFrom(floats(3f, 4f))).build());
        GraphProto.Builder g = base.getGraph().toBuilder().clearOutput();
        String previous = "g:y";
        for (int i = 0; i < 50_000; i++) {
            String t = "g:t" + i;
            g.addNode(NodeProto.newBuilder().setName("t" + i).setOpType("MakeTuple").addInput(previous).addOutput(t));
            previous = t;
        }
        g.addOutput(ValueInfoProto.newBuilder().setName(previous));
        Path model = dir.resolve("m.mindir");
        Files.write(model, base.toBuilder().setGraph(g).build().toByteArray());
        assertEquals(java.util.List.of("g:y"), MindIrLoader.load(model).outputs());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
