package org.microcodegen.target;

import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds a compiled model with the host C compiler and runs one inference: what `micro-codegen run`
 * does. Inputs and outputs are raw little-endian tensors, in graph order.
 */
public final class HostRunner {
    /** Flags that make host results reproducible and comparable with the device (no fused multiply-add). */
    public static final List<String> CFLAGS = List.of("-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-pedantic");
    private static final long TIMEOUT_SECONDS = 600;

    private HostRunner() {
    }

    public static void run(CompiledModel model, List<Path> inputs, List<Path> outputs) {
        RunInputs.check(model, inputs, outputs);
        int nOut = model.graph().outputs().size();
        Path work = null;
        try {
            work = Files.createTempDirectory("micro-codegen-run");
            Path src = work.resolve("src");
            OutputFolder.write(src, CEmitter.renderWithHostMain(model));
            Path exe = work.resolve("model");
            List<String> cc = new ArrayList<>();
            cc.add(System.getenv().getOrDefault("CC", "cc"));
            cc.addAll(CFLAGS);
            cc.add("-o");
            cc.add(exe.toString());
            try (var files = Files.list(src)) {
                files.map(Path::toString).filter(f -> f.endsWith(".c")).sorted().forEach(cc::add);
            }
            cc.add("-lm");
            exec(cc, work, "building the model with the host C compiler");
            List<String> cmd = new ArrayList<>();
            cmd.add(exe.toString());
            inputs.forEach(p -> cmd.add(p.toAbsolutePath().toString()));
            List<Path> tmpOuts = new ArrayList<>();
            for (int i = 0; i < nOut; i++) {
                Path o = work.resolve("output" + i + ".bin");
                tmpOuts.add(o);
                cmd.add(o.toString());
            }
            exec(cmd, work, "running the model");
            for (int i = 0; i < nOut; i++) {
                Path dest = outputs.get(i).toAbsolutePath();
                if (dest.getParent() != null) {
                    Files.createDirectories(dest.getParent());
                }
                Files.copy(tmpOuts.get(i), dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CompileException("host run failed: " + e.getMessage(), e);
        } finally {
            OutputFolder.deleteTree(work);
        }
    }

    private static void exec(List<String> cmd, Path dir, String what) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CompileException(what + " timed out");
            }
            if (p.exitValue() != 0) {
                String log = new String(out, StandardCharsets.UTF_8).strip();
                throw new CompileException(what + " failed (exit " + p.exitValue() + "): "
                        + log.replace('\n', ' ').substring(0, Math.min(log.length(), 2000)));
            }
        } catch (IOException e) {
            throw new CompileException(what + " failed: " + e.getMessage() + " (is a C compiler installed as 'cc'?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException(what + " was interrupted");
        }
    }
}
