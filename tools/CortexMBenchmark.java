import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.emit.OutputFolder;
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
 * The Cortex-M4 benchmark (tools/benchmark runs it): compiles each fixture network into firmware for
 * mps2-an386, runs it under QEMU with -icount shift=0, and prints the results table: instructions of
 * one inference (the second of two), RAM and flash from the linked image. With --write FILE it also
 * replaces the table between the cortex-m markers in FILE (BENCHMARKS.md).
 *
 * Not a test: nothing here asserts a speed. The conformance tests check the same firmware's outputs.
 */
public final class CortexMBenchmark {
    static final String BEGIN = "<!-- cortex-m:begin -->";
    static final String END = "<!-- cortex-m:end -->";

    record Entry(String label, Path model, Path input) {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("microcodegen.root", ".")).toAbsolutePath().normalize();
        Path write = args.length == 2 && args[0].equals("--write") ? Path.of(args[1]) : null;
        List<Entry> entries = new ArrayList<>();
        for (String f : List.of("lenet", "mlp", "dscnn", "resnet8", "mobilenetv2")) {
            Path dir = root.resolve("tests/fixtures").resolve(f);
            entries.add(new Entry(f, dir.resolve("model.mindir"), dir.resolve("input_0.bin")));
        }
        Path ms20 = root.resolve("../shared/models/mindir/lenet_ms20.mindir").normalize();
        if (Files.isRegularFile(ms20)) {
            entries.add(new Entry("lenet_ms20 (../shared)", ms20, root.resolve("tests/fixtures/shared/lenet_ms20/input_0.bin")));
        } else {
            System.err.println("note: " + ms20 + " is absent: the peer comparison row is left out");
        }

        Board board = Board.byName(Board.DEFAULT);
        List<FirmwareSummary> results = new ArrayList<>();
        for (Entry e : entries) {
            CompiledModel m = Compiler.compile(e.model(), e.label().startsWith("lenet") ? "lenet" : e.label(), Target.CORTEX_M4);
            Path work = Files.createTempDirectory("micro-codegen-bench");
            try {
                QemuRunner.Report r = QemuRunner.buildAndRun(FirmwareEmitter.render(m, board, List.of(Files.readAllBytes(e.input()))),
                        board, work, QemuRunner.RUN_TIMEOUT);
                if (!r.execution().succeeded()) {
                    throw new IllegalStateException(e.label() + ": " + r.execution().failure());
                }
                FirmwareSummary s = FirmwareSummary.of(m, board, r);
                System.out.print(s);
                results.add(s);
            } finally {
                OutputFolder.deleteTree(work);
            }
        }
        String table = table(entries, results, root);
        System.out.println();
        System.out.println(table);
        if (write != null) {
            String doc = Files.isRegularFile(write) ? Files.readString(write) : "";
            int b = doc.indexOf(BEGIN);
            int en = doc.indexOf(END);
            String section = BEGIN + "\n" + table + END;
            doc = b >= 0 && en > b ? doc.substring(0, b) + section + doc.substring(en + END.length()) : doc + "\n" + section + "\n";
            Files.writeString(write, doc);
            System.out.println("wrote " + write);
        }
    }

    static String table(List<Entry> entries, List<FirmwareSummary> results, Path root) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Measured %s by `tools/benchmark` on `%s` (`-M mps2-an386 -icount shift=0,sleep=off`),%n",
                LocalDate.now(ZoneOffset.UTC), version(List.of(qemu(), "--version"), root)));
        sb.append(String.format(Locale.ROOT, "%s, flags as in the generated Makefile (`-mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 %s`, gc-sections, newlib-nano).%n",
                version(List.of(cross() + "gcc", "--version"), root), FirmwareEmitter.FP_CONTRACT));
        sb.append("Instructions: the second of two inferences, SysTick ticks x 40. RAM: .data + .bss (arena and output buffer included) + stack high-water.\n");
        sb.append("Flash: the whole image; code = flash - weights - test input, split into the model's code (kernels, schedule, parameters), the test main + startup, and libc/libm/libgcc.\n\n");
        sb.append("| model | MACs | instructions | instr/MAC | arena | lower bound | RAM total | stack | flash | weights | code | model code | main + startup | libc/libm |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < results.size(); i++) {
            FirmwareSummary s = results.get(i);
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.2f | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B | %,d B |%n",
                    entries.get(i).label(), s.macs(), s.instructions(), s.instructionsPerMac(), s.arena(), s.lowerBound(), s.ramUsed(),
                    s.stackUsed(), s.flash(), s.weights(), s.code(), s.modelCode(), s.harnessCode(), s.libraryCode()));
        }
        return sb.toString();
    }

    private static String version(List<String> command, Path dir) {
        String out = Processes.run(command, dir, Duration.ofSeconds(30), "reading a version", "").output();
        return out.lines().findFirst().orElse("?").strip();
    }

    private static String cross() {
        return System.getenv().getOrDefault("CROSS", "arm-none-eabi-");
    }

    private static String qemu() {
        return System.getenv().getOrDefault("QEMU", "qemu-system-arm");
    }
}
