package org.microcodegen.e2e;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Big weights compile in little memory: a model with 20 MB of float weights compiles in a child JVM with
 * -Xmx256m (formatting every float through BigDecimal into strings held by the view needed gigabytes for a
 * fraction of that), and every weight in the C file reads back as the model's float, bit for bit. Memory,
 * unlike time, does not depend on how busy the machine is, so this guard does not flake.
 */
class CompileMemoryTest {
    private static final int K = 1024;
    private static final int LAYERS = 5;

    @TempDir
    Path tmp;

    @Test
    void twentyMegabytesOfFloatWeightsCompileIn256MegabytesOfHeap() throws IOException {
        float[][] weights = new float[LAYERS][];
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(TensorProto.newBuilder().setDataType(1).addDims(1).addDims(K)))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y" + (LAYERS - 1)));
        String prev = "g:x";
        for (int i = 0; i < LAYERS; i++) {
            SplittableRandom rnd = new SplittableRandom(i);
            weights[i] = new float[K * K];
            ByteBuffer b = ByteBuffer.allocate(K * K * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < K * K; j++) {
                weights[i][j] = Float.intBitsToFloat(rnd.nextInt());   // every bit pattern, NaN aside
                if (Float.isNaN(weights[i][j]) || Float.isInfinite(weights[i][j])) {   // spelled NAN, INFINITY
                    weights[i][j] = j;
                }
                b.putFloat(weights[i][j]);
            }
            g.addParameter(TensorProto.newBuilder().setDataType(1).addDims(K).addDims(K).setName("g:w" + i)
                    .setRawData(ByteString.copyFrom(b.array())));
            g.addNode(NodeProto.newBuilder().setName("fc" + i).setOpType("MatMul").setDomain("Default/fc" + i)
                    .addInput(prev).addInput("g:w" + i).addOutput("g:y" + i));
            prev = "g:y" + i;
        }
        Path model = Files.write(tmp.resolve("big.mindir"), ModelProto.newBuilder().setIrVersion("0.1.1")
                .setProducerName("MindSpore").setLittleEndian(true).setGraph(g).build().toByteArray());
        Path out = tmp.resolve("c");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        E2E.ProcResult r = E2E.exec(tmp, List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.microcodegen.cli.Main", "--model", model.toString(), "--target", "host", "--output", out.toString()));
        assertEquals(0, r.exit(), r.output());

        // The same model in a heap too small to hold it: a clear one-line exit 2 that names the cause,
        // not "malformed model" (the loader cannot tell a hostile size from a large model, so it says both).
        E2E.ProcResult small = E2E.exec(tmp, List.of(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                "org.microcodegen.cli.Main", "--model", model.toString(), "--target", "host", "--output", tmp.resolve("small").toString()));
        assertEquals(2, small.exit(), small.output());
        assertTrue(small.output().contains("not enough memory to load the model"), small.output());
        assertEquals(1, small.output().strip().lines().count(), small.output());

        String c = Files.readString(out.resolve("big_weights.c"), StandardCharsets.US_ASCII);
        // const float big_w3[1048576] BIG_ALIGNED = { ... }; the arrays need not come in the model's order.
        Matcher arrays = Pattern.compile("const float \\w*?(\\d+)\\[\\d+\\] BIG_ALIGNED = \\{\\n([^}]*)\\};").matcher(c);
        int found = 0;
        while (arrays.find()) {
            found++;
            int i = Integer.parseInt(arrays.group(1));
            String[] literals = arrays.group(2).split(",\\s*");
            assertEquals(K * K, literals.length, "elements of weight " + i);
            // The compiler may lay a MatMul's weights out for its kernel (transposed), so compare the
            // sorted bit patterns: every float of the model, once each, spelled exactly.
            int[] want = new int[K * K];
            int[] got = new int[K * K];
            for (int j = 0; j < K * K; j++) {
                String lit = literals[j].strip();
                want[j] = Float.floatToRawIntBits(weights[i][j]);
                got[j] = Float.floatToRawIntBits(Float.parseFloat(lit.substring(0, lit.length() - 1)));   // drop the f
            }
            Arrays.sort(want);
            Arrays.sort(got);
            assertArrayEquals(want, got, "the float bit patterns of weight " + i);
        }
        assertEquals(LAYERS, found, "weight arrays in big_weights.c");
    }
}
