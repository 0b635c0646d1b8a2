package org.microcodegen.target;

import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.emit.ProbePoint;
import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a compiled model with the host C compiler and runs one inference: what `micro-codegen run`
 * does. Inputs and outputs are raw little-endian tensors, in graph order.
 */
public final class HostRunner {
    /** Flags that make host results reproducible and comparable with the device (no fused multiply-add). */
    public static final List<String> CFLAGS = List.of("-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-pedantic");
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private HostRunner() {
    }

    public static void run(CompiledModel model, List<Path> inputs, List<Path> outputs) {
        run(model, inputs, outputs, List.of());
    }

    public static void run(CompiledModel model, List<Path> inputs, List<Path> outputs, List<String> extraCflags) {
        run(model, inputs, outputs, extraCflags, null);
    }

    /**
     * The same with {@code extraCflags} after {@link #CFLAGS} (the tests' sanitizer builds:
     * {@code -fsanitize=address,undefined}); a sanitizer report fails the run like any other error.
     */
    /**
     * With {@code dumpDir}, a probe build that also writes every layer's tensors there ({@link TensorDump});
     * returns how many.
     */
    public static int run(CompiledModel model, List<Path> inputs, List<Path> outputs, List<String> extraCflags, Path dumpDir) {
        RunFiles.readInputs(model, inputs, outputs);
        int nOut = model.graph().outputs().size();
        Path work = null;
        try {
            work = Files.createTempDirectory("micro-codegen-run");
            Path src = work.resolve("src");
            OutputFolder.write(src, CEmitter.renderWithHostMain(model, dumpDir != null));
            Path exe = work.resolve("model");
            List<String> cc = new ArrayList<>();
            cc.add(System.getenv().getOrDefault("CC", "cc"));
            cc.addAll(CFLAGS);
            cc.addAll(extraCflags);
            cc.add("-o");
            cc.add(exe.toString());
            try (var files = Files.list(src)) {
                files.map(Path::toString).filter(f -> f.endsWith(".c")).sorted().forEach(cc::add);
            }
            cc.add("-lm");
            Processes.runOrFail(cc, work, TIMEOUT, "building the model with the host C compiler", "is a C compiler installed as 'cc'?");
            List<String> cmd = new ArrayList<>();
            cmd.add(exe.toString());
            inputs.forEach(p -> cmd.add(p.toAbsolutePath().toString()));
            List<Path> tmpOuts = new ArrayList<>();
            for (int i = 0; i < nOut; i++) {
                Path o = work.resolve("output" + i + ".bin");
                tmpOuts.add(o);
                cmd.add(o.toString());
            }
            Processes.runOrFail(cmd, work, TIMEOUT, "running the model", "the build produced no program");
            int dumped = 0;
            if (dumpDir != null) {
                List<ProbePoint> points = CEmitter.probePoints(model);
                List<byte[]> tensors = new ArrayList<>();
                for (ProbePoint p : points) {
                    tensors.add(Files.readAllBytes(work.resolve("tensor_" + p.index() + ".bin")));
                }
                TensorDump.write(dumpDir, points, tensors);
                dumped = points.size();
            }
            RunFiles.publish(tmpOuts, outputs);
            return dumped;
        } catch (IOException e) {
            throw new CompileException("host run failed: " + e.getMessage(), e);
        } finally {
            OutputFolder.deleteTree(work);
        }
    }
}
