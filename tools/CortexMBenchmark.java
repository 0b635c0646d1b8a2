import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.lower.Optimize;
import org.microcodegen.ops.Arg;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.target.Board;
import org.microcodegen.target.FirmwareSummary;
import org.microcodegen.target.LinkMap;
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
import java.util.Map;

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
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tflite")) {
                tflite = true;
                continue;
            }
            if (args[i].equals("--write") && i + 1 < args.length) {
                writes.add(Path.of(args[++i]));
            } else if (args[i].equals("--only") && i + 1 < args.length) {
                only.add(args[++i]);
            } else if (args[i].equals("--board") && i + 1 < args.length) {
                boardName = args[++i];
            } else if (args[i].equals("--optimize") && i + 1 < args.length) {
                modes.add(Optimize.byName(args[++i]));
            } else {
                System.err.println("usage: tools/benchmark [--tflite] [--only MODEL]... [--board NAME] [--optimize speed|size|balanced]... [--write FILE]...  (FILE gets"
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

        if (!only.isEmpty()) {
            // a quick look at some models; --write would replace whole tables with these rows only
            entries.removeIf(e -> !only.contains(e.label()));
            if (!writes.isEmpty()) {
                System.err.println("--only and --write do not go together: the tables hold every model");
                System.exit(2);
            }
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
        StringBuilder perKernel = new StringBuilder(CODE_PER_KERNEL_HEADER);
        for (Entry e : entries) {
            CompiledModel m = Compiler.compile(e.model(), e.label().startsWith("lenet") ? "lenet" : e.label().split(" ")[0], target, null, e.mode());
            var project = FirmwareEmitter.render(m, board.firmware(), List.of(Files.readAllBytes(e.input())));
            QemuRunner.Report report = measure(project, board, List.of(), e.label());
            FirmwareSummary s = FirmwareSummary.of(m, board, report);
            System.out.print(s);
            results.add(s);
            perKernel.append(codePerKernel(e.label(), m, report.linkMap()));
            // The same build with fused multiply-adds: fewer instructions, not fewer cycles on a real M4.
            fused.add(measure(project, board, List.of("EXTRA_CFLAGS=" + FUSED), e.label()).execution().instructions());
        }
        String table = table(entries, results, fused, board, root);
        System.out.println();
        System.out.println(table);
        System.out.println(perKernel);
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
            String perKernelSection = tflite ? "code-per-kernel-tflite" : "code-per-kernel";
            if (!severalModes && doc.contains("<!-- " + perKernelSection + ":begin -->")) {
                // only where the document has its markers (BENCHMARKS.md; README.md keeps the summary tables only)
                doc = replaceSection(doc, perKernelSection, perKernel.toString());
            }
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
        sb.append(String.format(Locale.ROOT, "%s, flags as in the generated Makefile (`%s -O2 %s`, -Os for the harness and the kernels under 0.4%% of the estimated instructions, gc-sections, newlib-nano).%n",
                version(List.of(QemuRunner.cross() + "gcc", "--version"), root), board.cpuFlags(), FirmwareEmitter.FP_CONTRACT));
        sb.append("Instructions: the second of two inferences, exact (SysTick ticks under -icount, one instruction = "
                + String.format(Locale.ROOT, "%.2f", (double) board.instructionClock().denominator() / board.instructionClock().numerator())
                + " ticks; see InstructionClock). RAM: .data + .bss (arena and output buffer included) + stack high-water.\n");
        sb.append("Flash: the whole image. weights: every constant a kernel reads as a buffer (weights, biases with folded offsets, packed copies);"
                + " tables: the per-channel requantization multipliers (int32) and shifts (int8; int32 in dense layers), a one-to-one transform of the model's per-channel"
                + " scales. code = flash - weights - test input, tables included, split into the model's code (kernels, schedule, parameter structs,"
                + " tables), the test main + startup, and libc/libm/libgcc. The \"as data\" columns count the tables with the weights instead, as"
                + " TFLM's model file holds the scales (and its op options and graph, which we count as code).\n");
        sb.append("\"fused\": the same firmware built with `" + FUSED + "` (VFMA): fewer instructions, but not fewer cycles on a real M4 (VFMA 3 cycles, VMUL + VADD 1 + 1), and no longer bit-identical with the host build.\n\n");
        sb.append("| model | MACs | instructions | instr/MAC | instr/MAC fused | arena | lower bound | RAM total | stack | flash | weights | tables"
                + " | code | model code | code, tables as data | model code, tables as data | main + startup | libc/libm |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < results.size(); i++) {
            FirmwareSummary s = results.get(i);
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.2f | %.2f | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B"
                            + " | %,d B | %,d B | %,d B |%n",
                    entries.get(i).label(), s.macs(), s.instructions(), s.instructionsPerMac(), (double) fused.get(i) / s.macs(), s.arena(), s.lowerBound(), s.ramUsed(),
                    s.stackUsed(), s.flash(), s.weights(), s.requantizationTables(), s.code(), s.modelCode(), s.codeTablesAsData(), s.modelCodeTablesAsData(),
                    s.harnessCode(), s.libraryCode()));
        }
        return sb.toString();
    }

    static final String CODE_PER_KERNEL_HEADER = """
            Code per kernel, from the linker's map of each firmware above (flash bytes of every input section linked, -ffunction-sections
            -fdata-sections and gc-sections: a kernel file contributes only the entry points the model calls and the static helpers and
            constants they use). The model's own object: the schedule (the run function: one call per layer), the parameter structs
            (one per layer), the per-channel requantization tables (the "tables" column above) and other constant tables (lookup tables).
            The rows of a model add up to its "model code" column (tables as code).

            | model | part | bytes | what |
            |---|---|---|---|
            """;

    /** The model code of one firmware, part by part: each kernel file's entry points, helpers and constants; schedule, structs, tables. */
    static String codePerKernel(String label, CompiledModel m, LinkMap map) {
        StringBuilder sb = new StringBuilder();
        String own = LinkMap.modelObject(m.name() + ".c");
        for (String object : map.modelObjects()) {
            String file = Path.of(object).getFileName().toString();
            if (!file.startsWith("mc_")) {
                continue;
            }
            List<String> entryPoints = new ArrayList<>(), helpers = new ArrayList<>(), constants = new ArrayList<>();
            long total = 0;
            // largest first: where a kernel file's bytes go
            for (var s : map.sections(object).entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList()) {
                String name = s.getKey().replaceFirst("^\\.(text|rodata|data)\\.", "");
                String item = String.format(Locale.ROOT, "%s %,d", name, s.getValue());
                (s.getKey().startsWith(".text.mc_") ? entryPoints : s.getKey().startsWith(".text") ? helpers : constants).add(item);
                total += s.getValue();
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s%s%s |%n", label, file.replaceFirst("\\.o$", ".c"), total,
                    String.join(", ", entryPoints), helpers.isEmpty() ? "" : "; static helpers " + String.join(", ", helpers),
                    constants.isEmpty() ? "" : "; constants " + String.join(", ", constants)));
        }
        long text = 0, constantBytes = 0;
        for (var s : map.sections(own).entrySet()) {
            if (s.getKey().startsWith(".text")) {
                text += s.getValue();
            } else {
                constantBytes += s.getValue();
            }
        }
        long tables = m.requantizationTableBytes();
        long lookup = 0;
        int structs = 0, channels = 0;
        for (var l : m.lowerings().values()) {
            if (l.isView()) {
                continue;
            }
            ParamsStruct p = l.call().params();
            if (p != null) {
                ++structs;
                for (ParamsStruct.Field f : p.fields()) {
                    if (f.value() instanceof ParamsStruct.Table t) {
                        if (f.name().equals(ParamsStruct.OUT_MULT)) {
                            channels += t.length();
                        } else if (!f.name().equals(ParamsStruct.OUT_SHIFT)) {
                            lookup += (long) t.length() * t.elementType().byteSize();
                        }
                    }
                }
            }
            for (Arg a : l.call().args()) {
                if (a instanceof Arg.Table t) {
                    lookup += (long) t.table().length() * t.table().elementType().byteSize();
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "| %s | schedule (%s_run) | %,d | %d kernel calls |%n", label, m.name(), text, m.kernelCalls()));
        sb.append(String.format(Locale.ROOT, "| %s | parameter structs | %,d | %d structs |%n", label, constantBytes - tables - lookup, structs));
        if (tables > 0) {
            sb.append(String.format(Locale.ROOT, "| %s | requantization tables | %,d | %,d channels: multiplier int32 + shift int8 (int32 in dense layers) |%n", label, tables, channels));
        }
        if (lookup > 0) {
            sb.append(String.format(Locale.ROOT, "| %s | lookup tables | %,d | computed from the scales at compile time |%n", label, lookup));
        }
        return sb.toString();
    }

    private static String version(List<String> command, Path dir) {
        String out = Processes.run(command, dir, Duration.ofSeconds(30), "reading a version", "").output();
        return out.lines().findFirst().orElse("?").strip();
    }

}
