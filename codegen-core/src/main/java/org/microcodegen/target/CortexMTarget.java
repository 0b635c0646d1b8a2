package org.microcodegen.target;

import org.microcodegen.lower.CKernels;
import org.microcodegen.lower.KernelRegistry;

import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.ColdFiles;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.ProbeMode;
import org.microcodegen.emit.LibraryEmitter;
import org.microcodegen.emit.ModelSet;
import org.microcodegen.emit.Report;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.ir.CompileException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Cortex-M core (cortex-m4, cortex-m7): a bare-metal firmware project for a board of that core,
 * checked against the board's memory before anything is written; `run` builds it and runs it under QEMU
 * ({@link QemuRunner}) when the board is emulated.
 *
 * @param name         the core, as GCC's -mcpu spells it; a board must have this core
 * @param core         the core as Arm names it, for the help text
 * @param defaultBoard the board used when neither --board nor --board-file is given
 */
record CortexMTarget(String name, String core, String defaultBoard) implements Target {
    @Override
    public KernelRegistry kernels() {
        return CKernels.registry(name());
    }

    @Override
    public String description() {
        return "a firmware project for an Arm " + core + " board (--board, default " + defaultBoard + "; or --board-file)";
    }

    /** 8: double-word loads (LDRD, VLDR.64) need it. */
    @Override
    public int alignment() {
        return 8;
    }

    @Override
    public Set<String> options() {
        return Set.of(TargetOptions.BOARD, TargetOptions.BOARD_FILE, TargetOptions.RAM, TargetOptions.FLASH, TargetOptions.TEST_INPUT);
    }

    @Override
    public void check(TargetOptions options) {
        Target.super.check(options);
        board(options);
    }

    /** The board the options choose, with --ram/--flash applied; it must have this target's core. */
    @Override
    public Board board(TargetOptions o) {
        if (o.board() != null && o.boardFile() != null) {
            throw new CompileException("--board and --board-file exclude each other");
        }
        Board b = o.boardFile() != null ? Board.fromFile(o.boardFile()) : Board.byName(o.board() != null ? o.board() : defaultBoard);
        if (!b.cpu().equals(name)) {
            throw new CompileException("board " + b.name() + " has a " + b.cpu() + ", not a " + name + " (use --target " + b.cpu() + ")");
        }
        return b.withMemory(o.ram(), o.flash());
    }

    @Override
    public Map<String, byte[]> render(CompiledModel model, TargetOptions options) {
        Board b = board(options);
        List<byte[]> data = options.testInputs() == null ? List.of() : RunFiles.readInputs(model, options.testInputs(), TargetOptions.TEST_INPUT);
        FitCheck.check(model, b, model.inputBytes());
        // the report goes with the model into model/, which is then what --target c writes (but for the target named in the report)
        return Report.withReport(model, FirmwareEmitter.render(model, b.firmware(), data), LibraryEmitter.FIRMWARE_FOLDER + "/");
    }

    @Override
    public boolean compilesSeveral() {
        return true;
    }

    /** One firmware project whose model/ holds every model, and whose test main runs each ({@link FirmwareEmitter}). */
    @Override
    public Map<String, byte[]> render(ModelSet set, TargetOptions options) {
        Board b = board(options);
        List<byte[]> data = options.testInputs() == null ? List.of() : testInputs(set, options.testInputs());
        FitCheck.check(set, b, data.stream().mapToLong(d -> d.length).sum());
        return Report.withReports(set, FirmwareEmitter.render(set, b.firmware(), data), LibraryEmitter.FIRMWARE_FOLDER + "/");
    }

    /** Every model's test inputs, read from {@code files} in --model order (each checked against its model's input). */
    private static List<byte[]> testInputs(ModelSet set, List<Path> files) {
        int expected = set.models().stream().mapToInt(m -> m.graph().inputs().size()).sum();
        if (files.size() != expected) {
            throw new CompileException("the models have " + expected + " inputs together but " + files.size()
                    + " --test-input files were given (one per input of every model, in --model order)");
        }
        List<byte[]> data = new java.util.ArrayList<>();
        int next = 0;
        for (CompiledModel m : set.models()) {
            int n = m.graph().inputs().size();
            data.addAll(RunFiles.readInputs(m, files.subList(next, next + n), TargetOptions.TEST_INPUT));
            next += n;
        }
        return data;
    }

    @Override
    public String afterCompile(ModelSet set, TargetOptions options, Path output) {
        Board b = board(options);
        long testInputs = options.testInputs() == null ? 0 : set.inputBytes();
        return ColdFiles.summaryLine(set.models()) + "  fits     " + FitCheck.describe(set, b, testInputs) + "\n" + (b.emulated()
                ? String.format(Locale.ROOT, "  board    %s: build with `make -C %s`, run every model under QEMU with `make -C %s run`%n", b.name(), output, output)
                : String.format(Locale.ROOT, "  board    %s: build with `make -C %s` and flash %s.elf (no emulator runs this board)%n", b.name(), output, ModelSet.LIBRARY_NAME));
    }

    @Override
    public String weightsLocation() {
        return "const, flash";
    }

    @Override
    public String afterCompile(CompiledModel model, TargetOptions options, Path output) {
        Board b = board(options);
        String fit = ColdFiles.summaryLine(List.of(model)) + "  fits     " + FitCheck.describe(model, b, model.inputBytes()) + "\n";
        return fit + (b.emulated()
                ? String.format(Locale.ROOT, "  board    %s: build with `make -C %s`, run under QEMU with `make -C %s run`%n", b.name(), output, output)
                : String.format(Locale.ROOT, "  board    %s: build with `make -C %s` and flash %s.elf (no emulator runs this board)%n", b.name(), output, model.name()));
    }

    @Override
    public boolean profiles() {
        return true;
    }

    @Override
    public boolean dumpsTensors() {
        return true;
    }

    @Override
    public String run(CompiledModel model, TargetOptions options, List<Path> inputs, List<Path> outputs, RunExtras extras) {
        Board b = board(options);
        FitCheck.check(model, b, model.inputBytes());
        QemuRunner.Report r = QemuRunner.run(model, b, inputs, outputs);
        StringBuilder text = new StringBuilder(FirmwareSummary.of(model, b, r).toString())
                .append(String.format(Locale.ROOT, "  wrote    %s%n", outputs));
        List<byte[]> results = r.execution().outputs();
        if (extras.dumpTensors() != null) {
            QemuRunner.Probed dump = QemuRunner.probe(model, b, inputs, ProbeMode.DUMP, results);
            TensorDump.write(extras.dumpTensors(), CEmitter.probePoints(model), dump.tensors());
            text.append(String.format(Locale.ROOT, "  dumped   %d tensors to %s (index in %s)%n", dump.tensors().size(),
                    extras.dumpTensors(), TensorDump.INDEX));
        }
        Report.Profile profile = null;
        if (extras.profile()) {
            QemuRunner.Probed p = QemuRunner.probe(model, b, inputs, ProbeMode.PROFILE, results);
            profile = LayerProfile.of(b.name(), CEmitter.probePoints(model), p.counts(), p.tail(), p.empty(), r.execution().instructions());
            text.append(LayerProfile.table(model, profile));
        }
        RunFiles.writeReport(model, extras.report(), profile);
        return text.toString();
    }
}
