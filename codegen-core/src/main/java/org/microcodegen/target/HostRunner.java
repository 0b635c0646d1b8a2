package org.microcodegen.target;

import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.TensorType;

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
        int nIn = model.graph().inputs().size();
        int nOut = model.graph().outputs().size();
        if (inputs.size() != nIn) {
            throw new CompileException("the model has " + nIn + " input(s) but " + inputs.size() + " --input file(s) were given");
        }
        if (outputs.size() != nOut) {
            throw new CompileException("the model has " + nOut + " output(s) but " + outputs.size() + " --out file(s) were given");
        }
        for (int i = 0; i < nIn; i++) {
            TensorType t = model.graph().type(model.graph().inputs().get(i));
            Path p = inputs.get(i);
            long size;
            try {
                size = Files.size(p);
            } catch (IOException e) {
                throw new CompileException("input " + i + ": cannot read " + p);
            }
            if (size != t.byteSize()) {
                throw new CompileException("input " + i + " (" + p + ") has " + size + " bytes; the model expects "
                        + t.byteSize() + " (" + t + ", little-endian)");
            }
        }
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
