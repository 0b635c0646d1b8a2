package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.emit.ProbeMode;
import org.microcodegen.ir.CompileException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a generated firmware project with its own Makefile (arm-none-eabi-gcc) and runs it in
 * qemu-system-arm as a child process, with an instruction-exact clock ({@link InstructionClock}) and
 * a time limit. {@link #command} is the one QEMU command line: the generated Makefile's {@code make run}
 * is rendered from it too. The firmware reports over semihosting; this class reads the report back: exit status,
 * SysTick ticks of one inference, stack use, and the output tensors, bit-exact from their hex dump.
 */
public final class QemuRunner {
    public static final String INSTALL_HINT =
            "install it with: apt-get install -y --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm";
    public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private static final Pattern OUTPUT_LINE = Pattern.compile("mc: (output|tensor) (\\d+) ([0-9a-f]{8}) ([0-9a-f]+)");
    /** A probe build's per-layer counts (firmware.stg's probes). */
    private static final Pattern PROBE_LINE = Pattern.compile("mc: probe(?: (\\d+)|-(tail|empty)) (\\d+)");
    private static final Pattern NUMBER_LINE = Pattern.compile("mc: (ticks|instructions|stack) (\\d+)");
    private static final Pattern FAULT_LINE = Pattern.compile("mc: FAULT .*");
    /** A guard word next to the arena or an output buffer was overwritten (firmware.stg); kept as the fault. */
    private static final Pattern GUARD_LINE = Pattern.compile("mc: GUARD .*");
    /** Make variable of the checking build, whose guard report names the layer. */
    public static final String LAYER_CHECK = "LAYER_CHECK=1";

    private QemuRunner() {
    }

    /** What one firmware run reported. {@code ticks} and {@code stackUsed} are -1 when it did not get that far. */
    public record Execution(int exitStatus, boolean timedOut, boolean completed, String fault, long ticks,
                            long instructions, long stackUsed, List<byte[]> outputs, String log, Probed probed) {
        public boolean succeeded() {
            return exitStatus == 0 && !timedOut && completed;
        }

        /** True when the firmware found a guard word overwritten. */
        public boolean guardBroken() {
            return fault != null && GUARD_LINE.matcher(fault).matches();
        }

        /** One line saying why the run failed, for errors and test messages. */
        public String failure() {
            if (timedOut) {
                return "timed out (killed QEMU)";
            }
            if (fault != null) {
                return fault.replace("mc: FAULT ", "crashed: ").replace("mc: GUARD ", "wrote outside its memory: guard ")
                        + " (exit status " + exitStatus + ")";
            }
            if (exitStatus != 0) {
                String tail = log.strip();
                tail = tail.length() > 300 ? "..." + tail.substring(tail.length() - 300) : tail;
                return "exit status " + exitStatus + ": " + tail.replace('\n', ' ');
            }
            return completed ? "succeeded" : "ended without reporting its outputs";
        }
    }

    /**
     * What a probe build reported: every layer's tensors by probe index (dump), or the instructions of
     * every probe interval, after the last one ({@code tail}) and of an empty one (profile).
     */
    public record Probed(List<byte[]> tensors, Map<Integer, Long> counts, long tail, long empty) {
    }

    /** A firmware run together with the image's section sizes and who takes the flash. */
    public record Report(Execution execution, ElfSizes sizes, LinkMap linkMap) {
    }

    /** `micro-codegen run --target cortex-m4`: builds the model with the inputs linked in, runs it, writes the outputs. */
    public static Report run(CompiledModel model, Board board, List<Path> inputs, List<Path> outputs) {
        if (!board.emulated()) {
            throw new CompileException("board " + board.name() + " cannot be emulated: its descriptor names no qemu.machine"
                    + " (compile without `run` and flash the firmware, or choose a board QEMU emulates)");
        }
        List<byte[]> data = RunFiles.readInputs(model, inputs, outputs);
        Path work = null;
        try {
            work = Files.createTempDirectory("micro-codegen-qemu");
            Map<String, byte[]> project = FirmwareEmitter.render(model, board.firmware(), data);
            Report r = buildAndRun(project, board, work.resolve("firmware"), RUN_TIMEOUT);
            Execution e = r.execution();
            if (!e.succeeded()) {
                String failure = e.failure();
                if (e.guardBroken()) {
                    // Only the checking build can tell which layer wrote outside its memory: run it too.
                    Execution check = buildAndRun(project, board, work.resolve("layer-check"), RUN_TIMEOUT, List.of(LAYER_CHECK)).execution();
                    if (check.guardBroken()) {
                        failure = check.failure();
                    }
                }
                throw new FirmwareFailure(model.name() + " on " + board.name() + ": " + failure);
            }
            List<Path> produced = new ArrayList<>();
            for (int i = 0; i < e.outputs().size(); i++) {
                Path p = work.resolve("output" + i + ".bin");
                Files.write(p, e.outputs().get(i));
                produced.add(p);
            }
            RunFiles.publish(produced, outputs);
            return r;
        } catch (IOException e) {
            throw new CompileException("QEMU run failed: " + e.getMessage(), e);
        } finally {
            OutputFolder.deleteTree(work);
        }
    }

    /**
     * Builds and runs the probe build of {@code mode} (every layer's tensors, or its instructions) on the
     * same inputs. Its outputs must equal {@code outputs}, the normal build's: probes only read memory.
     */
    public static Probed probe(CompiledModel model, Board board, List<Path> inputs, ProbeMode mode, List<byte[]> outputs) {
        List<byte[]> data = RunFiles.readInputs(model, inputs, "--input");
        Path work = null;
        try {
            work = Files.createTempDirectory("micro-codegen-probe");
            Map<String, byte[]> project = FirmwareEmitter.render(model, board.firmware(), data, mode);
            Execution e = buildAndRun(project, board, work.resolve("firmware"), RUN_TIMEOUT).execution();
            if (!e.succeeded()) {
                throw new FirmwareFailure(model.name() + " on " + board.name() + " (" + mode.name().toLowerCase(java.util.Locale.ROOT)
                        + " build): " + e.failure());
            }
            for (int i = 0; i < outputs.size(); i++) {
                if (!java.util.Arrays.equals(outputs.get(i), e.outputs().get(i))) {
                    throw new FirmwareFailure(model.name() + " on " + board.name() + ": output " + i + " of the "
                            + mode.name().toLowerCase(java.util.Locale.ROOT) + " build differs from the normal build's");
                }
            }
            return e.probed();
        } catch (IOException e) {
            throw new CompileException("QEMU run failed: " + e.getMessage(), e);
        } finally {
            OutputFolder.deleteTree(work);
        }
    }

    /** Writes the project into {@code dir}, builds it with make, and runs the image under QEMU. */
    public static Report buildAndRun(Map<String, byte[]> project, Board board, Path dir, Duration timeout) {
        return buildAndRun(project, board, dir, timeout, List.of());
    }

    /** The same, with make variables such as {@code EXTRA_CFLAGS=...} (the benchmark's variants). */
    public static Report buildAndRun(Map<String, byte[]> project, Board board, Path dir, Duration timeout, List<String> makeVariables) {
        OutputFolder.write(dir, project);
        Path elf = build(dir, makeVariables);
        ElfSizes sizes = ElfSizes.of(elf, cross() + "size");
        String stem = elf.getFileName().toString().replaceFirst("\\.elf$", "");
        LinkMap map = LinkMap.read(elf.resolveSibling(stem + ".map"));
        return new Report(execute(elf, board, timeout), sizes, map);
    }

    /** Runs make in a firmware project folder; returns the ELF image it built. */
    public static Path build(Path projectDir, List<String> makeVariables) {
        List<String> make = new ArrayList<>(List.of("make", "-C", projectDir.toString(), "--no-print-directory", "-j2", "CROSS=" + cross()));
        make.addAll(makeVariables);
        Processes.runOrFail(make, projectDir, BUILD_TIMEOUT, "building the firmware", "install make and " + INSTALL_HINT.substring(8));
        try (var files = Files.list(projectDir)) {
            return files.filter(p -> p.toString().endsWith(".elf")).findFirst()
                    .orElseThrow(() -> new CompileException("building the firmware produced no .elf in " + projectDir));
        } catch (IOException e) {
            throw new CompileException("cannot list " + projectDir + ": " + e.getMessage(), e);
        }
    }

    /** Runs an image under QEMU and parses its semihosting report. */
    public static Execution execute(Path elf, Board board, Duration timeout) {
        Processes.Outcome o = Processes.run(command(board, qemu(), elf.toString()), elf.getParent(), timeout,
                "running the firmware under QEMU", INSTALL_HINT);
        return parse(o);
    }

    /**
     * The QEMU command line that runs {@code elf} on an emulated board: semihosting for the report and the
     * exit status, no monitor (stdin is not a console), and the board's instruction-exact clock.
     */
    public static List<String> command(Board board, String program, String elf) {
        return List.of(program, "-M", board.qemuMachine(), "-nographic", "-monitor", "none",
                "-semihosting-config", "enable=on,target=native", "-icount", board.instructionClock().icount(), "-kernel", elf);
    }

    static Execution parse(Processes.Outcome o) {
        Map<Integer, ByteArrayOutputStream> outputs = new TreeMap<>();
        Map<Integer, ByteArrayOutputStream> probedTensors = new TreeMap<>();
        Map<Integer, Long> counts = new TreeMap<>();
        long tail = -1;
        long empty = -1;
        long ticks = -1;
        long instructions = -1;
        long stack = -1;
        boolean done = false;
        String fault = null;
        for (String line : o.output().split("\n")) {
            line = line.strip();
            Matcher m;
            if ((m = OUTPUT_LINE.matcher(line)).matches()) {
                ByteArrayOutputStream buf = (m.group(1).equals("output") ? outputs : probedTensors)
                        .computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ByteArrayOutputStream());
                if (Long.parseLong(m.group(3), 16) != buf.size()) {
                    throw new CompileException("garbled firmware output at: " + line);
                }
                buf.writeBytes(HexFormat.of().parseHex(m.group(4)));
            } else if ((m = PROBE_LINE.matcher(line)).matches()) {
                long v = Long.parseLong(m.group(3));
                if (m.group(1) != null) {
                    counts.put(Integer.parseInt(m.group(1)), v);
                } else if (m.group(2).equals("tail")) {
                    tail = v;
                } else {
                    empty = v;
                }
            } else if ((m = NUMBER_LINE.matcher(line)).matches()) {
                long v = Long.parseLong(m.group(2));
                switch (m.group(1)) {
                    case "ticks" -> ticks = v;
                    case "instructions" -> instructions = v;
                    default -> stack = v;
                }
            } else if (FAULT_LINE.matcher(line).matches() || GUARD_LINE.matcher(line).matches()) {
                fault = line;
            } else if (line.equals("mc: done")) {
                done = true;
            }
        }
        List<byte[]> tensors = new ArrayList<>();
        outputs.values().forEach(b -> tensors.add(b.toByteArray()));
        List<byte[]> probed = new ArrayList<>();
        probedTensors.values().forEach(b -> probed.add(b.toByteArray()));
        return new Execution(o.exitStatus(), o.timedOut(), done, fault, ticks, instructions, stack, tensors, o.output(),
                new Probed(probed, counts, tail, empty));
    }

    /** The cross toolchain prefix: $CROSS or arm-none-eabi-. */
    public static String cross() {
        return System.getenv().getOrDefault("CROSS", "arm-none-eabi-");
    }

    /** The emulator: $QEMU or qemu-system-arm. */
    public static String qemu() {
        return System.getenv().getOrDefault("QEMU", "qemu-system-arm");
    }

    /** The firmware built but did not run to completion (a fault, a hang, an error status). */
    public static final class FirmwareFailure extends RuntimeException {
        public FirmwareFailure(String message) {
            super(message);
        }
    }
}
