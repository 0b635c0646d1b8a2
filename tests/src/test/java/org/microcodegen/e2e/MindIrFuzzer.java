package org.microcodegen.e2e;

import org.microcodegen.target.JavaRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs the compiler in-process on mutated MindIR models ({@link MindIrMutator}) and checks what every
 * bad input must get: exit 0 or 2 (never 1, an internal error), at most one line on stderr, no stack
 * trace, no output folder after a failure, an answer within the time limit; and every exit-0 output
 * must compile: C with the strict host flags (syntax only, each distinct file once), a sample of the
 * Java outputs with javac -Xlint:all -Werror. Case {@code i} depends only on the master seed and
 * {@code i}, so any case can be re-run alone. Used by {@link MindIrFuzzTest} and tools/fuzz.
 */
final class MindIrFuzzer {
    /** The strict C flags of the contract, syntax only: what the fuzz cases' C outputs must pass. */
    static final List<String> C_CHECK = List.of("-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only");

    /**
     * @param cases         how many cases to run, starting at {@code first}
     * @param javaSample    at most this many exit-0 Java outputs are compiled with javac
     * @param failuresDir   where failing mutated models are saved
     */
    record Config(long seed, int first, int cases, int javaSample, Duration timeLimit, Path failuresDir) {
    }

    /** One failing case, with what it takes to reproduce it. */
    record Failure(int index, long seed, String seedModel, String target, String mutation, String problem, String reproduce) {
        @Override
        public String toString() {
            return "case " + index + " (master seed " + seed + ", seed model " + seedModel + ", target " + target + ")\n"
                    + "  mutation: " + mutation + "\n  problem:  " + problem + "\n  " + reproduce.replace("\n", "\n  ");
        }

        /** The problem with numbers and quoted text blanked: failures of one kind share it. */
        String kind() {
            String k = problem.replaceAll("'[^']*'|\"[^\"]*\"", "'…'").replaceAll("\\d+", "#");
            return k.length() > 140 ? k.substring(0, 140) : k;
        }
    }

    /** What a run found. */
    record Summary(int cases, Map<Integer, Integer> exits, int slowestCase, long slowestMillis, String slowestMutation,
                   int cOutputsCompiled, int javaOutputsCompiled, List<Failure> failures, long elapsedMillis) {
        String report() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "fuzz: %d cases in %.1f s; exit codes %s%n", cases, elapsedMillis / 1000.0, exits));
            s.append(String.format(Locale.ROOT, "fuzz: slowest case %d, %d ms: %s%n", slowestCase, slowestMillis, slowestMutation));
            s.append(String.format(Locale.ROOT, "fuzz: compiled %d distinct C files (cc %s), %d Java outputs (javac %s)%n",
                    cOutputsCompiled, String.join(" ", C_CHECK), javaOutputsCompiled, String.join(" ", JavaRunner.JAVAC_OPTIONS)));
            Map<String, List<Failure>> kinds = new TreeMap<>();
            failures.forEach(f -> kinds.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f));
            s.append(String.format(Locale.ROOT, "fuzz: %d failures of %d kinds%n", failures.size(), kinds.size()));
            kinds.forEach((k, list) -> s.append(String.format(Locale.ROOT, "%n[%d x] %s%n%s%n", list.size(), k, list.get(0))));
            return s.toString();
        }
    }

    private record Seed(String name, byte[] bytes) {
    }

    private final Config config;
    private final java.io.PrintStream stdout = System.out;
    private final java.io.PrintStream stderr = System.err;
    private final List<Seed> small = new ArrayList<>();
    private final List<Seed> large = new ArrayList<>();
    private final Set<String> compiledC = ConcurrentHashMap.newKeySet();
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Integer> exits = new TreeMap<>();
    private int javaCompiled;
    private long cliMillis;
    private final java.util.LongSummaryStatistics smallStats = new java.util.LongSummaryStatistics();
    private final java.util.LongSummaryStatistics largeStats = new java.util.LongSummaryStatistics();
    private long javacMillis;
    private final java.util.concurrent.atomic.AtomicLong ccMillis = new java.util.concurrent.atomic.AtomicLong();
    private int slowestCase = -1;
    private long slowestMillis = -1;
    private String slowestMutation = "";

    private MindIrFuzzer(Config config) {
        this.config = config;
        for (E2E.Fixture f : E2E.supportedFixtures()) {
            boolean op = f.name().startsWith("ops/");
            if (op || f.name().equals("mlp") || f.name().equals("lenet")) {
                try {
                    (op ? small : large).add(new Seed(f.name(), Files.readAllBytes(f.model())));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** A fuzzer for calling its checks directly (their own tests). */
    static MindIrFuzzer forChecks() {
        return new MindIrFuzzer(new Config(0, 0, 0, 0, Duration.ofSeconds(10), Path.of("target", "fuzz-failures")));
    }

    static Summary run(Config config) {
        return new MindIrFuzzer(config).runAll();
    }

    /** Case {@code index}'s own seed: a mix of the master seed and the index (SplitMix64's finaliser). */
    static long caseSeed(long master, int index) {
        long z = master * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private Summary runAll() {
        long start = System.nanoTime();
        ExecutorService cli = Executors.newSingleThreadExecutor(daemon("fuzz-cli"));
        ExecutorService cc = Executors.newSingleThreadExecutor(daemon("fuzz-cc"));
        List<Future<?>> checks = new ArrayList<>();
        Path work;
        try {
            work = Files.createTempDirectory("micro-codegen-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int done = 0;
        try {
            for (int i = config.first(); i < config.first() + config.cases(); i++) {
                done++;
                if (!runCase(i, work, cli, cc, checks)) {
                    break;
                }
            }
            for (Future<?> f : checks) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            cli.shutdownNow();
            cc.shutdownNow();
            deleteTree(work);
        }
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort((a, b) -> Integer.compare(a.index(), b.index()));
        System.out.printf(Locale.ROOT, "fuzz: time in the CLI %d ms, javac %d ms, cc %d ms (in parallel); after the first 100 cases (JIT warm-up) %.0f ms per op-fixture case, %.0f ms per lenet/mlp case%n",
                cliMillis, javacMillis, ccMillis.get(), smallStats.getAverage(), largeStats.getAverage());
        return new Summary(done, exits, slowestCase, slowestMillis, slowestMutation, compiledC.size(), javaCompiled, sorted,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Runs one case; false when the run must stop (a hang: the stuck compile still holds the CLI). */
    private boolean runCase(int index, Path work, ExecutorService cli, ExecutorService cc, List<Future<?>> checks)
            throws InterruptedException {
        long seed = caseSeed(config.seed(), index);
        Random rnd = new Random(seed);
        Seed s = rnd.nextInt(20) == 0 ? large.get(rnd.nextInt(large.size())) : small.get(rnd.nextInt(small.size()));
        MindIrMutator.Mutant mutant = MindIrMutator.mutate(s.bytes(), rnd);
        String target = rnd.nextInt(8) == 0 ? "java" : "host";
        Path dir = work.resolve("case-" + index);
        Path model = dir.resolve("model.mindir");
        Path out = dir.resolve("out");
        try {
            Files.createDirectories(dir);
            Files.write(model, mutant.model());
            if (mutant.symlink() != null) {
                Files.createSymbolicLink(dir.resolve(mutant.symlink()), Path.of("/etc/passwd"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] args = {"--model", model.toString(), "--target", target, "--output", out.toString()};
        CaseInfo info = new CaseInfo(index, s.name(), target, mutant);

        long t0 = System.nanoTime();
        Future<E2E.CliResult> f = cli.submit(() -> E2E.cli(args));
        E2E.CliResult r;
        try {
            r = f.get(config.timeLimit().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            // The stuck case still has System.out and System.err captured: give them back.
            System.setOut(stdout);
            System.setErr(stderr);
            fail(info, "no answer within " + config.timeLimit().toSeconds() + " s (hang); the fuzz run stops here");
            return false;
        } catch (ExecutionException e) {
            fail(info, "Main.execute threw " + e.getCause());
            exits.merge(-1, 1, Integer::sum);
            deleteTree(dir);
            return true;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        cliMillis += ms;
        if (index >= config.first() + 100) {
            (large.contains(s) ? largeStats : smallStats).accept(ms);
        }
        exits.merge(r.exit(), 1, Integer::sum);
        if (ms > slowestMillis) {
            slowestMillis = ms;
            slowestCase = index;
            slowestMutation = s.name() + ": " + mutant.describe();
        }
        for (String p : problems(r, Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS), mutant.mustFail())) {
            fail(info, p);
        }
        if (r.exit() == 0 && Files.isDirectory(out)) {
            if (target.equals("java")) {
                if (javaCompiled < config.javaSample()) {
                    javaCompiled++;
                    long j0 = System.nanoTime();
                    String problem = javacProblem(out, dir.resolve("classes"));
                    javacMillis += (System.nanoTime() - j0) / 1_000_000;
                    if (problem != null) {
                        fail(info, problem);
                    }
                }
            } else {
                Map<String, byte[]> files = E2E.folderContents(out);
                checks.add(cc.submit(() -> {
                    String problem = cProblem(files, work.resolve("cc-" + index));
                    if (problem != null) {
                        fail(info, problem);
                    }
                }));
            }
        }
        deleteTree(dir);
        return true;
    }

    /** What identifies a case for its failure report. */
    private record CaseInfo(int index, String seedModel, String target, MindIrMutator.Mutant mutant) {
    }

    /** The contract's violations in one CLI result (empty when it holds). Static so its own test can feed it. */
    static List<String> problems(E2E.CliResult r, boolean outputExists, boolean mustFail) {
        List<String> p = new ArrayList<>();
        String firstErr = r.errLines().isEmpty() ? "" : r.errLines().get(0);
        if (r.exit() != 0 && r.exit() != 2) {
            p.add("exit " + r.exit() + ": " + firstErr);
        }
        boolean crashed = r.exit() != 0 && r.exit() != 2;
        if (r.errLines().size() > 1) {
            p.add(r.errLines().size() + " lines on stderr, first: " + firstErr);
        }
        String both = r.out() + r.err();
        if (!crashed && (both.contains("at org.") || both.contains("\tat ") || both.contains("Exception"))) {
            p.add("stack trace or exception name in the output: " + firstErr);
        }
        if (r.exit() == 2 && !firstErr.startsWith("micro-codegen: ")) {
            p.add("exit 2 without a 'micro-codegen: ' message: " + firstErr);
        }
        if (r.err().chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' && c != '\r') || r.err().contains("\u007f")) {
            p.add("control character echoed on stderr: " + firstErr.replaceAll("\\p{Cntrl}", "^"));
        }
        if (r.exit() != 0 && outputExists) {
            p.add("output folder left behind after exit " + r.exit() + ": " + firstErr);
        }
        if (r.exit() == 0 && mustFail) {
            p.add("exit 0 for a model whose weights lie outside its folder (must be exit 2)");
        }
        if (r.exit() == 0 && !outputExists) {
            p.add("exit 0 but no output folder");
        }
        return p;
    }

    // ---------------------------------------------------------------- generated code

    private static final Pattern QUOTED_INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*\"([^\"]+)\"", Pattern.MULTILINE);

    /**
     * Syntax-checks the C files of one output that no earlier case had (a file counts as seen when its
     * text and the text of every header it includes, transitively, were checked before), with
     * {@link #C_CHECK}. Returns null when they pass.
     */
    String cProblem(Map<String, byte[]> files, Path dir) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String name : files.keySet()) {
            if (name.endsWith(".c")) {
                String key = key(name, files);
                if (!compiledC.contains(key)) {
                    keys.put(name, key);
                }
            }
        }
        if (keys.isEmpty()) {
            return null;
        }
        try {
            writeAll(dir, files);
            List<String> cmd = new ArrayList<>();
            cmd.add(System.getenv().getOrDefault("CC", "cc"));
            cmd.addAll(C_CHECK);
            cmd.addAll(keys.keySet());
            long c0 = System.nanoTime();
            E2E.ProcResult pr = E2E.exec(dir, cmd);
            ccMillis.addAndGet((System.nanoTime() - c0) / 1_000_000);
            if (pr.exit() != 0) {
                return "generated C does not compile (" + String.join(" ", cmd) + "): "
                        + pr.output().lines().limit(6).collect(Collectors.joining(" | "));
            }
            compiledC.addAll(keys.values());
            return null;
        } finally {
            deleteTree(dir);
        }
    }

    private static String key(String cFile, Map<String, byte[]> files) {
        MessageDigest md = sha256();
        List<String> todo = new ArrayList<>(List.of(cFile));
        Set<String> seen = new java.util.TreeSet<>();
        while (!todo.isEmpty()) {
            String name = todo.remove(todo.size() - 1);
            byte[] text = files.get(name);
            if (text == null || !seen.add(name)) {
                continue;
            }
            Matcher m = QUOTED_INCLUDE.matcher(new String(text, StandardCharsets.UTF_8));
            while (m.find()) {
                todo.add(m.group(1));
            }
        }
        for (String name : seen) {
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(files.get(name));
            md.update((byte) 0);
        }
        return cFile + ":" + HexFormat.of().formatHex(md.digest());
    }

    /** Compiles a Java output with the generated code's own javac options; null when it passes. */
    static String javacProblem(Path sources, Path classes) {
        try {
            JavaRunner.build(sources, classes);
            return null;
        } catch (IllegalStateException e) {
            return "generated Java does not compile (javac " + String.join(" ", JavaRunner.JAVAC_OPTIONS) + "): " + e.getMessage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- failures

    private void fail(CaseInfo c, String problem) {
        String saved = "(not saved)";
        try {
            Files.createDirectories(config.failuresDir());
            Path file = config.failuresDir().resolve("case-" + c.index() + "-" + c.seedModel().replace('/', '_') + ".mindir");
            Files.write(file, c.mutant().model());
            saved = file.toString();
        } catch (IOException e) {
            saved = "(could not save: " + e.getMessage() + ")";
        }
        String reproduce = "reproduce: tools/fuzz --seed " + config.seed() + " --first " + c.index() + " --cases 1\n"
                + "       or: micro-codegen --model " + saved + " --target " + c.target() + " --output /tmp/fuzz-out"
                + (c.mutant().symlink() != null ? "   (beside a symlink " + c.mutant().symlink() + " -> /etc/passwd)" : "");
        Failure f = new Failure(c.index(), config.seed(), c.seedModel(), c.target(), c.mutant().describe(), problem, reproduce);
        failures.add(f);
        System.out.println("FUZZ FAILURE " + f);
    }

    // ---------------------------------------------------------------- files

    private static void writeAll(Path dir, Map<String, byte[]> files) {
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = dir.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
