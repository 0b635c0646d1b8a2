package org.microcodegen.e2e;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.frontend.onnx.proto.Onnx.AttributeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.GraphProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ModelProto;
import org.microcodegen.frontend.onnx.proto.Onnx.NodeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.StringStringEntryProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorShapeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX frontend on 2,400 mutated models (fixed seed): ONNX's node-test models and MNIST, damaged
 * at the byte level (flips, truncation, overwritten runs) and the structural level through the proto
 * (extreme attribute values, wrong dims and dtypes, other op names, broken names and graph order,
 * other opsets, external data pointing outside the model's folder). Each case must end within 10 s
 * with the CLI's contract ({@link MindIrFuzzer#problems}): exit 0 with an output folder, or exit 2
 * with one line and nothing written; never exit 1, a stack trace or a hang. Enabled, like
 * {@link MindIrFuzzTest}, by {@code -Dmicrocodegen.fuzz=true} (tools/test sets it); about 40 s.
 */
class OnnxFuzzTest {
    static final long SEED = 13;
    static final int CASES = 2_400;
    static final long CASE_LIMIT_SECONDS = 10;

    @TempDir
    Path tmp;

    record Mutant(byte[] model, String what, boolean mustFail) {
    }

    @Test
    @EnabledIfSystemProperty(named = "microcodegen.fuzz", matches = "true")
    void mutatedOnnxModelsFailCleanlyOrCompile() throws Exception {
        E2E.requireShared();
        List<Path> seeds = new ArrayList<>();
        try (Stream<Path> s = Files.list(OnnxNodeConformanceTest.nodeDir())) {
            s.sorted().forEach(d -> seeds.add(d.resolve("model.onnx")));
        }
        seeds.add(OnnxModelZooTest.mnist().resolve("model.onnx"));
        for (String qdq : OnnxQdqTest.MODELS) {
            // the QDQ int8 form: group recognition, quantization parameters, uint8 held as int8
            seeds.add(OnnxQdqTest.dir(qdq).resolve("model.onnx"));
        }
        List<byte[]> models = new ArrayList<>();
        for (Path p : seeds) {
            models.add(Files.readAllBytes(p));
        }
        ExecutorService cli = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "onnx-fuzz");
            t.setDaemon(true);
            return t;
        });
        Map<Integer, Integer> exits = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < CASES; i++) {
                Random rnd = new Random(MindIrFuzzer.caseSeed(SEED, i));
                int which = rnd.nextInt(models.size());
                Mutant m = mutate(models.get(which), rnd);
                Path dir = Files.createDirectories(tmp.resolve("case-" + i));
                Path model = Files.write(dir.resolve("model.onnx"), m.model());
                Path out = dir.resolve("out");
                Future<E2E.CliResult> f = cli.submit(() -> E2E.cli("--model", model.toString(), "--target", "host", "--output", out.toString()));
                E2E.CliResult r;
                try {
                    r = f.get(CASE_LIMIT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    failures.add("case " + i + " (" + seeds.get(which) + ", " + m.what() + "): no answer within " + CASE_LIMIT_SECONDS + " s");
                    break;
                } catch (ExecutionException e) {
                    failures.add("case " + i + " (" + seeds.get(which) + ", " + m.what() + "): threw " + e.getCause());
                    continue;
                }
                exits.merge(r.exit(), 1, Integer::sum);
                for (String p : MindIrFuzzer.problems(r, Files.exists(out, LinkOption.NOFOLLOW_LINKS), m.mustFail())) {
                    failures.add("case " + i + " (" + seeds.get(which).getParent().getFileName() + ", " + m.what() + "): " + p);
                }
                MindIrFuzzer.deleteTree(dir);
            }
        } finally {
            cli.shutdownNow();
        }
        System.out.printf("onnx fuzz: %d cases in %.1f s, exit codes %s, %d failures%n", CASES, (System.nanoTime() - start) / 1e9,
                exits, failures.size());
        failures.stream().limit(20).forEach(System.out::println);
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())), failures.size() + " failures");
        assertEquals(CASES, exits.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(exits.getOrDefault(0, 0) > 0 && exits.getOrDefault(2, 0) > 0, "the mutations should give both outcomes: " + exits);
    }

    static Mutant mutate(byte[] original, Random rnd) throws IOException {
        int kind = rnd.nextInt(10);
        if (kind < 3) {
            return bytes(original, rnd);
        }
        ModelProto m = ModelProto.parseFrom(original);
        ModelProto.Builder b = m.toBuilder();
        GraphProto.Builder g = b.getGraphBuilder();
        String what;
        boolean mustFail = false;
        switch (rnd.nextInt(9)) {
            case 0 -> {
                if (g.getNodeCount() == 0) {
                    return bytes(original, rnd);
                }
                NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
                long v = extreme(rnd);
                if (n.getAttributeCount() > 0) {
                    AttributeProto.Builder a = n.getAttributeBuilder(rnd.nextInt(n.getAttributeCount()));
                    if (a.getIntsCount() > 0) {
                        a.setInts(rnd.nextInt(a.getIntsCount()), v);
                    } else {
                        a.setI(v).setF(Float.intBitsToFloat((int) v));
                    }
                    what = "attribute " + a.getName() + " of " + n.getOpType() + " set to " + v;
                } else {
                    n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(v));
                    what = "attribute axis=" + v + " added to " + n.getOpType();
                }
            }
            case 1 -> {
                if (g.getInputCount() == 0 || !g.getInput(0).getType().hasTensorType()) {
                    return bytes(original, rnd);
                }
                ValueInfoProto.Builder in = g.getInputBuilder(rnd.nextInt(g.getInputCount()));
                TensorShapeProto.Builder s = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                if (s.getDimCount() > 0 && rnd.nextBoolean()) {
                    long v = rnd.nextBoolean() ? extreme(rnd) : 1 + rnd.nextInt(9);
                    s.getDimBuilder(rnd.nextInt(s.getDimCount())).setDimValue(v);
                    what = "an input dim set to " + v;
                } else if (rnd.nextBoolean()) {
                    s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1 + rnd.nextInt(4)));
                    what = "an input dim added";
                } else {
                    int t = rnd.nextInt(30);
                    in.getTypeBuilder().getTensorTypeBuilder().setElemType(t);
                    what = "an input's elem_type set to " + t;
                }
            }
            case 2 -> {
                if (g.getNodeCount() == 0) {
                    return bytes(original, rnd);
                }
                String[] ops = {"Conv", "Gemm", "Reshape", "Softmax", "Concat", "Slice", "Gather", "Pad", "Clip", "MaxPool",
                    "Shape", "Unsqueeze", "Squeeze", "Flatten", "Transpose", "ReduceMean", "Cast", "Constant", "Loop", "If", "\u0007bad"};
                NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
                String op = ops[rnd.nextInt(ops.length)];
                what = n.getOpType() + " renamed to " + op;
                n.setOpType(op);
            }
            case 3 -> {
                if (g.getNodeCount() < 2 && g.getNodeCount() > 0 && rnd.nextBoolean()) {
                    g.addNode(g.getNode(0));
                    what = "node 0 duplicated";
                } else if (g.getNodeCount() >= 2) {
                    NodeProto first = g.getNode(0);
                    g.removeNode(0);
                    g.addNode(first);
                    what = "node 0 moved to the end (graph out of order)";
                } else {
                    return bytes(original, rnd);
                }
            }
            case 4 -> {
                if (g.getNodeCount() == 0) {
                    return bytes(original, rnd);
                }
                NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
                int choice = rnd.nextInt(3);
                if (choice == 0 && n.getInputCount() > 0) {
                    n.setInput(rnd.nextInt(n.getInputCount()), rnd.nextBoolean() ? "undefined" : "");
                    what = "an input of " + n.getOpType() + " renamed";
                } else if (choice == 1) {
                    n.addInput(g.getInputCount() > 0 ? g.getInput(0).getName() : "x");
                    what = "an input added to " + n.getOpType();
                } else {
                    n.setOutput(0, g.getInputCount() > 0 ? g.getInput(0).getName() : "y");
                    what = "the output of " + n.getOpType() + " renamed to a graph input";
                }
            }
            case 5 -> {
                long v = rnd.nextInt(4) == 0 ? extreme(rnd) : rnd.nextInt(30);
                b.clearOpsetImport().addOpsetImport(m.getOpsetImport(0).toBuilder().setVersion(v));
                what = "opset set to " + v;
            }
            case 6 -> {
                TensorProto.Builder t = TensorProto.newBuilder().setName("w_external").setDataType(1).addDims(4)
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("location")
                                .setValue(rnd.nextBoolean() ? "../../../../etc/passwd" : "/etc/passwd"))
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("16"));
                g.addInitializer(t);
                what = "an initializer whose external data lies outside the model's folder";
                mustFail = true;
            }
            case 7 -> {
                TensorProto.Builder t = TensorProto.newBuilder().setName("w_bad").setDataType(rnd.nextInt(30));
                int dims = rnd.nextInt(4);
                for (int d = 0; d < dims; d++) {
                    t.addDims(rnd.nextInt(4) == 0 ? extreme(rnd) : rnd.nextInt(6));
                }
                if (rnd.nextBoolean()) {
                    t.setRawData(ByteString.copyFrom(new byte[rnd.nextInt(40)]));
                } else {
                    for (int k = rnd.nextInt(10); k > 0; k--) {
                        t.addFloatData(rnd.nextFloat()).addInt64Data(rnd.nextLong());
                    }
                }
                g.addInitializer(t);
                what = "an initializer with dtype " + t.getDataType() + " and dims " + t.getDimsList();
            }
            default -> {
                if (g.getNodeCount() == 0) {
                    return bytes(original, rnd);
                }
                NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(g.getNodeCount()));
                n.setDomain(rnd.nextBoolean() ? "com.microsoft" : "ai.onnx");
                what = "domain of " + n.getOpType() + " set to " + n.getDomain();
            }
        }
        return new Mutant(b.build().toByteArray(), what, mustFail);
    }

    private static long extreme(Random rnd) {
        long[] v = {0, -1, -2, 1, 2, 3, 7, 1L << 31, -(1L << 31), Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 65536, -65536};
        return v[rnd.nextInt(v.length)];
    }

    private static Mutant bytes(byte[] original, Random rnd) {
        byte[] b = original.clone();
        switch (rnd.nextInt(3)) {
            case 0 -> {
                int n = 1 + rnd.nextInt(8);
                for (int k = 0; k < n; k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return new Mutant(b, n + " bit flips", false);
            }
            case 1 -> {
                int len = 1 + rnd.nextInt(b.length - 1);
                return new Mutant(java.util.Arrays.copyOf(b, len), "truncated to " + len + " bytes", false);
            }
            default -> {
                int at = rnd.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + rnd.nextInt(16));
                for (int k = 0; k < n; k++) {
                    b[at + k] = (byte) rnd.nextInt(256);
                }
                return new Mutant(b, n + " random bytes at " + at, false);
            }
        }
    }
}
