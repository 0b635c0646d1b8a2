import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.lower.Optimize;
import org.microcodegen.target.Board;
import org.microcodegen.target.FirmwareSummary;
import org.microcodegen.target.Processes;
import org.microcodegen.target.QemuRunner;
import org.microcodegen.target.Target;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Cortex-M benchmark (tools/benchmark runs it): compiles each fixture network into firmware for
 * mps2-an386 (or --board NAME), runs it under QEMU with its instruction-exact clock, and prints the results table: instructions of
 * one inference (the second of two), RAM and flash from the linked image. Each --write FILE also gets
 * the tables between its cortex-m and peers markers (BENCHMARKS.md, README.md). Each --optimize MODE
 * (speed, size, balanced; default balanced) gives every network a row in that mode; with several
 * modes --write replaces the optimize section instead.
 *
 * Not a test: nothing here asserts a speed. The conformance tests check the same firmware's outputs.
 */
public final class CortexMBenchmark {
    /**
     * Peers on the same harness, from ../shared/docs/peers.md (MindSpore Lite 2.0.0 Micro, fp32 nnacl
     * kernels, LeNet-5 from lenet_ms20.mindir): instructions, activation buffer, RAM total, flash code.
     */
    static final long MSLITE_INSTRUCTIONS = 3_852_600;
    static final long MSLITE_ACTIVATIONS = 62_400;
    static final long MSLITE_RAM = 304_496;
    static final long MSLITE_CODE = 11_570;
    static final String FUSED = "-ffp-contract=fast";

    record Entry(String label, Path model, Path input, Optimize mode) {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("microcodegen.root", ".")).toAbsolutePath().normalize();
        List<Path> writes = new ArrayList<>();
        String boardName = "mps2-an386";
        List<Optimize> modes = new ArrayList<>();
        boolean tflite = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tflite")) {
                tflite = true;
                continue;
            }
            if (args[i].equals("--write") && i + 1 < args.length) {
                writes.add(Path.of(args[++i]));
            } else if (args[i].equals("--board") && i + 1 < args.length) {
                boardName = args[++i];
            } else if (args[i].equals("--optimize") && i + 1 < args.length) {
                modes.add(Optimize.byName(args[++i]));
            } else {
                System.err.println("usage: tools/benchmark [--tflite] [--board NAME] [--optimize speed|size|balanced]... [--write FILE]...  (FILE gets"
                        + " the tables between its cortex-m / peers markers, or cortex-m-tflite with --tflite; each mode a row per network,"
                        + " default balanced)");
                System.exit(2);
            }
        }
        List<Entry> entries = new ArrayList<>();
        if (tflite) {
            tfliteEntries(root, entries);
        }
        for (String f : tflite ? List.<String>of() : List.of("lenet", "mlp", "dscnn", "resnet8", "mobilenetv2")) {
            Path dir = root.resolve("tests/fixtures").resolve(f);
            entries.add(new Entry(f, dir.resolve("model.mindir"), dir.resolve("input_0.bin"), null));
        }
        Path ms20 = root.resolve("../shared/models/mindir/lenet_ms20.mindir").normalize();
        if (tflite) {
            // the TFLite models are the peers' own (peers.md): their rows are the comparison
        } else if (Files.isRegularFile(ms20)) {
            entries.add(new Entry("lenet_ms20 (../shared)", ms20, root.resolve("tests/fixtures/shared/lenet_ms20/input_0.bin"), null));
        } else {
            System.err.println("note: " + ms20 + " is absent: the peer comparison row is left out");
        }

        if (modes.isEmpty()) {
            modes.add(Optimize.BALANCED);
        }
        List<Entry> perMode = new ArrayList<>();
        for (Entry e : entries) {
            for (Optimize mode : modes) {
                perMode.add(new Entry(modes.size() > 1 ? e.label() + " (" + mode.optionName() + ")" : e.label(), e.model(), e.input(), mode));
            }
        }
        entries = perMode;
        Board board = Board.byName(boardName);
        Target target = Target.byName(board.cpu());
        List<FirmwareSummary> results = new ArrayList<>();
        List<Long> fused = new ArrayList<>();
        for (Entry e : entries) {
            CompiledModel m = Compiler.compile(e.model(), e.label().startsWith("lenet") ? "lenet" : e.label().split(" ")[0], target, null, e.mode());
            var project = FirmwareEmitter.render(m, board.firmware(), List.of(Files.readAllBytes(e.input())));
            FirmwareSummary s = FirmwareSummary.of(m, board, measure(project, board, List.of(), e.label()));
            System.out.print(s);
            results.add(s);
            // The same build with fused multiply-adds: fewer instructions, not fewer cycles on a real M4.
            fused.add(measure(project, board, List.of("EXTRA_CFLAGS=" + FUSED), e.label()).execution().instructions());
        }
        String table = table(entries, results, fused, board, root);
        System.out.println();
        System.out.println(table);
        String peers = null;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).label().startsWith("lenet_ms20")) {
                peers = peers(results.get(i), fused.get(i));
                System.out.println(peers);
            }
        }
        for (Path write : writes) {
            String doc = Files.isRegularFile(write) ? Files.readString(write) : "";
            // several modes: the three-mode table has its own section; the main table and the peers
            // comparison stay those of a single-mode run
            boolean severalModes = modes.size() > 1;
            doc = replaceSection(doc, severalModes ? "optimize" : tflite ? "cortex-m-tflite" : "cortex-m", table);
            if (peers != null && !severalModes) {
                doc = replaceSection(doc, "peers", peers);
            }
            Files.writeString(write, doc);
            System.out.println("wrote " + write);
        }
    }

    /**
     * The TFLite models of ../shared/models/tflite that TFLM's figures in peers.md cover, each with the first
     * sample of its LiteRT reference data (tests/fixtures/tflite) as input.
     */
    static void tfliteEntries(Path root, List<Entry> entries) {
        String[][] models = {
                {"person_detect", "tflite/person_detect/person_detect.tflite", "person"},
                {"micro_speech", "tflite/micro_speech/micro_speech_quantized.tflite", "yes"},
                {"kws_ref_model", "tflite/mlperf_tiny/kws_ref_model.tflite", "random0"},
                {"pretrainedResnet_quant", "tflite/mlperf_tiny/pretrainedResnet_quant.tflite", "random0"},
                {"ad01_int8", "tflite/mlperf_tiny/ad01_int8.tflite", "random0"},
                {"hello_world_float", "tflite/hello_world/hello_world_float.tflite", "x00"}};
        for (String[] m : models) {
            Path model = root.resolve("../shared/models").resolve(m[1]).normalize();
            if (!Files.isRegularFile(model)) {
                System.err.println("note: " + model + " is absent: left out");
                continue;
            }
            entries.add(new Entry(m[0], model, root.resolve("tests/fixtures/tflite").resolve(m[0]).resolve(m[2]).resolve("input_0.bin"), null));
        }
    }

    static QemuRunner.Report measure(java.util.Map<String, byte[]> project, Board board, List<String> makeVariables, String label)
            throws java.io.IOException {
        Path work = Files.createTempDirectory("micro-codegen-bench");
        try {
            QemuRunner.Report r = QemuRunner.buildAndRun(project, board, work, QemuRunner.RUN_TIMEOUT, makeVariables);
            if (!r.execution().succeeded()) {
                throw new IllegalStateException(label + ": " + r.execution().failure());
            }
            return r;
        } finally {
            OutputFolder.deleteTree(work);
        }
    }

    /** Replaces the text between {@code <!-- NAME:begin -->} and {@code <!-- NAME:end -->}, or appends the section. */
    static String replaceSection(String doc, String name, String body) {
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        int b = doc.indexOf(begin);
        int e = doc.indexOf(end);
        String section = begin + "\n" + body + end;
        return b >= 0 && e > b ? doc.substring(0, b) + section + doc.substring(e + end.length()) : doc + "\n" + section + "\n";
    }

    static String peers(FirmwareSummary s, long fusedInstructions) {
        StringBuilder sb = new StringBuilder();
        sb.append("| LeNet-5 (lenet_ms20) | instructions | instr/MAC | activations | RAM total | code flash | weights in |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| micro-codegen (fp32) | %,d | %.2f | %,d B (arena) | %,d B | %,d B (model %,d + main/startup %,d + libc %,d) | flash |%n",
                s.instructions(), s.instructionsPerMac(), s.arena(), s.ramUsed(), s.code(), s.modelCode(), s.harnessCode(), s.libraryCode()));
        sb.append(String.format(Locale.ROOT, "| micro-codegen (fp32, built with %s) | %,d | %.2f | | | | |%n",
                FUSED, fusedInstructions, (double) fusedInstructions / s.macs()));
        sb.append(String.format(Locale.ROOT, "| MindSpore Lite Micro 2.0 (fp32) | %,d | %.2f | %,d B | %,d B | %,d B | RAM (copied at init) |%n",
                MSLITE_INSTRUCTIONS, (double) MSLITE_INSTRUCTIONS / s.macs(), MSLITE_ACTIVATIONS, MSLITE_RAM, MSLITE_CODE));
        sb.append(String.format(Locale.ROOT, "| ratio (peer / ours) | %.1fx | | %.1fx | %.1fx | %.1fx | |%n",
                (double) MSLITE_INSTRUCTIONS / s.instructions(), (double) MSLITE_ACTIVATIONS / s.arena(),
                (double) MSLITE_RAM / s.ramUsed(), (double) MSLITE_CODE / s.code()));
        sb.append("\nTensorFlow Lite Micro's interpreter framework alone takes about 10 KB of flash on a Cortex-M (its\n");
        sb.append("memory_footprint example), before any kernel; its float hello_world measured 24,400 B of code here.\n");
        sb.append(String.format(Locale.ROOT, "Our whole LeNet code (%,d B) includes the kernels; the part that plays the interpreter's role, the\n", s.code()));
        sb.append(String.format(Locale.ROOT, "generated schedule (`lenet_run`, one call per layer) with its parameter structs, takes %,d B.%n", s.scheduleCode()));
        return sb.toString();
    }

    static String table(List<Entry> entries, List<FirmwareSummary> results, List<Long> fused, Board board, Path root) {
        StringBuilder sb = new StringBuilder();
        List<String> qemu = QemuRunner.command(board, "qemu-system-arm", "app.elf");
        sb.append(String.format(Locale.ROOT, "Measured %s by `tools/benchmark` on `%s` (`%s`),%n",
                LocalDate.now(ZoneOffset.UTC), version(List.of(QemuRunner.qemu(), "--version"), root),
                String.join(" ", qemu.subList(1, 3)) + " -icount " + board.instructionClock().icount()));
        sb.append(String.format(Locale.ROOT, "%s, flags as in the generated Makefile (`%s -O2 %s`, gc-sections, newlib-nano).%n",
                version(List.of(QemuRunner.cross() + "gcc", "--version"), root), board.cpuFlags(), FirmwareEmitter.FP_CONTRACT));
        sb.append("Instructions: the second of two inferences, exact (SysTick ticks under -icount, one instruction = "
                + String.format(Locale.ROOT, "%.2f", (double) board.instructionClock().denominator() / board.instructionClock().numerator())
                + " ticks; see InstructionClock). RAM: .data + .bss (arena and output buffer included) + stack high-water.\n");
        sb.append("Flash: the whole image; code = flash - weights - test input, split into the model's code (kernels, schedule, parameters), the test main + startup, and libc/libm/libgcc.\n");
        sb.append("\"fused\": the same firmware built with `" + FUSED + "` (VFMA): fewer instructions, but not fewer cycles on a real M4 (VFMA 3 cycles, VMUL + VADD 1 + 1), and no longer bit-identical with the host build.\n\n");
        sb.append("| model | MACs | instructions | instr/MAC | instr/MAC fused | arena | lower bound | RAM total | stack | flash | weights | code | model code | main + startup | libc/libm |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < results.size(); i++) {
            FirmwareSummary s = results.get(i);
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.2f | %.2f | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B |%n",
                    entries.get(i).label(), s.macs(), s.instructions(), s.instructionsPerMac(), (double) fused.get(i) / s.macs(), s.arena(), s.lowerBound(), s.ramUsed(),
                    s.stackUsed(), s.flash(), s.weights(), s.code(), s.modelCode(), s.harnessCode(), s.libraryCode()));
        }
        return sb.toString();
    }

    private static String version(List<String> command, Path dir) {
        String out = Processes.run(command, dir, Duration.ofSeconds(30), "reading a version", "").output();
        return out.lines().findFirst().orElse("?").strip();
    }

}
