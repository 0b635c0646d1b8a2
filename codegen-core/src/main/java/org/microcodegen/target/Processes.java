package org.microcodegen.target;

import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Child processes with a time limit and their combined output: the C compilers, make, QEMU. */
public final class Processes {
    private Processes() {
    }

    /** How a child process ended. {@code exitStatus} is -1 when it was killed for running too long. */
    public record Outcome(int exitStatus, boolean timedOut, String output) {
        /** The output on one line, shortened, for an error message. */
        public String outputLine(int max) {
            String s = output.strip().replaceAll("\\s*\\n\\s*", " | ");
            return s.length() <= max ? s : "..." + s.substring(s.length() - max);
        }
    }

    /**
     * Runs {@code command} in {@code dir} with stdin from /dev/null and stderr merged into stdout,
     * killing it (and its children) after {@code timeout}.
     *
     * @param what what the command does, for the error message when it cannot start
     * @param hint how to get the program when it is missing
     */
    public static Outcome run(List<String> command, Path dir, Duration timeout, String what, String hint) {
        // The output goes to a file, not a pipe: QEMU drops semihosting output it cannot write at once
        // to a full pipe (a tensor dump of MobileNetV2 lost a fifth of its lines), never to a file.
        Path log;
        try {
            log = Files.createTempFile("micro-codegen-process", ".log");
        } catch (IOException e) {
            throw new CompileException(what + ": cannot create a temporary file: " + e.getMessage(), e);
        }
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                throw new CompileException(what + ": cannot start " + command.get(0) + " (" + hint + ")", e);
            }
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return new Outcome(finished ? p.exitValue() : -1, !finished, text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileException(what + " was interrupted");
        } catch (IOException e) {
            throw new CompileException(what + ": cannot read its output: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }

    /** Runs the command and fails with its output unless it exits with status 0. */
    public static String runOrFail(List<String> command, Path dir, Duration timeout, String what, String hint) {
        Outcome o = run(command, dir, timeout, what, hint);
        if (o.timedOut()) {
            throw new CompileException(what + " timed out after " + timeout.toSeconds() + " s");
        }
        if (o.exitStatus() != 0) {
            throw new CompileException(what + " failed (exit " + o.exitStatus() + "): " + o.outputLine(2000));
        }
        return o.output();
    }
}
