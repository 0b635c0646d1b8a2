import com.google.protobuf.ByteString;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The compile-time benchmark (tools/bench-compile runs it): how long the compiler takes, and how much
 * heap it needs, for models with big weights. It writes synthetic MindIR models (random weights, fixed
 * seed), compiles each with the CLI in a child JVM limited to -Xmx (1g unless --xmx), and prints wall
 * time, the child's CPU time and its peak heap (the sum of the heap pools' peaks, read by a shutdown hook
 * in the child, so an upper bound). Models:
 * <ul>
 *   <li>int8-4MB: a 4 MiB int8 constant as a graph output (no int8 kernel with weights exists yet, so the
 *       constant reaches the C file as a weight copied to the output; the cost measured is the weights');</li>
 *   <li>float-4MB and float-100MB: chains of MatMul x[1,1024] * W[1024,1024] with 1 and 25 float weights;</li>
 *   <li>any --model FILE given (e.g. tests/fixtures/mobilenetv2/model.mindir).</li>
 * </ul>
 * Not a test: nothing here asserts a speed (CompileMemoryTest in the suite guards the memory).
 */
public final class CompileBenchmark {
    static final int K = 1024;

    public static void main(String[] args) throws Exception {
        Path jar = null;
        String xmx = "1g";
        String target = "host";
        List<Path> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--xmx" -> xmx = args[++i];
                case "--target" -> target = args[++i];
                case "--model" -> extra.add(Path.of(args[++i]));
                case "--write-matmul-chain" -> {   // LAYERS FILE: only write that model (4 MiB of weights a layer)
                    Files.write(Path.of(args[i + 2]), matMulChain(Integer.parseInt(args[i + 1])));
                    return;
                }
                default -> throw new IllegalArgumentException("usage: CompileBenchmark --jar JAR [--xmx 1g] [--target host] [--model FILE]...\n"
                        + "   or: CompileBenchmark --write-matmul-chain LAYERS FILE");
            }
        }
        Path work = Files.createTempDirectory("bench-compile");
        try {
            Path probe = compileProbe(work);
            List<Path> models = new ArrayList<>();
            models.add(Files.write(work.resolve("int8-4MB.mindir"), int8Constant(4 << 20)));
            models.add(Files.write(work.resolve("float-4MB.mindir"), matMulChain(1)));
            models.add(Files.write(work.resolve("float-100MB.mindir"), matMulChain(25)));
            models.addAll(extra);
            System.out.printf(Locale.ROOT, "%-28s %10s %8s %8s %10s %s%n", "model (" + target + ", -Xmx" + xmx + ")", "file MB", "wall s", "cpu s", "heap MB", "result");
            for (Path m : models) {
                run(jar, probe, xmx, target, m, work.resolve("out"));
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The child's main: runs the CLI and, on exit, prints its CPU time and peak heap on stderr. */
    static final String PROBE = """
            public final class CompileProbe {
                public static void main(String[] args) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        long heap = 0;
                        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                                heap += pool.getPeakUsage().getUsed();
                            }
                        }
                        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                        System.err.println("PROBE cpu_ns=" + os.getProcessCpuTime() + " heap=" + heap);
                    }));
                    org.microcodegen.cli.Main.main(args);
                }
            }
            """;

    static Path compileProbe(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("probe"));
        Path src = Files.writeString(dir.resolve("CompileProbe.java"), PROBE);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("could not compile the probe");
        }
        return dir;
    }

    static void run(Path jar, Path probe, String xmx, String target, Path model, Path out) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                "-cp", jar + java.io.File.pathSeparator + probe, "CompileProbe",
                "--model", model.toString(), "--target", target, "--output", out.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = Double.NaN;
        double heap = Double.NaN;
        StringBuilder rest = new StringBuilder();
        for (String line : output.split("\n")) {
            if (line.startsWith("PROBE ")) {
                cpu = Long.parseLong(line.replaceAll(".*cpu_ns=(\\d+).*", "$1")) / 1e9;
                heap = Long.parseLong(line.replaceAll(".*heap=(\\d+).*", "$1")) / 1048576.0;
            } else if (rc != 0 && rest.length() == 0 && !line.isBlank()) {
                rest.append(line.length() > 80 ? line.substring(0, 80) : line);
            }
        }
        System.out.printf(Locale.ROOT, "%-28s %10.1f %8.1f %8.1f %10.0f %s%n", model.getFileName().toString().replace(".mindir", "")
                        + (model.getFileName().toString().equals("model.mindir") ? " (" + model.getParent().getFileName() + ")" : ""),
                Files.size(model) / 1048576.0, wall, cpu, heap, rc == 0 ? "ok" : "exit " + rc + ": " + rest);
    }

    static byte[] randomFloats(int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putFloat((float) (rnd.nextGaussian() * 0.05));
        }
        return b.array();
    }

    static TensorProto.Builder tensor(int dtype, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(dtype);
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    static byte[] model(GraphProto.Builder g) {
        return ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore").setLittleEndian(true).setGraph(g).build().toByteArray();
    }

    /** x float32[1,K] -> MatMul W0 -> ... -> MatMul W(layers-1) -> y, each W float32[K,K]. */
    static byte[] matMulChain(int layers) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(tensor(1, 1, K)))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y" + (layers - 1)));
        String prev = "g:x";
        for (int i = 0; i < layers; i++) {
            g.addParameter(tensor(1, K, K).setName("g:w" + i).setRawData(ByteString.copyFrom(randomFloats(K * K, i))));
            g.addNode(NodeProto.newBuilder().setName("fc" + i).setOpType("MatMul").setDomain("Default/fc" + i)
                    .addInput(prev).addInput("g:w" + i).addOutput("g:y" + i));
            prev = "g:y" + i;
        }
        return model(g);
    }

    /** x int8[2,2] -> Reshape -> y int8[4], and an int8[bytes] constant as a second output. */
    static byte[] int8Constant(int bytes) {
        byte[] w = new byte[bytes];
        new SplittableRandom(8).nextBytes(w);
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(tensor(3, 2, 2)))
                .addOutput(ValueInfoProto.newBuilder().setName("g:y"))
                .addOutput(ValueInfoProto.newBuilder().setName("g:w"))
                .addParameter(tensor(3, bytes).setName("g:w").setRawData(ByteString.copyFrom(w)))
                .addNode(NodeProto.newBuilder().setName("shape").setOpType("Constant").addOutput("shape")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.INT64).addInts(4)))
                .addNode(NodeProto.newBuilder().setName("reshape").setOpType("Reshape").setDomain("Default/reshape")
                        .addInput("g:x").addInput("shape").addOutput("g:y"));
        return model(g);
    }
}
