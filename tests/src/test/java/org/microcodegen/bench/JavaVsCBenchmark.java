package org.microcodegen.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.microcodegen.Compiler;
import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.JavaEmitter;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.target.HostRunner;
import org.microcodegen.target.JavaRunner;
import org.microcodegen.target.Processes;
import org.microcodegen.target.Target;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JVM time per inference against the same model's C code built for the host, measured in one run so
 * that both see the same machine state: LeNet (tests/fixtures/lenet) compiled for both targets, each
 * timed per inference after a warm-up (the JIT needs thousands of calls), the median of many kept.
 * Rewrites the marked section of BENCHMARKS.md. Run it with tools/bench-java; a normal build skips it.
 */
@EnabledIfSystemProperty(named = "microcodegen.bench", matches = "true")
class JavaVsCBenchmark {
    private static final String BEGIN = "<!-- jvm-vs-c:begin -->";
    private static final String END = "<!-- jvm-vs-c:end -->";
    private static final int WARMUP = 20_000;
    private static final int RUNS = 5_000;

    /** Times RUNS inferences of the host build, one clock reading around each, and prints the median in ns. */
    private static final String C_MAIN = """
            #define _POSIX_C_SOURCE 199309L
            #include <stdio.h>
            #include <stdlib.h>
            #include <time.h>
            #include "lenet.h"

            static float input[LENET_INPUT0_SIZE];
            static float output[LENET_OUTPUT0_SIZE];
            static double arena_storage[(LENET_ARENA_SIZE + sizeof(double) - 1) / sizeof(double)];
            static long long samples[%2$d];

            static long long now_ns(void) {
                struct timespec t;
                clock_gettime(CLOCK_MONOTONIC, &t);
                return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
            }

            static int cmp(const void *a, const void *b) {
                long long x = *(const long long *)a, y = *(const long long *)b;
                return (x > y) - (x < y);
            }

            int main(int argc, char **argv) {
                FILE *f;
                int i;
                if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL
                    || fread(input, sizeof(float), LENET_INPUT0_SIZE, f) != LENET_INPUT0_SIZE) {
                    return 2;
                }
                fclose(f);
                for (i = 0; i < %1$d; ++i) {
                    lenet_run(input, output, arena_storage);
                }
                for (i = 0; i < %2$d; ++i) {
                    long long t0 = now_ns();
                    lenet_run(input, output, arena_storage);
                    samples[i] = now_ns() - t0;
                }
                qsort(samples, %2$d, sizeof(samples[0]), cmp);
                printf("%%lld %%.9g\\n", samples[%2$d / 2], (double)output[0]);
                return 0;
            }
            """.formatted(WARMUP / 10, RUNS);

    @Test
    void lenetJvmVersusHostC() throws Exception {
        Path root = Path.of(System.getProperty("microcodegen.projectRoot", "..")).toAbsolutePath().normalize();
        Path model = root.resolve("tests/fixtures/lenet/model.mindir");
        Path input = root.resolve("tests/fixtures/lenet/input_0.bin");
        Path work = Files.createTempDirectory("bench-java");
        try {
            double cNs = timeC(Compiler.compile(model, "lenet", Target.HOST), input, work.resolve("c"));
            double jvmNs = timeJvm(Compiler.compile(model, "lenet", Target.JAVA), input, work.resolve("java"));
            double ratio = jvmNs / cNs;
            String section = section(jvmNs, cNs, ratio);
            System.out.println(section);
            Path bench = root.resolve("BENCHMARKS.md");
            String text = Files.exists(bench) ? Files.readString(bench) : "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n";
            int b = text.indexOf(BEGIN);
            int e = text.indexOf(END);
            assertTrue(b >= 0 && e > b, "BENCHMARKS.md lacks the markers " + BEGIN + " ... " + END);
            Files.writeString(bench, text.substring(0, b + BEGIN.length()) + "\n" + section + text.substring(e));
        } finally {
            OutputFolder.deleteTree(work);
        }
    }

    private static String section(double jvmNs, double cNs, double ratio) throws IOException, InterruptedException {
        return String.format(Locale.ROOT, """
                ## LeNet-5: JVM against the host C build

                | model | JVM, per inference | host C (`cc %s`), per inference | JVM / C |
                |---|---|---|---|
                | LeNet-5 (tests/fixtures/lenet, 416,520 MACs) | %.1f µs | %.1f µs | %.2f× |

                Measured in one run by `tools/bench-java` (the tests module's JavaVsCBenchmark): the same compiled
                model emitted for `--target java` (loaded from classes built with `--release 8`) and for the host,
                each timed inference by inference after a warm-up (%,d runs on the JVM, %,d in C), median of %,d.
                JVM: %s %s; C compiler: %s; %d cores.
                """, String.join(" ", HostRunner.CFLAGS.subList(0, 3)), jvmNs / 1000, cNs / 1000, ratio,
                WARMUP, WARMUP / 10, RUNS, System.getProperty("java.vm.name"), System.getProperty("java.version"),
                ccVersion(), Runtime.getRuntime().availableProcessors());
    }

    private static String ccVersion() {
        return exec(List.of("cc", "--version"), Path.of(".")).lines().findFirst().orElse("cc");
    }

    private static double timeC(CompiledModel m, Path input, Path dir) throws IOException, InterruptedException {
        Map<String, byte[]> files = CEmitter.render(m);
        files.put("bench_main.c", C_MAIN.getBytes(StandardCharsets.UTF_8));
        OutputFolder.write(dir, files);
        // The host runner's flags without its warnings: the timing main is ours, not generated code.
        List<String> cc = new ArrayList<>(List.of("cc"));
        cc.addAll(HostRunner.CFLAGS.subList(0, 3));
        cc.addAll(List.of("-o", dir.resolve("bench").toString()));
        files.keySet().stream().filter(f -> f.endsWith(".c")).sorted().forEach(f -> cc.add(dir.resolve(f).toString()));
        cc.add("-lm");
        assertEquals("", exec(cc, dir).strip(), "building the C benchmark");
        String out = exec(List.of(dir.resolve("bench").toString(), input.toString()), dir).strip();
        return Double.parseDouble(out.split(" ")[0]);
    }

    private static String exec(List<String> cmd, Path dir) {
        return Processes.runOrFail(cmd, dir, Duration.ofMinutes(5), "running " + cmd.get(0), "the benchmark needs cc");
    }

    private static double timeJvm(CompiledModel m, Path input, Path dir) throws Exception {
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        OutputFolder.write(src, JavaEmitter.render(m, JavaEmitter.DEFAULT_PACKAGE));
        JavaRunner.build(src, classes);
        float[] in = new float[1024];
        ByteBuffer.wrap(Files.readAllBytes(input)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(in);
        float[] out = new float[10];
        try (URLClassLoader loader = JavaRunner.loader(classes)) {
            Object model = JavaRunner.newModel(loader, "micro.codegen.LenetModel");
            Method run = model.getClass().getMethod("run", float[].class, float[].class);
            for (int i = 0; i < WARMUP; i++) {
                run.invoke(model, in, out);
            }
            long[] samples = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                run.invoke(model, in, out);
                samples[i] = System.nanoTime() - t0;
            }
            Arrays.sort(samples);
            return samples[RUNS / 2];
        }
    }
}
