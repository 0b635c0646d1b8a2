package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.target.JavaRunner;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java target end to end. Every fixture FixtureConformanceTest runs on the host runs here through
 * {@code micro-codegen run --target java}, which compiles the generated sources in-process (javax.tools,
 * {@code --release 8 -Xlint:all -Werror}) and runs them on this JVM; outputs must match the MindSpore
 * references at the C target's tolerance. Also: byte-identical output across compiles, weights that fail
 * loudly at class load when the resource is corrupted, truncated or missing, and clean errors.
 *
 * <p>Without a system Java compiler (a JRE) the tests skip with a printed reason; with CI=true they fail.
 */
class JavaTargetTest {

    @TempDir
    Path tmp;

    private static void requireJavac() {
        E2E.require(ToolProvider.getSystemJavaCompiler() != null, "no system Java compiler (javax.tools): running on a JRE");
    }

    @TestFactory
    Stream<DynamicTest> everySupportedFixtureMatchesMindSpore() {
        return E2E.supportedFixtures().stream()
                .map(f -> DynamicTest.dynamicTest(f.name(), f.dir().toUri(), () -> runAndCompare(f)));
    }

    private void runAndCompare(E2E.Fixture f) throws IOException {
        f.requireModel();
        requireJavac();
        Path work = Files.createDirectories(tmp.resolve(f.name().replace('/', '_')));
        List<String> args = new ArrayList<>(List.of("run", "--target", "java", "--model", f.model().toString()));
        for (Path in : f.inputs()) {
            args.add("--input");
            args.add(in.toString());
        }
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < f.outputShapes().size(); i++) {
            Path o = work.resolve("out_" + i + ".bin");
            outs.add(o);
            args.add("--out");
            args.add(o.toString());
        }
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> f.name() + ": java run failed: " + r);
        List<String> report = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < outs.size(); i++) {
            E2E.Comparison c = E2E.compare(E2E.readFloats(f.references().get(i)), E2E.readFloats(outs.get(i)));
            report.add(c.describe(f.name() + " (java) output " + i));
            ok &= c.ok();
        }
        report.forEach(System.out::println);
        assertTrue(ok, () -> String.join("\n", report));
    }

    private Path compileJava(String fixture, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model", E2E.fixture(fixture).model().toString(), "--target", "java",
                "--output", out.toString(), "--name", fixture.replace("ops/", "")));
        args.addAll(List.of(extra));
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> "compile " + fixture + " for java failed: " + r);
        return out;
    }

    @Test
    void generatedSourcesAreByteIdenticalAcrossCompiles() {
        for (String fixture : List.of("lenet", "mobilenetv2", "ops/concat_axis1", "ops/pad_ops")) {
            Map<String, byte[]> a = E2E.folderContents(compileJava(fixture, tmp.resolve("a").resolve(fixture)));
            Map<String, byte[]> b = E2E.folderContents(compileJava(fixture, tmp.resolve("b").resolve(fixture)));
            assertEquals(a.keySet(), b.keySet(), fixture);
            for (String name : a.keySet()) {
                assertTrue(Arrays.equals(a.get(name), b.get(name)), fixture + ": " + name + " differs between two compiles");
            }
        }
    }

    @Test
    void lenetLayoutPackageAndReadableRunMethod() {
        Path out = compileJava("lenet", tmp.resolve("lenet"), "--package", "com.acme.model");
        Path cls = out.resolve("com/acme/model/LenetModel.java");
        assertTrue(Files.isRegularFile(cls), "class not where its package says");
        assertTrue(Files.isRegularFile(out.resolve("com/acme/model/LenetModel.weights")));
        assertTrue(Files.isRegularFile(out.resolve("org/microcodegen/runtime/Conv2D.java")), "runtime kernels not copied");
        assertFalse(Files.exists(out.resolve("org/microcodegen/runtime/Softmax.java")), "a kernel LeNet does not call was copied");
        String src = E2E.read(cls);
        assertTrue(src.startsWith("// LenetModel.java: generated by micro-codegen"), src);
        assertTrue(src.contains("package com.acme.model;"));
        assertTrue(src.contains("public static final int ARENA_SIZE = 5880;"), "arena in floats: 23,520 bytes / 4");
        assertTrue(src.contains("// conv1: Conv2D + BiasAdd + ReLU (Default/conv1-Conv2d/Conv2D-op0)"), src);
        // The static run: one kernel call per node (7 for LeNet, Flatten is a view), and no allocation.
        Matcher m = Pattern.compile("public static void run\\((.*?)\\n    }\\n", Pattern.DOTALL).matcher(src);
        assertTrue(m.find(), src);
        String body = m.group(1);
        assertFalse(body.contains("new "), "run allocates: " + body);
        long calls = body.lines().filter(l -> l.matches("\\s+(Conv2D|Pool2D|MatMul)\\.\\w+\\(.*\\);")).count();
        assertEquals(7, calls, body);
    }

    /** Builds LeNet's output, damages the weights resource in the class folder, and loads the class. */
    private String loadWithDamagedWeights(String damage) throws IOException {
        requireJavac();
        Path src = compileJava("lenet", tmp.resolve("src-" + damage));
        Path classes = tmp.resolve("classes-" + damage);
        JavaRunner.build(src, classes);
        Path weights = classes.resolve("micro/codegen/LenetModel.weights");
        byte[] b = Files.readAllBytes(weights);
        switch (damage) {
            case "none" -> { }
            case "flip" -> {
                b[b.length / 2] ^= 0x01;
                Files.write(weights, b);
            }
            case "truncate" -> Files.write(weights, Arrays.copyOf(b, b.length - 4));
            case "delete" -> Files.delete(weights);
            default -> throw new IllegalArgumentException(damage);
        }
        try (URLClassLoader loader = JavaRunner.loader(classes)) {
            Class.forName("micro.codegen.LenetModel", true, loader);
            return null;
        } catch (ExceptionInInitializerError e) {
            return e.getCause().getMessage();
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void intactWeightsLoad() throws IOException {
        assertEquals(null, loadWithDamagedWeights("none"));
    }

    @Test
    void corruptedWeightsFailLoudlyAtClassLoad() throws IOException {
        String msg = loadWithDamagedWeights("flip");
        assertTrue(msg != null && msg.contains("micro/codegen/LenetModel.weights is corrupt: CRC32"), String.valueOf(msg));
    }

    @Test
    void truncatedWeightsFailAtClassLoad() throws IOException {
        String msg = loadWithDamagedWeights("truncate");
        assertTrue(msg != null && msg.contains("micro/codegen/LenetModel.weights is truncated"), String.valueOf(msg));
    }

    @Test
    void missingWeightsFailAtClassLoad() throws IOException {
        String msg = loadWithDamagedWeights("delete");
        assertTrue(msg != null && msg.contains("micro/codegen/LenetModel.weights") && msg.contains("missing"), String.valueOf(msg));
    }

    @Test
    void generatedClassesTargetJava8() throws IOException {
        requireJavac();
        Path src = compileJava("ops/concat_axis1", tmp.resolve("cat"));
        Path classes = tmp.resolve("cat-classes");
        JavaRunner.build(src, classes);
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".class"))::iterator) {
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] head = in.readNBytes(8);
                    assertEquals(52, ((head[6] & 0xff) << 8) | (head[7] & 0xff), p + " is not a Java 8 class file");
                }
            }
        }
    }

    @Test
    void badOptionsFailCleanly() {
        Path model = E2E.fixture("lenet").model();
        E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "java", "--output", tmp.resolve("x").toString(),
                "--package", "com.Acme.1model");
        assertTrue(E2E.assertCleanFailure(r, "bad package").contains("is not a Java package name"));
        assertFalse(Files.exists(tmp.resolve("x")));
        r = E2E.cli("--model", model.toString(), "--target", "java", "--output", tmp.resolve("y").toString(), "--package", "com.int");
        assertTrue(E2E.assertCleanFailure(r, "keyword package").contains("keyword"));
        r = E2E.cli("--model", model.toString(), "--target", "host", "--output", tmp.resolve("z").toString(), "--package", "a.b");
        assertTrue(E2E.assertCleanFailure(r, "package with host").contains("--target java only"));
    }

    @Test
    void unsupportedFixturesFailCleanlyOnTheJavaTarget() {
        for (Map.Entry<String, String> e : E2E.UNSUPPORTED.entrySet()) {
            E2E.Fixture f = E2E.fixture(e.getKey());
            Path out = tmp.resolve(e.getKey().replace('/', '_'));
            E2E.CliResult c = E2E.cli("--model", f.model().toString(), "--target", "java", "--output", out.toString());
            assertTrue(E2E.assertCleanFailure(c, f.name()).contains("unsupported op " + e.getValue() + " at node "));
            assertFalse(Files.exists(out));
            List<String> args = new ArrayList<>(List.of("run", "--target", "java", "--model", f.model().toString()));
            for (Path in : f.inputs()) {
                args.add("--input");
                args.add(in.toString());
            }
            args.addAll(List.of("--out", tmp.resolve("o.bin").toString()));
            E2E.assertCleanFailure(E2E.cli(args.toArray(String[]::new)), f.name() + " run");
            assertFalse(Files.exists(tmp.resolve("o.bin")));
        }
    }
}
