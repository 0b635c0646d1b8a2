package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto.AttributeType;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graph inputs and outputs of dtypes other than float32, end to end: a MindIR model "input → Reshape →
 * output" of each integer dtype is compiled and run on the host, the JVM and QEMU. Reshape is a view and
 * the output copy moves bits, so the expected output is the input's bytes, which no code of ours chose:
 * they are a fixed pattern written by this test. A dtype no kernel handles is refused by the registry.
 */
class NonFloatInterfaceTest {
    private static final long[] IN_SHAPE = {1, 2, 3, 4};

    @TempDir
    Path tmp;

    private static TensorProto.Builder type(int mindirDtype, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(mindirDtype);
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /** input "g:x" of {@code mindirDtype} [1,2,3,4] → {@code op} → output. */
    private Path model(int mindirDtype, String op) throws IOException {
        NodeProto.Builder node = NodeProto.newBuilder().setName("layer").setOpType(op).setDomain("Default/layer")
                .addInput("g:x").addOutput("g:y");
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(type(mindirDtype, IN_SHAPE)))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y"));
        if (op.equals("Reshape")) {
            g.addNode(NodeProto.newBuilder().setName("shape").setOpType("Constant").addOutput("shape")
                    .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeType.INT64).addInts(2).addInts(12)));
            node.addInput("shape");
        }
        g.addNode(node);
        ModelProto m = ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore")
                .setLittleEndian(true).setGraph(g).build();
        return Files.write(tmp.resolve("model_" + mindirDtype + ".mindir"), m.toByteArray());
    }

    /** 24 elements of {@code byteSize} bytes, every byte different and the sign bits set in some. */
    private static byte[] pattern(int byteSize) {
        byte[] b = new byte[24 * byteSize];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 37 + 0x81);
        }
        return b;
    }

    @ParameterizedTest(name = "{0}: input bytes come out unchanged on host, JVM and cortex-m4")
    @CsvSource({"int8, 3, 1, int8_t", "uint8, 2, 1, uint8_t", "int16, 5, 2, int16_t", "int32, 6, 4, int32_t",
            "int64, 7, 8, int64_t", "bool, 9, 1, uint8_t"})
    void reshapeKeepsTheBytes(String dtype, int mindirDtype, int byteSize, String cType) throws IOException {
        Path model = model(mindirDtype, "Reshape");
        Path src = tmp.resolve("c");
        E2E.compile(model, src, "--name", "reshaped");
        String header = Files.readString(src.resolve("reshaped.h"), StandardCharsets.UTF_8);
        assertTrue(header.contains("const " + cType + " *"), "the C API takes the graph's own type:\n" + header);
        assertTrue(header.contains(cType + " *output"), "the C API writes the graph's own type:\n" + header);

        Path input = Files.write(tmp.resolve("x.bin"), pattern(byteSize));
        E2E.requireCc();
        run(model, input, "host");
        run(model, input, "java");
        E2E.requireCortexMTools();
        run(model, input, "cortex-m4");
    }

    private void run(Path model, Path input, String target) throws IOException {
        Path out = tmp.resolve(target + ".bin");
        E2E.CliResult r = E2E.cli("run", "--model", model.toString(), "--target", target, "--input", input.toString(),
                "--out", out.toString());
        assertEquals(0, r.exit(), () -> target + ": " + r);
        assertTrue(!target.startsWith("cortex") || r.out().contains("wrote"), () -> target + ": no firmware report: " + r);
        assertArrayEquals(Files.readAllBytes(input), Files.readAllBytes(out), target + ": output bytes differ from the input's");
    }

    @Test
    void javaApiTakesTheGraphsTypes() throws IOException {
        Path out = tmp.resolve("j");
        E2E.CliResult r = E2E.cli("--model", model(6, "Reshape").toString(), "--target", "java", "--name", "reshaped",
                "--output", out.toString());
        assertEquals(0, r.exit(), r::toString);
        String src = Files.readString(out.resolve("micro/codegen/ReshapedModel.java"), StandardCharsets.UTF_8);
        assertTrue(src.contains("public static void run(int[] x, int[] output)"), src);
        assertTrue(src.contains("Copy.copy(x, 0, output, 0, 24);"), src);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"host", "java", "cortex-m4"})
    void aDtypeWithoutKernelIsTheRegistrysOneLineError(String target) throws IOException {
        Path out = tmp.resolve("o");
        // int32: ReLU has float32 kernels and TFLite's quantized int8/int16 ones, none for int32
        E2E.CliResult r = E2E.cli("--model", model(6, "ReLU").toString(), "--target", target, "--output", out.toString());
        String line = E2E.assertCleanFailure(r, "int32 Relu on " + target);
        for (String part : new String[] {"layer", "no kernel for Relu", "int32", "for target " + target}) {
            assertTrue(line.contains(part), () -> "expected '" + part + "' in: " + line);
        }
        assertFalse(Files.exists(out));
    }
}
