package org.microcodegen.e2e;

import com.google.protobuf.ByteString;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weights that are not finite numbers (a diverged training run leaves NaN and infinities behind) are
 * still weights: the generated C must spell them (C99 has NAN and INFINITY in math.h only), build with
 * the strict flags and compute with them. Found by the fuzz suite (a BatchNorm with NaN statistics).
 */
class NonFiniteWeightsTest {
    private static final float[] WEIGHTS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5f};

    @TempDir
    Path tmp;

    /** y = x + w with x, w, y float32[4] and w holding NaN, +inf, -inf and 1.5. */
    private Path model() throws IOException {
        ByteBuffer w = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : WEIGHTS) {
            w.putFloat(f);
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(TensorProto.newBuilder().setDataType(1).addDims(4)))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y"))
                .addParameter(TensorProto.newBuilder().setDataType(1).addDims(4).setName("g:w").setRawData(ByteString.copyFrom(w.array())))
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").setDomain("Default/add").addInput("g:x").addInput("g:w").addOutput("g:y"));
        ModelProto m = ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore").setLittleEndian(true).setGraph(g).build();
        return Files.write(tmp.resolve("nonfinite.mindir"), m.toByteArray());
    }

    @Test
    void nonFiniteWeightsBuildStrictlyAndCompute() throws IOException {
        E2E.requireCc();
        Path model = model();
        Path out = tmp.resolve("c");
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "host", "--output", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> cc = new ArrayList<>(List.of("cc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-c"));
        E2E.filesEndingWith(out, ".c").forEach(p -> cc.add(p.getFileName().toString()));
        E2E.ProcResult built = E2E.exec(out, cc);
        assertEquals(0, built.exit(), built.output());

        float[] x = {1f, 2f, 3f, 4f};
        Path in = tmp.resolve("x.bin");
        Path y = tmp.resolve("y.bin");
        E2E.writeFloats(in, x);
        E2E.CliResult ran = E2E.cli("run", "--model", model.toString(), "--input", in.toString(), "--out", y.toString());
        assertEquals(0, ran.exit(), ran.err());
        float[] got = E2E.readFloats(y);
        for (int i = 0; i < x.length; i++) {
            float want = x[i] + WEIGHTS[i];
            assertTrue(Float.compare(want, got[i]) == 0 || (Float.isNaN(want) && Float.isNaN(got[i])),
                    "element " + i + ": want " + want + ", got " + got[i]);
        }
    }
}
