package org.microcodegen.e2e;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model file is untrusted input (issue 14): names in it must never become code, and names the user or
 * the model file choose must never make the output replace the runtime's files or the C library's
 * headers. Also: a model with 50,000 layers of one name compiles in linear time.
 *
 * <p>The hostile model's names carry everything that ends or escapes a comment in C or Java; its code,
 * with comments and string literals removed by the small lexers below (which do what the C
 * preprocessor and javac do first: trigraphs and line splices, Unicode escapes), must not contain the
 * marker the names carry, and the model must build with the strict flags and compute what the same
 * network with plain names computes.
 */
class HostileNamesTest {
    /** In every hostile name; sanitising into an identifier lower- or upper-cases it, so it survives only as text. */
    private static final String MARKER = "Mk9Q";
    static final String HOSTILE = " */ Mk9Q_c(); /* ??/\nMk9Q_t(); \\u000a Mk9Q_j(); \\uZZZZ \\u005cu000a"
            + " \n Mk9Q_n(); \r Mk9Q_r(); \u0001\u0000\u001a\u2028\u0085 \u00e9 \ud83d\ude00 \"q\" '\\ end\\";

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- models

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static final float[] W = {0.5f, -1.25f, 2f, -3f, 0.75f, 1f, -0.5f, 4f};
    private static final float[] W2 = {1.5f, 2f, -1f, 0.25f, 3f, -2f, 1f, 0.5f};

    /**
     * y = ReLU(x + w) * w2 and y2 = ReLU(x + w) - x, every name (inputs, parameters, node names, scopes,
     * values, outputs) followed by {@code suffix}.
     */
    static ModelProto twoOutputModel(String suffix) {
        TensorProto type = TensorProto.newBuilder().addDims(1).addDims(8).setDataType(1).build();
        String x = "g:x" + suffix;
        String w = "g:w" + suffix;
        String w2 = "g:w2" + suffix;
        String sum = "g:sum" + suffix;
        String relu = "g:relu" + suffix;
        String y = "g:y" + suffix;
        String y2 = "g:y2" + suffix;
        GraphProto g = GraphProto.newBuilder().setName("g" + suffix)
                .addInput(ValueInfoProto.newBuilder().setName(x).addTensor(type))
                .addParameter(type.toBuilder().setName(w).setRawData(ByteString.copyFrom(floats(W))))
                .addParameter(type.toBuilder().setName(w2).setRawData(ByteString.copyFrom(floats(W2))))
                .addNode(node("add" + suffix, "Add", "Default/add" + suffix + "-Add/Add-op0", sum, x, w))
                .addNode(node("relu" + suffix, "ReLU", "Default/act" + suffix + "-ReLU/ReLU-op1" + suffix, relu, sum))
                .addNode(node("mul" + suffix, "Mul", "Default/mul" + suffix + "-Mul/Mul-op2", y, relu, w2))
                .addNode(node("sub" + suffix, "Sub", suffix, y2, relu, x))
                .addOutput(ValueInfoProto.newBuilder().setName(y).addTensor(type))
                .addOutput(ValueInfoProto.newBuilder().setName(y2).addTensor(type))
                .build();
        return ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore").setLittleEndian(true).setGraph(g).build();
    }

    private static NodeProto node(String name, String op, String scope, String output, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op).setDomain(scope).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    /** {@code layers} ReLUs in a chain, all from one module: every layer name clashes with all before it. */
    static ModelProto reluChain(int layers) {
        TensorProto type = TensorProto.newBuilder().addDims(1).addDims(8).setDataType(1).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("chain")
                .addInput(ValueInfoProto.newBuilder().setName("g:x").addTensor(type));
        String previous = "g:x";
        for (int i = 0; i < layers; i++) {
            String out = "g:r" + i;
            g.addNode(node("relu" + i, "ReLU", "Default/relu-ReLU/ReLU-op" + i, out, previous));
            previous = out;
        }
        g.addOutput(ValueInfoProto.newBuilder().setName(previous).addTensor(type));
        return ModelProto.newBuilder().setIrVersion("0.1.1").setProducerName("MindSpore").setLittleEndian(true).setGraph(g).build();
    }

    private Path write(String fileName, ModelProto model) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("models"));
        return Files.write(dir.resolve(fileName), model.toByteArray());
    }

    // ---------------------------------------------------------------- hostile names

    @Test
    void hostileNamesStayInCommentsAndTheModelStillComputesTheSame() throws IOException {
        Path clean = write("clean.mindir", twoOutputModel(""));
        // The file name is model text too: it is printed in every banner and in the Makefile's comment.
        Path hostile = write("hostile ??\\u000a*\nMk9Q_f: ;\n\\.mindir", twoOutputModel(HOSTILE));
        float[] x = {1f, 2f, -3f, 4f, -0.5f, -6f, 7f, -8f};
        Path in = tmp.resolve("x.bin");
        E2E.writeFloats(in, x);
        float[][] expected = {new float[8], new float[8]};
        for (int i = 0; i < 8; i++) {
            float r = Math.max(0f, x[i] + W[i]);
            expected[0][i] = r * W2[i];
            expected[1][i] = r - x[i];
        }

        E2E.requireCc();
        for (String target : ToolProvider.getSystemJavaCompiler() == null ? List.of("host") : List.of("host", "java")) {
            for (Path model : List.of(clean, hostile)) {
                String what = target + " " + (model == clean ? "clean" : "hostile");
                Path y = tmp.resolve("y.bin");
                Path y2 = tmp.resolve("y2.bin");
                E2E.CliResult r = E2E.cli("run", "--model", model.toString(), "--target", target, "--input", in.toString(),
                        "--out", y.toString(), "--out", y2.toString());
                assertEquals(0, r.exit(), () -> what + ": " + r);
                assertArrayEquals(expected[0], E2E.readFloats(y), what + ": output 0");
                assertArrayEquals(expected[1], E2E.readFloats(y2), what + ": output 1");
            }
        }

        Path c = tmp.resolve("c");
        E2E.cli("--model", hostile.toString(), "--target", "cortex-m4", "--output", c.toString());
        Map<String, byte[]> files = E2E.folderContents(c);
        assertTrue(files.containsKey("Makefile") && files.containsKey("main.c"), "no firmware project: " + files.keySet());
        List<String> cc = new ArrayList<>(List.of("cc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-trigraphs", "-I.", "-Imodel", "-c"));
        boolean sawMarker = false;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String text = new String(f.getValue(), StandardCharsets.UTF_8);
            sawMarker |= text.contains(MARKER);
            if (f.getKey().endsWith(".c") || f.getKey().endsWith(".h")) {
                assertFalse(CCode.code(text).contains(MARKER), f.getKey() + ": model text outside comments:\n" + CCode.code(text));
                if (f.getKey().endsWith(".c") && !f.getKey().startsWith("board/") && !f.getKey().equals("main.c")) {
                    cc.add(f.getKey());
                }
            }
        }
        assertTrue(sawMarker, "the hostile names should appear in comments");
        for (String line : new String(files.get("Makefile"), StandardCharsets.UTF_8).split("\n", -1)) {
            assertFalse(!line.startsWith("#") && line.contains(MARKER), "Makefile: model text outside a comment: " + line);
        }
        E2E.ProcResult built = E2E.exec(c, cc);
        assertEquals(0, built.exit(), () -> "strict C build with -trigraphs failed:\n" + built.output());

        Path j = tmp.resolve("java");
        E2E.CliResult r = E2E.cli("--model", hostile.toString(), "--target", "java", "--output", j.toString());
        assertEquals(0, r.exit(), r::toString);
        for (Map.Entry<String, byte[]> f : E2E.folderContents(j).entrySet()) {
            if (f.getKey().endsWith(".java")) {
                String code = JavaCode.code(new String(f.getValue(), StandardCharsets.UTF_8));
                assertFalse(code.contains(MARKER), f.getKey() + ": model text outside comments:\n" + code);
            }
        }
    }

    /** The C translation phases that matter here (trigraphs, line splices), then everything but comments and literals. */
    static final class CCode {
        private static final String TRIGRAPHS = "=#/\\'^([)]!|<{>}-~";

        static String code(String source) {
            StringBuilder t = new StringBuilder();
            for (int i = 0; i < source.length(); i++) {
                int k = i + 2 < source.length() && source.startsWith("??", i) ? TRIGRAPHS.indexOf(source.charAt(i + 2)) : -1;
                if (k >= 0 && k % 2 == 0) {
                    t.append(TRIGRAPHS.charAt(k + 1));
                    i += 2;
                } else {
                    t.append(source.charAt(i));
                }
            }
            return withoutCommentsAndLiterals(t.toString().replace("\\\r\n", "").replace("\\\n", ""));
        }
    }

    /** javac's first step (Unicode escapes, JLS 3.3), then everything but comments and literals. */
    static final class JavaCode {
        static String code(String source) {
            StringBuilder t = new StringBuilder();
            int backslashes = 0;
            for (int i = 0; i < source.length(); i++) {
                char c = source.charAt(i);
                if (c == '\\' && backslashes % 2 == 0 && i + 1 < source.length() && source.charAt(i + 1) == 'u') {
                    int j = i + 1;
                    while (j < source.length() && source.charAt(j) == 'u') {
                        j++;
                    }
                    String hex = source.substring(j, Math.min(source.length(), j + 4));
                    assertTrue(hex.matches("[0-9a-fA-F]{4}"), "javac would reject the Unicode escape at " + source.substring(i, j + hex.length()));
                    t.append((char) Integer.parseInt(hex, 16));
                    i = j + 3;
                    backslashes = 0;
                    continue;
                }
                backslashes = c == '\\' ? backslashes + 1 : 0;
                t.append(c);
            }
            return withoutCommentsAndLiterals(t.toString());
        }
    }

    /** Source text after the language's first translation steps, with comments and string and character literals removed. */
    private static String withoutCommentsAndLiterals(String s) {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 1;
                code.append(' ');
            } else if (s.startsWith("//", i)) {
                while (i + 1 < s.length() && s.charAt(i + 1) != '\n' && s.charAt(i + 1) != '\r') {
                    i++;
                }
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                i = endOfLiteral(s, i);
                code.append("\"\"");
            } else {
                code.append(s.charAt(i));
            }
        }
        return code.toString();
    }

    /** The index of the quote that closes the literal opening at {@code start}, or the end of the line. */
    private static int endOfLiteral(String s, int start) {
        char quote = s.charAt(start);
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote || c == '\n' || c == '\r') {
                return i;
            }
        }
        return s.length();
    }

    // ---------------------------------------------------------------- --name

    @Test
    void namesOfRuntimeModulesAndLibraryHeadersAreRefused() throws IOException {
        Path model = write("m.mindir", twoOutputModel(""));
        for (String name : List.of("mc_conv2d", "mc_common", "math", "stdint", "stddef", "STDIO", "main", "test_data", "board")) {
            Path out = tmp.resolve("out_" + name);
            E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "cortex-m4", "--output", out.toString(), "--name", name);
            String line = E2E.assertCleanFailure(r, "--name " + name);
            assertTrue(line.contains("'" + name + "'") && line.contains("choose another name"), line);
            assertFalse(Files.exists(out), "--name " + name + ": output written");
        }
    }

    @Test
    void aModelFileNamedLikeALibraryHeaderGetsASafeName() throws IOException {
        for (String stem : List.of("math", "mc_conv2d")) {
            Path model = write(stem + ".mindir", twoOutputModel(""));
            Path out = tmp.resolve("out_" + stem);
            E2E.compile(model, out);
            String safe = stem.equals("math") ? "math_model" : "model_mc_conv2d";
            assertTrue(Files.isRegularFile(out.resolve(safe + ".c")) && Files.isRegularFile(out.resolve(safe + ".h")),
                    stem + ".mindir: expected " + safe + ".c/.h in " + E2E.folderContents(out).keySet());
            assertFalse(Files.exists(out.resolve(stem + ".h")), stem + ".h written");
        }
    }

    // ---------------------------------------------------------------- linear time

    /**
     * 50,000 ReLUs of one module compile in under 10 s with a 1 GB heap (issue 14, defect 7), in a child
     * JVM with -Xmx1g. Either clock under 10 s passes: wall time grows when the machine running the tests
     * is busy, CPU time when the JVM's parallel GC and JIT threads work beside the compile (the report
     * files of a 50,000-layer model are 60 MB), but the quadratic version took 102 s of CPU and 190 s of
     * wall time, so either clock tells linear from quadratic. Measured on the idle 2-core machine:
     * 4.0 s wall, 7.8 s CPU. Tagged "alone": surefire runs it after the other classes, with no second
     * test JVM beside it (beside one it took 10.5 s of CPU and 11.9 s of wall time, 2026-11-30).
     */
    @Test
    @Tag("alone")
    void fiftyThousandLayersOfOneNameCompileInLinearTime() throws Exception {
        Path model = write("chain.mindir", reluChain(50_000));
        Path out = tmp.resolve("chain");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx1g", "-cp", System.getProperty("java.class.path"), TimedCompile.class.getName(),
                "--model", model.toString(), "--output", out.toString()).redirectErrorStream(true).start();
        byte[] log = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String text = new String(log, StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(done && p.exitValue() == 0, () -> "compile failed or hung (-Xmx1g):\n" + text);
        Matcher m = Pattern.compile("cpu (\\d+) ms, wall (\\d+) ms").matcher(text);
        assertTrue(m.find(), text);
        long cpuMs = Long.parseLong(m.group(1));
        long wallMs = Long.parseLong(m.group(2));
        assertTrue(cpuMs < 10_000 || wallMs < 10_000, "50,000 layers took " + cpuMs + " ms of CPU and " + wallMs + " ms of wall time");
        assertTrue(E2E.read(out.resolve("chain.c")).contains("relu_relu_49999"), "the last layer's name");
    }

    /** Runs the CLI and prints its process's CPU and wall time: the child JVM of the test above. */
    public static final class TimedCompile {
        public static void main(String[] args) {
            long start = System.nanoTime();
            int exit = org.microcodegen.cli.Main.execute(args);
            long wall = (System.nanoTime() - start) / 1_000_000;
            long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
            System.out.println("timed compile: cpu " + cpu + " ms, wall " + wall + " ms, exit " + exit);
            System.exit(exit);
        }
    }
}
