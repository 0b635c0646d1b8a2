package org.microcodegen.emit;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.Compiler;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;
import org.microcodegen.target.Target;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule of y = x + w: identifiers as the target spells them, arguments resolved to where tensors live. */
class ScheduleTest {
    @Test
    void resolvesTensorArgumentsToTheirPlacesInTheTargetsSpelling(@TempDir Path dir) throws Exception {
        TensorProto type = TensorProto.newBuilder().addDims(2).setDataType(1).build();
        TensorProto w = TensorProto.newBuilder().setName("g:w").addDims(2).setDataType(1)
                .setRawData(ByteString.copyFrom(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array()))
                .build();
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(type))
                .addParameter(w)
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("g:x").addInput("g:w").addOutput("g:y")
                        .setDomain("Default/Add-op0"))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y").addTensor(type))
                .build();
        Path file = dir.resolve("m.mindir");
        Files.write(file, ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore").setLittleEndian(true)
                .setGraph(g).build().toByteArray());
        CNames names = new CNames();
        Schedule s = Schedule.of(Compiler.compile(file, "m", Target.HOST), names, new Schedule.Spelling(
                names::unique, base -> names.unique(base).toUpperCase(Locale.ROOT), base -> "S_" + names.unique(base),
                base -> "W_" + names.unique(base)));

        assertEquals("x", s.inputs().get(0).ident());
        assertEquals("output", s.outputs().get(0).ident());
        assertEquals(1, s.weights().size());
        String weight = s.weights().get(0).ident();
        assertTrue(weight.startsWith("W_"), weight);
        assertEquals(List.of(), s.buffers());
        assertEquals(1, s.steps().size());
        List<String> places = s.steps().get(0).call().args().stream()
                .flatMap(a -> a.places().stream())
                .map(p -> p.kind() + " " + p.ident())
                .toList();
        assertEquals(List.of("INPUT x", "CONSTANT " + weight, "OUTPUT output"), places);
    }
}
