package org.microcodegen.e2e;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.CompileOptions;
import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.JavaEmitter;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;
import org.microcodegen.ir.Graph;
import org.microcodegen.ptq.GraphInterpreter;
import org.microcodegen.ptq.PostTrainingQuantization;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.quant.Reference;
import org.microcodegen.target.RunExtras;
import org.microcodegen.target.Target;
import org.microcodegen.target.TargetOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The class file's limits do not bound the model on the Java target: an int8 network of 1,000 fully connected
 * layers, one of them 40,000 channels wide, compiles for the JVM and gives the host build's output (and the
 * compile-time interpreter's) bit for bit. Its per-channel tables alone, as array initializers, would need
 * hundreds of kilobytes of class initializer, and its parameter objects and kernel calls more than the
 * JVM's 64 KB per method: the tables come from the weights resource and the code is split into parts.
 */
class JavaClassLimitsTest {
    private static final int LAYERS = 1000;
    private static final int WIDTH = 8;
    private static final int WIDE = 40_000;
    private static final int WIDE_LAYER = 500;
    private static final Pattern PART = Pattern.compile("private static final class (Steps\\d+To\\d+)");

    @TempDir
    Path tmp;

    /** A chain of MatMul layers x[1, in] @ w[in, out] with seeded N(0, 1/in) weights; layer WIDE_LAYER is WIDE wide. */
    private Path model() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(TensorProto.newBuilder().setDataType(1).addDims(1).addDims(WIDTH)))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y" + (LAYERS - 1)));
        String prev = "g:x";
        int in = WIDTH;
        for (int i = 0; i < LAYERS; i++) {
            int out = i == WIDE_LAYER ? WIDE : WIDTH;
            SplittableRandom rnd = new SplittableRandom(i);
            ByteBuffer b = ByteBuffer.allocate(in * out * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < in * out; j++) {
                b.putFloat((float) (rnd.nextDouble(-1, 1) * Math.sqrt(3.0 / in)));
            }
            g.addParameter(TensorProto.newBuilder().setDataType(1).addDims(in).addDims(out).setName("g:w" + i)
                    .setRawData(ByteString.copyFrom(b.array())));
            g.addNode(NodeProto.newBuilder().setName("fc" + i).setOpType("MatMul").setDomain("Default/fc" + i)
                    .addInput(prev).addInput("g:w" + i).addOutput("g:y" + i));
            prev = "g:y" + i;
            in = out;
        }
        return Files.write(tmp.resolve("deep.mindir"), ModelProto.newBuilder().setIrVersion("0.1.1")
                .setProducerName("MindSpore").setLittleEndian(true).setGraph(g).build().toByteArray());
    }

    @Test
    void aDeepAndWideInt8NetworkRunsOnTheJvmAsOnTheHost() throws IOException {
        E2E.requireCc();
        Path model = model();
        Path cal = PostTrainingQuantizationTest.samples(tmp.resolve("cal"), WIDTH, 10, 5);
        QuantizeOptions o = new QuantizeOptions(QuantizeOptions.Mode.INT8, cal, Map.of(), 0, QuantizeOptions.Method.MAX_MIN, true, true, 8, 0, 16);
        Graph q = PostTrainingQuantization.int8(NhwcLayoutTest.standard(model), o, Reference.LITERT, model.toString()).graph();
        Path input = PostTrainingQuantizationTest.samples(tmp.resolve("in"), WIDTH, 1, 6).resolve("sample000.bin");
        float[] expected = (float[]) new GraphInterpreter(q, Reference.LITERT, null).run(List.of(E2E.readFloats(input)), null)
                .get(q.outputs().get(0));

        float[] host = null;
        for (String name : List.of("host", "java")) {
            Target t = Target.byName(name);
            TargetOptions options = new TargetOptions(null, null, null, null, null, null);
            t.check(options);
            CompiledModel cm = Compiler.lower(q, "deep", model.toString(), t, CompileOptions.DEFAULTS.withQuantize(o));
            if (name.equals("java")) {
                // the split this test is about: several parts, each its own nested class
                String source = new String(JavaEmitter.render(cm, JavaEmitter.DEFAULT_PACKAGE).get("micro/codegen/DeepModel.java"),
                        StandardCharsets.UTF_8);
                Matcher m = PART.matcher(source);
                int parts = 0;
                while (m.find()) {
                    parts++;
                }
                assertTrue(parts >= 2, "expected the code in several parts, found " + parts);
                assertTrue(source.contains("Arrays.copyOfRange(WEIGHTS_I32"), "tables are not read from the weights resource");
            }
            Path y = tmp.resolve(name + ".bin");
            t.run(cm, options, List.of(input), List.of(y), new RunExtras(null, false, null));
            float[] got = E2E.readFloats(y);
            assertArrayEquals(expected, got, name + ": not the interpreter's output");
            if (host == null) {
                host = got;
            } else {
                assertArrayEquals(host, got, "the JVM's output differs from the host build's");
            }
        }
    }
}
