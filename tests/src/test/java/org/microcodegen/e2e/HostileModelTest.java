package org.microcodegen.e2e;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto.AttributeType;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-built hostile or broken MindIR files (issue 14): each must be refused with exit 2, exactly one
 * stderr line naming the file (and the node, where there is one), no stack trace and no output folder.
 * The models are built with the protobuf classes of the frontend, so each one isolates one defect.
 */
class HostileModelTest {
    private static final String INPUT = "g:x";

    @TempDir
    Path tmp;

    private Path out() {
        return tmp.resolve("generated");
    }

    // ------------------------------------------------------------------ model building

    /** A float32 tensor type [dims]. */
    private static TensorProto.Builder f32(long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(1);
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    private static byte[] floats(int count) {
        ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putFloat(0.25f * i);
        }
        return b.array();
    }

    /** A graph with one float32 input "g:x" [1,1,8,8] and the given output. */
    private static GraphProto.Builder graph(String output) {
        return GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName(INPUT).addTensor(f32(1, 1, 8, 8)))
                .addOutput(ValueInfoProto.newBuilder().setName(output));
    }

    private static NodeProto.Builder node(String name, String opType, String output, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(opType).setDomain("Default/" + name);
        n.addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INT64);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    /** A Constant node holding an int64 scalar. */
    private static NodeProto.Builder constant(String output, long value) {
        return NodeProto.newBuilder().setName(output).setOpType("Constant").addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeType.INT64).setI(value));
    }

    /** A Constant node holding an int64 vector. */
    private static NodeProto.Builder constants(String output, long... values) {
        return NodeProto.newBuilder().setName(output).setOpType("Constant").addOutput(output).addAttribute(ints("value", values));
    }

    /** A float32 parameter with inline data. */
    private static TensorProto parameter(String name, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return f32(dims).setName(name).setRawData(ByteString.copyFrom(floats((int) n))).build();
    }

    private Path write(String fileName, GraphProto.Builder g) throws IOException {
        return write(tmp, fileName, g);
    }

    private static Path write(Path dir, String fileName, GraphProto.Builder g) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore")
                .setLittleEndian(true).setGraph(g).build();
        return Files.write(dir.resolve(fileName), m.toByteArray());
    }

    // ------------------------------------------------------------------ assertions

    /** Compiles {@code model}; asserts the clean failure, no output folder, and that the line names the file. */
    private String compileFails(Path model, String context) {
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "host", "--output", out().toString());
        String line = E2E.assertCleanFailure(r, context);
        assertFalse(Files.exists(out()), context + ": output folder exists after the error");
        assertContains(line, model.getFileName().toString());
        return line;
    }

    private static void assertContains(String line, String expected) {
        assertTrue(line.contains(expected), () -> "expected '" + expected + "' in: " + line);
    }

    // ------------------------------------------------------------------ external data (defect 2)

    /**
     * y = x + w with w [1,1,1,1] (4 bytes, so that any file the link points at is long enough) read from an
     * external file at {@code location} in the model's folder.
     */
    private Path externalWeightModel(Path dir, String location) throws IOException {
        TensorProto w = f32(1, 1, 1, 1).setName("g:w").setExternalData(TensorProto.ExternalDataProto.newBuilder()
                .setLocation(location).setOffset(0).setLength(4)).build();
        GraphProto.Builder g = graph("g:y").addParameter(w).addNode(node("add", "Add", "g:y", INPUT, "g:w"));
        return write(dir, "ext.mindir", g);
    }

    @Test
    void externalDataThroughASymlinkIsRefused() throws IOException {
        Path target = Path.of("/etc/passwd");
        E2E.require(Files.isReadable(target), "no readable /etc/passwd");
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.createSymbolicLink(dir.resolve("link.bin"), target);
        Path model = externalWeightModel(dir, "link.bin");
        assertContains(compileFails(model, "symlink"), "link.bin");
    }

    @Test
    void externalDataThroughASymlinkedFolderIsRefused() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.write(outside.resolve("w.bin"), floats(64));
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.createSymbolicLink(dir.resolve("sub"), outside);
        compileFails(externalWeightModel(dir, "sub/w.bin"), "symlinked folder");
    }

    @Test
    void externalDataThroughAHardLinkIsRefused() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path secret = Files.write(outside.resolve("secret.bin"), floats(64));
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.createLink(dir.resolve("data.bin"), secret);
        assertContains(compileFails(externalWeightModel(dir, "data.bin"), "hard link"), "link");
    }

    @Test
    void externalDataFromAFifoIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Path fifo = dir.resolve("fifo.bin");
        mkfifo(fifo);
        assertContains(compileFails(externalWeightModel(dir, "fifo.bin"), "fifo"), "not a regular file");
    }

    @Test
    void externalDataThatIsAFolderIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.createDirectories(dir.resolve("weights.bin"));
        assertContains(compileFails(externalWeightModel(dir, "weights.bin"), "folder"), "not a regular file");
    }

    @Test
    void nulInExternalDataLocationIsRefusedAndEscaped() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.write(dir.resolve("w.bin"), floats(64));
        Path model = externalWeightModel(dir, "w.bin\0.txt");
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "host", "--output", out().toString());
        String line = E2E.assertCleanFailure(r, "NUL in location");
        assertFalse(r.err().contains("\0"), "raw NUL byte echoed: " + r);
        assertContains(line, "w.bin\\u0000.txt");
        assertFalse(Files.exists(out()));
    }

    @Test
    void controlCharactersInExternalDataLocationAreRefusedAndEscaped() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Path model = externalWeightModel(dir, "\u001b[2Jw.bin");
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "host", "--output", out().toString());
        String line = E2E.assertCleanFailure(r, "ESC in location");
        assertFalse(r.err().contains("\u001b"), "raw ESC echoed: " + r);
        assertContains(line, "\\u001b[2Jw.bin");
    }

    private static void mkfifo(Path p) throws Exception {
        E2E.require(E2E.onPath("mkfifo"), "no mkfifo on PATH");
        Process pr = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, pr.waitFor(), "mkfifo failed");
    }

    // ------------------------------------------------------------------ graph structure (defects 5, 6)

    @Test
    void cycle() throws IOException {
        GraphProto.Builder g = graph("g:b")
                .addNode(node("a", "ReLU", "g:a", "g:b"))
                .addNode(node("b", "ReLU", "g:b", "g:a"));
        assertContains(compileFails(write("cycle.mindir", g), "cycle"), "cycle");
    }

    @Test
    void selfLoop() throws IOException {
        GraphProto.Builder g = graph("g:a").addNode(node("a", "ReLU", "g:a", "g:a"));
        assertContains(compileFails(write("self.mindir", g), "self-loop"), "Default/a");
    }

    @Test
    void useBeforeDefinition() throws IOException {
        GraphProto.Builder g = graph("g:a")
                .addNode(node("a", "ReLU", "g:a", "g:b"))
                .addNode(node("b", "ReLU", "g:b", INPUT));
        assertContains(compileFails(write("order.mindir", g), "use before definition"), "Default/a");
    }

    @Test
    void tupleGetItemIndexOutOfRange() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(node("t", "MakeTuple", "g:t", INPUT, INPUT))
                .addNode(constant("g:i", 5))
                .addNode(node("get", "TupleGetItem", "g:g", "g:t", "g:i"))
                .addNode(node("y", "ReLU", "g:y", "g:g"));
        assertContains(compileFails(write("tgi_range.mindir", g), "TupleGetItem out of range"), "Default/get");
    }

    @Test
    void tupleGetItemWithARunTimeIndex() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(node("t", "MakeTuple", "g:t", INPUT, INPUT))
                .addNode(node("get", "TupleGetItem", "g:g", "g:t", INPUT))
                .addNode(node("y", "ReLU", "g:y", "g:g"));
        assertContains(compileFails(write("tgi_runtime.mindir", g), "TupleGetItem run-time index"), "Default/get");
    }

    @Test
    void tupleGetItemWithOneInput() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(node("t", "MakeTuple", "g:t", INPUT, INPUT))
                .addNode(node("get", "TupleGetItem", "g:g", "g:t"))
                .addNode(node("y", "ReLU", "g:y", "g:g"));
        assertContains(compileFails(write("tgi_one.mindir", g), "TupleGetItem one input"), "Default/get");
    }

    @Test
    void loadWithoutInputs() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(node("load", "Load", "g:l"))
                .addNode(node("y", "ReLU", "g:y", "g:l"));
        assertContains(compileFails(write("load.mindir", g), "Load without inputs"), "Default/load");
    }

    @Test
    void emptyValueName() throws IOException {
        GraphProto.Builder g = graph("")
                .addNode(node("y", "ReLU", "", INPUT));
        assertContains(compileFails(write("empty_value.mindir", g), "empty value name"), "Default/y");
    }

    @Test
    void concatWithoutItsTuple() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(constant("g:axis", 1))
                .addNode(node("cat", "Concat", "g:y", "g:axis"));
        assertContains(compileFails(write("concat.mindir", g), "Concat without tuple"), "Default/cat");
    }

    @Test
    void makeTupleListingItself() throws IOException {
        GraphProto.Builder g = graph("g:t")
                .addNode(node("t", "MakeTuple", "g:t", INPUT, "g:t"));
        assertContains(compileFails(write("tuple_self.mindir", g), "MakeTuple listing itself"), "Default/t");
    }

    @Test
    void makeTuplesListingEachOther() throws IOException {
        GraphProto.Builder g = graph("g:t")
                .addNode(node("t", "MakeTuple", "g:t", "g:u"))
                .addNode(node("u", "MakeTuple", "g:u", "g:t"));
        assertContains(compileFails(write("tuple_cycle.mindir", g), "MakeTuple cycle"), "Default/t");
    }

    @Test
    void duplicateGraphInputNames() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addInput(ValueInfoProto.newBuilder().setName(INPUT).addTensor(f32(1, 1, 4, 4)))
                .addNode(node("y", "ReLU", "g:y", INPUT));
        assertContains(compileFails(write("dup_input.mindir", g), "duplicate graph input"), INPUT);
    }

    @Test
    void duplicateValueNames() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(node("r", "ReLU", "g:y", INPUT))
                .addNode(node("s", "Sigmoid", "g:y", INPUT));
        String line = compileFails(write("dup_value.mindir", g), "duplicate value");
        assertContains(line, "g:y");
        assertContains(line, "Default/s");
    }

    @Test
    void valueNameThatShadowsAParameter() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addParameter(parameter("g:w", 1, 1, 8, 8))
                .addNode(node("w", "ReLU", "g:w", INPUT))
                .addNode(node("y", "Add", "g:y", INPUT, "g:w"));
        assertContains(compileFails(write("shadow.mindir", g), "value shadows a parameter"), "g:w");
    }

    @Test
    void emptyOpType() throws IOException {
        GraphProto.Builder g = graph("g:y").addNode(node("y", "", "g:y", INPUT));
        String line = compileFails(write("no_op.mindir", g), "empty op type");
        assertContains(line, "Default/y");
        assertFalse(line.contains("unsupported op  "), line);
    }

    // ------------------------------------------------------------------ attributes (defects 5, 6)

    /** Conv2D of x [1,1,8,8] with a [1,1,3,3] weight and the given extra attributes. */
    private Path conv(String fileName, AttributeProto... attrs) throws IOException {
        NodeProto.Builder c = node("conv", "Conv2D", "g:y", INPUT, "g:w")
                .addAttribute(ints("out_channel", 1)).addAttribute(ints("stride", 1, 1, 1, 1))
                .addAttribute(ints("dilation", 1, 1, 1, 1)).addAttribute(ints("group", 1))
                .addAttribute(string("format", "NCHW"));
        for (AttributeProto a : attrs) {
            c.addAttribute(a);
        }
        return write(fileName, graph("g:y").addParameter(parameter("g:w", 1, 1, 3, 3)).addNode(c));
    }

    @Test
    void conv2dCompilesWithSaneAttributes() throws IOException {
        // The baseline the hostile variants below differ from: proves they fail for their one defect.
        Path model = conv("conv_ok.mindir", ints("kernel_size", 3, 3), string("pad_mode", "pad"), ints("pad_list", 1, 1, 1, 1));
        E2E.compile(model, out());
    }

    @Test
    void conv2dPadOfMinusTwoToThe63() throws IOException {
        Path model = conv("conv_pad.mindir", ints("kernel_size", 3, 3), string("pad_mode", "pad"),
                ints("pad_list", Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE));
        assertContains(compileFails(model, "pad -2^63"), "Default/conv");
    }

    @Test
    void conv2dAbsurdStrideAndDilation() throws IOException {
        for (AttributeProto bad : List.of(ints("stride", 1, 1, Long.MAX_VALUE, 1), ints("dilation", 1, 1, 1 << 30, 1 << 30),
                ints("pad_list", 0, Integer.MAX_VALUE, 0, Integer.MAX_VALUE))) {
            Path model = conv("conv_" + bad.getName() + ".mindir", ints("kernel_size", 3, 3), string("pad_mode", "pad"), bad);
            assertContains(compileFails(model, "absurd " + bad.getName()), "Default/conv");
        }
    }

    @Test
    void conv2dKernelSizeThatDisagreesWithTheWeight() throws IOException {
        Path model = conv("conv_kernel.mindir", ints("kernel_size", 5, 5), string("pad_mode", "valid"));
        String line = compileFails(model, "kernel_size vs weight");
        assertContains(line, "Default/conv");
        assertContains(line, "kernel_size");
    }

    @Test
    void transposeAxisOutOfRangeNamesNodeAndFile() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(constants("g:perm", 0, 1, 2, 9))
                .addNode(node("tr", "Transpose", "g:y", INPUT, "g:perm"));
        String line = compileFails(write("perm.mindir", g), "perm axis");
        assertContains(line, "Default/tr");
        assertContains(line, "axis 9");
    }

    @Test
    void padOfTwoToThe63NamesTheNode() throws IOException {
        GraphProto.Builder g = graph("g:y").addNode(node("pad", "Pad", "g:y", INPUT)
                .addAttribute(ints("paddings", 0, 0, 0, 0, 0, Long.MAX_VALUE, 0, Long.MAX_VALUE)));
        String line = compileFails(write("pad.mindir", g), "Pad 2^63");
        assertContains(line, "Default/pad");
        assertContains(line, "out of range");
    }

    @Test
    void stridedSliceStrideOfTwoToThe63() throws IOException {
        GraphProto.Builder g = graph("g:y")
                .addNode(constants("g:b", 0, 0, 0, 0)).addNode(constants("g:e", 1, 1, 8, 8))
                .addNode(constants("g:s", 1, 1, 1, Long.MAX_VALUE))
                .addNode(node("slice", "StridedSlice", "g:y", INPUT, "g:b", "g:e", "g:s"));
        String line = compileFails(write("slice.mindir", g), "StridedSlice stride 2^63");
        assertContains(line, "Default/slice");
        assertContains(line, "stride " + Long.MAX_VALUE);
    }

    // ------------------------------------------------------------------ the model path itself (defect 8)

    @Test
    void modelPathThatIsAFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("folder.mindir"));
        assertContains(compileFails(dir, "folder"), "is a directory");
    }

    @Test
    void modelPathThatIsAFifo() throws Exception {
        Path fifo = tmp.resolve("pipe.mindir");
        mkfifo(fifo);
        assertContains(compileFails(fifo, "fifo model"), "is not a regular file");
    }
}
