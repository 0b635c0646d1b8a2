package org.microcodegen.e2e;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.microcodegen.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Shared helpers for the end-to-end tests: where the project and its fixtures are, running the CLI with
 * captured streams, reading and comparing raw float32 files, and checking that external things the tests
 * need (the C compiler {@code cc}, the sibling {@code ../shared} checkout) are present.
 *
 * <p>Missing external things skip a test with a printed reason on a developer machine, but fail it when the
 * environment variable {@code CI=true}: on CI a skipped end-to-end test would silently hide a regression.
 */
final class E2E {
    private E2E() {
    }

    /**
     * Fixtures that the compiler does not support yet. They must fail cleanly (exit 2, one line naming the op
     * and the node, no output); see {@code FixtureConformanceTest#unsupportedFixturesFailCleanly}.
     * Key: fixture name; value: the MindIR op the compiler must name in its error.
     */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "ops/avgpool_pad", "AvgPool3D",
            "ops/maxpool_pad", "MaxPool3DWithArgmax");

    /** The five main fixtures (whole networks). */
    static final List<String> MAIN_FIXTURES = List.of("lenet", "mlp", "mobilenetv2", "dscnn", "resnet8");

    // ---------------------------------------------------------------- locations

    static Path projectRoot() {
        String p = System.getProperty("microcodegen.projectRoot");
        Path root = (p == null || p.isBlank()) ? Path.of("..") : Path.of(p);
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("tests/fixtures"))) {
            // Run from the project root itself (e.g. an IDE with the root as working directory).
            Path here = Path.of("").toAbsolutePath();
            if (Files.isDirectory(here.resolve("tests/fixtures"))) {
                root = here;
            }
        }
        Assertions.assertTrue(Files.isDirectory(root.resolve("tests/fixtures")),
                "cannot find tests/fixtures under the project root " + root);
        return root;
    }

    static Path fixturesDir() {
        return projectRoot().resolve("tests/fixtures");
    }

    /** The sibling checkout with shared models ({@code <root>/../shared}). */
    static Path sharedDir() {
        return projectRoot().resolve("../shared").normalize();
    }

    static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (or on CI fails) unless {@code condition} holds. */
    static void require(boolean condition, String what) {
        if (condition) {
            return;
        }
        if (onCi()) {
            Assertions.fail(what + " (CI=true: required, not skipped)");
        }
        System.out.println("SKIPPED: " + what);
        Assumptions.abort(what);
    }

    static void requireShared() {
        require(Files.isDirectory(sharedDir().resolve("models")),
                "the shared models folder " + sharedDir() + " is missing");
    }

    static void requireSharedFile(Path file) {
        requireShared();
        Assertions.assertTrue(Files.isRegularFile(file), "shared model missing: " + file);
    }

    static void requireCc() {
        require(ccOnPath(), "no C compiler 'cc' on PATH");
    }

    /** The Cortex-M tools: the cross compiler, make and QEMU (tools/test installs them). */
    static void requireCortexMTools() {
        for (String tool : List.of("arm-none-eabi-gcc", "arm-none-eabi-size", "make", "qemu-system-arm")) {
            require(onPath(tool), "no " + tool + " on PATH (tools/test installs it with apt-get)");
        }
    }

    static boolean ccOnPath() {
        return onPath("cc");
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- fixtures

    /** One fixture folder, described by its fixture.json. */
    record Fixture(String name, Path dir, Path model, boolean shared, List<List<Integer>> inputShapes,
                   List<List<Integer>> outputShapes) {
        List<Path> inputs() {
            List<Path> in = new ArrayList<>();
            for (int i = 0; i < inputShapes.size(); i++) {
                in.add(dir.resolve("input_" + i + ".bin"));
            }
            return in;
        }

        List<Path> references() {
            List<Path> out = new ArrayList<>();
            for (int i = 0; i < outputShapes.size(); i++) {
                out.add(dir.resolve("output_" + i + ".bin"));
            }
            return out;
        }

        /** Skips / fails (CI) when the model lives in ../shared and that is missing. */
        void requireModel() {
            if (shared) {
                requireSharedFile(model);
            }
            Assertions.assertTrue(Files.isRegularFile(model), name + ": model file missing: " + model);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every fixture folder (one with a fixture.json) under tests/fixtures, sorted by name. */
    static List<Fixture> allFixtures() {
        Path base = fixturesDir();
        try (Stream<Path> s = Files.walk(base, 3)) {
            List<Fixture> list = s.filter(p -> p.getFileName().toString().equals("fixture.json"))
                    .map(p -> fixture(base.relativize(p.getParent()).toString().replace('\\', '/')))
                    .sorted(Comparator.comparing(Fixture::name))
                    .collect(Collectors.toList());
            Assertions.assertFalse(list.isEmpty(), "no fixtures found under " + base);
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every fixture the compiler supports (all but {@link #UNSUPPORTED}). */
    static List<Fixture> supportedFixtures() {
        return allFixtures().stream().filter(f -> !UNSUPPORTED.containsKey(f.name())).collect(Collectors.toList());
    }

    @SuppressWarnings("unchecked")
    static Fixture fixture(String name) {
        Path dir = fixturesDir().resolve(name);
        Map<String, Object> json;
        try {
            json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("fixture.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String model = (String) json.get("model");
        Assertions.assertNotNull(model, name + ": fixture.json has no \"model\"");
        // "model.mindir" is relative to the fixture folder; "../shared/..." is relative to the project root.
        boolean shared = model.startsWith("../shared/") || model.startsWith("..\\shared\\");
        Path modelPath = (shared ? projectRoot().resolve(model) : dir.resolve(model)).normalize();
        return new Fixture(name, dir, modelPath, shared, shapes(json.get("inputs")), shapes(json.get("outputs")));
    }

    @SuppressWarnings("unchecked")
    private static List<List<Integer>> shapes(Object tensors) {
        List<List<Integer>> shapes = new ArrayList<>();
        for (Object t : (List<Object>) tensors) {
            Map<String, Object> m = (Map<String, Object>) t;
            Assertions.assertEquals("float32", m.get("dtype"), "only float32 fixtures are expected");
            List<Integer> shape = new ArrayList<>();
            for (Object d : (List<Object>) m.get("shape")) {
                shape.add(((Number) d).intValue());
            }
            shapes.add(shape);
        }
        return shapes;
    }

    static long elements(List<Integer> shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    // ---------------------------------------------------------------- CLI

    record CliResult(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isEmpty()).collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    /** Runs {@code Main.execute} with its output and errors captured; safe to call from several threads at once. */
    static CliResult cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            exit = Main.execute(o, e, args);
        }
        return new CliResult(exit, out.toString(), err.toString());
    }

    /** Compiles {@code model} for the host into {@code output}; asserts success and returns the result. */
    static CliResult compile(Path model, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--target", "host",
                "--output", output.toString()));
        args.addAll(List.of(extra));
        CliResult r = cli(args.toArray(String[]::new));
        Assertions.assertEquals(0, r.exit(), () -> "compile " + model + " failed: " + r);
        return r;
    }

    /** Asserts the usual failure contract: exit 2, exactly one line "micro-codegen: ..." on stderr, no trace. */
    static String assertCleanFailure(CliResult r, String context) {
        Assertions.assertEquals(2, r.exit(), () -> context + ": expected exit 2, " + r);
        List<String> lines = r.errLines();
        Assertions.assertEquals(1, lines.size(), () -> context + ": expected exactly one line on stderr, " + r);
        String line = lines.get(0);
        Assertions.assertTrue(line.startsWith("micro-codegen: "), () -> context + ": bad stderr line: " + line);
        Assertions.assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"),
                () -> context + ": stack trace / exception name on stderr: " + r);
        Assertions.assertFalse(r.out().contains("\tat ") || r.out().contains("Exception"),
                () -> context + ": stack trace / exception name on stdout: " + r);
        return line;
    }

    /**
     * One dynamic test per supported fixture: {@link #runAndCompare} with {@code extra} options (a target),
     * after {@code requireTools} (which skips, or fails on CI, when a tool is missing); {@code checkReport}
     * gets the run's report. Two fixtures run at once (see below).
     */
    static Stream<DynamicTest> conformanceTests(Path tmp, Runnable requireTools, Consumer<String> checkReport, String... extra) {
        return conformanceTests(tmp, 2, requireTools, checkReport, extra);
    }

    /**
     * The same with {@code workers} fixtures running at once (compiling a model, building it with gcc and
     * running it under QEMU are each one thread or process, which leaves a core idle): each fixture's run
     * starts on a pool, and its dynamic test waits for it and reports it, in fixture order.
     */
    static Stream<DynamicTest> conformanceTests(Path tmp, int workers, Runnable requireTools, Consumer<String> checkReport, String... extra) {
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "conformance");
            t.setDaemon(true);
            return t;
        });
        List<DynamicTest> tests = new ArrayList<>();
        for (Fixture f : supportedFixtures()) {
            Future<String> run = pool.submit(() -> {
                f.requireModel();
                requireTools.run();
                return runAndCompare(f, Files.createDirectories(tmp.resolve(f.name().replace('/', '_'))), extra);
            });
            tests.add(DynamicTest.dynamicTest(f.name(), f.dir().toUri(), () -> checkReport.accept(outcome(run))));
        }
        pool.shutdown();
        return tests.stream().onClose(pool::shutdownNow);
    }

    /** A run's result, or what it threw (an assertion failure, or a skip), as if thrown here. */
    private static String outcome(Future<String> run) throws Throwable {
        try {
            return run.get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /**
     * Runs {@code micro-codegen run} on a fixture (with {@code extra} options, e.g. a target) and asserts
     * every output matches the MindSpore reference within the tolerance of {@link #compare}.
     *
     * @return the run's stdout (its report)
     */
    static String runAndCompare(Fixture f, Path work, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--model", f.model().toString()));
        args.addAll(List.of(extra));
        for (Path in : f.inputs()) {
            Assertions.assertTrue(Files.isRegularFile(in), f.name() + ": missing " + in);
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
        CliResult r = cli(args.toArray(String[]::new));
        Assertions.assertEquals(0, r.exit(), () -> f.name() + ": run failed: " + r);

        List<String> report = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < outs.size(); i++) {
            Assertions.assertTrue(Files.isRegularFile(outs.get(i)), f.name() + ": output " + i + " not written");
            float[] actual = readFloats(outs.get(i));
            float[] ref = readFloats(f.references().get(i));
            Assertions.assertEquals(elements(f.outputShapes().get(i)), ref.length,
                    f.name() + ": reference output_" + i + ".bin does not match the shape in fixture.json");
            Comparison c = compare(ref, actual);
            report.add(c.describe(f.name() + " output " + i));
            ok &= c.ok();
        }
        report.forEach(System.out::println);
        boolean allOk = ok;
        Assertions.assertTrue(allOk, () -> String.join("\n", report));
        return r.out();
    }

    // ---------------------------------------------------------------- float files

    static float[] readFloats(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            Assertions.assertEquals(0, b.length % 4, () -> file + ": size " + b.length + " is not a multiple of 4");
            float[] f = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeFloats(Path file, float[] values) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        try {
            Files.write(file, bb.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative tolerance factor: see {@link #compare}. */
    static final double REL_TOL = 1e-4;

    /** Result of comparing one output to its reference. */
    record Comparison(boolean ok, int length, int refLength, double maxAbsErr, int worstIndex, double maxAbsRef,
                      double tolerance, String problem) {
        String describe(String what) {
            if (problem != null) {
                return what + ": " + problem;
            }
            return String.format("%s: max abs error %.3g at [%d] (tolerance %.3g, max |ref| %.3g, %d values)",
                    what, maxAbsErr, worstIndex, tolerance, maxAbsRef, length);
        }
    }

    /**
     * Compares {@code actual} with the MindSpore reference {@code ref}: same length, all finite where the
     * reference is finite, and max |actual - ref| <= 1e-4 * max(1, max |ref|).
     *
     * <p>Why this tolerance: the generated kernels are fp32 like MindSpore's CPU kernels, but they accumulate
     * sums (convolutions, matmuls, reductions, softmax) in a different order, and fp32 rounding errors of a
     * sum grow with the magnitude of the values involved. An absolute 1e-4 is right for outputs around 1
     * (probabilities, activations); for large outputs (shared/lenet_ms20 produces ~1e4) the bound scales
     * with the largest reference value, i.e. it is a ~1e-4 relative error, still far below any real bug
     * (a wrong weight, index or padding gives errors of the order of the values themselves).
     */
    static Comparison compare(float[] ref, float[] actual) {
        double maxRef = 0;
        for (float v : ref) {
            if (Float.isFinite(v)) {
                maxRef = Math.max(maxRef, Math.abs(v));
            }
        }
        double tol = REL_TOL * Math.max(1.0, maxRef);
        if (ref.length != actual.length) {
            return new Comparison(false, actual.length, ref.length, Double.NaN, -1, maxRef, tol,
                    "length " + actual.length + " values, reference has " + ref.length);
        }
        if (ref.length == 0) {
            return new Comparison(false, 0, 0, Double.NaN, -1, 0, tol, "empty output and reference");
        }
        double maxErr = 0;
        int worst = 0;
        for (int i = 0; i < ref.length; i++) {
            float r = ref[i];
            float a = actual[i];
            if (Float.isNaN(r) ? !Float.isNaN(a) : (Float.isInfinite(r) ? r != a : !Float.isFinite(a))) {
                return new Comparison(false, actual.length, ref.length, Double.POSITIVE_INFINITY, i, maxRef, tol,
                        "value [" + i + "] is " + a + ", reference " + r);
            }
            if (!Float.isFinite(r)) {
                continue;
            }
            double err = Math.abs((double) a - (double) r);
            if (err > maxErr) {
                maxErr = err;
                worst = i;
            }
        }
        return new Comparison(maxErr <= tol, actual.length, ref.length, maxErr, worst, maxRef, tol, null);
    }

    // ---------------------------------------------------------------- processes and folders

    record ProcResult(int exit, String output) {
    }

    /** Runs an external command in {@code dir} (stdout and stderr merged), with a timeout. */
    static ProcResult exec(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                Assertions.fail("timed out: " + command);
            }
            return new ProcResult(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Relative path -> bytes of every regular file under {@code dir}, sorted by path. */
    static Map<String, byte[]> folderContents(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            for (Path p : s.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                m.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> filesEndingWith(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
    // ---------------------------------------------------------------- fixture.json

    /** A minimal JSON reader for the small fixture.json files (objects, arrays, strings, numbers, literals). */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        /** A parsed JSON object. */
        @SuppressWarnings("unchecked")
        static Map<String, Object> object(Object value) {
            return (Map<String, Object>) value;
        }

        /** A parsed JSON array. */
        @SuppressWarnings("unchecked")
        static List<Object> array(Object value) {
            return (List<Object>) value;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != j.s.length()) {
                throw j.error("trailing characters");
            }
            return v;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("fixture.json: " + what + " at offset " + i);
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            for (String lit : new String[] {"true", "false", "null"}) {
                if (s.startsWith(lit, i)) {
                    i += lit.length();
                    return lit.equals("null") ? null : Boolean.valueOf(lit);
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw error("unexpected character '" + c + "'");
            }
            String num = s.substring(start, i);
            return num.matches("-?\\d+") ? (Number) Long.valueOf(num) : (Number) Double.valueOf(num);
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }
    }
}
