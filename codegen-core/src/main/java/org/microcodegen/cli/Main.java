package org.microcodegen.cli;

import org.microcodegen.Compiler;
import org.microcodegen.Version;
import org.microcodegen.emit.CEmitter;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.JavaEmitter;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Node;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.target.Board;
import org.microcodegen.target.FirmwareSummary;
import org.microcodegen.target.FitCheck;
import org.microcodegen.target.HostRunner;
import org.microcodegen.target.QemuRunner;
import org.microcodegen.target.RunFiles;
import org.microcodegen.target.JavaRunner;
import org.microcodegen.target.Target;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * The command line. Exit status: 0 success, 2 bad usage or bad input (one line on stderr), 1 an
 * internal error (also one line; set MICRO_CODEGEN_DEBUG=1 for the stack trace).
 */
@Command(name = "micro-codegen", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
                "Compiles a trained MindSpore network (.mindir) into plain C99 for microcontrollers:",
                "a static memory plan, const weights in flash, one kernel call per layer, no malloc.",
                "",
                "Example: micro-codegen --model lenet.mindir --target cortex-m4 --output out/"},
        subcommands = {Main.Run.class, Main.Ops.class},
        footer = {"", "Exit status: 0 success; 2 bad usage or bad input; 1 internal error."})
public final class Main implements Callable<Integer> {
    private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");

    @Option(names = "--model", paramLabel = "FILE", description = "The model to compile (MindIR, .mindir).")
    Path model;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "host",
            description = {"host: the model's C sources; cortex-m4: a firmware project (model, Makefile,",
                    "startup code, test main) for --board; java: a Java class (default: ${DEFAULT-VALUE})."})
    String target;

    @Option(names = "--board", paramLabel = "BOARD",
            description = "With cortex-m4: mps2-an386 (default) or netduinoplus2. The model must fit its RAM and flash.")
    String board;

    @Option(names = "--test-input", paramLabel = "IN.bin",
            description = "With cortex-m4: a raw input tensor the test main runs on (repeat per input; default zeros).")
    List<Path> testInputs;

    @Option(names = "--package", paramLabel = "PACKAGE",
            description = "With java: the generated class's package (default: " + JavaEmitter.DEFAULT_PACKAGE + ").")
    String javaPackage;

    @Option(names = "--output", paramLabel = "DIR",
            description = {"Folder for the generated sources (created if missing). The files of the previous",
                    "compile into it are replaced or removed; any other file in it is kept."})
    Path output;

    @Option(names = "--name", paramLabel = "NAME",
            description = {"Prefix of the generated files and symbols, a C identifier (default: from the model file name);",
                    "not mc_*, a C library header's name (math, stdint...) or one of the project's files (main, board...)."})
    String name;

    @CommandLine.Mixin
    DumpIr dumpIr;

    /** {@code --dump-ir DIR}, shared by compiling and {@code run}. */
    static final class DumpIr {
        @Option(names = "--dump-ir", paramLabel = "DIR",
                description = "Write the graph as text after loading and after each pass, one numbered file per step (00-load.txt, ...).")
        Path dir;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit status (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ex, cmd.getErr()));
        cl.setParameterExceptionHandler((ex, args2) -> {
            ex.getCommandLine().getErr().println("micro-codegen: " + ex.getMessage() + " (see --help)");
            return 2;
        });
        return cl.execute(args);
    }

    private static int handle(Exception ex, PrintWriter err) {
        if (ex instanceof QemuRunner.FirmwareFailure) {
            err.println("micro-codegen: " + oneLine(ex.getMessage()));
            err.flush();
            return 1;
        }
        if (ex instanceof CompileException) {
            err.println("micro-codegen: " + oneLine(ex.getMessage()));
            err.flush();
            return 2;
        }
        err.println("micro-codegen: internal error: " + oneLine(String.valueOf(ex)) + " (please report it; MICRO_CODEGEN_DEBUG=1 shows the stack trace)");
        if (System.getenv("MICRO_CODEGEN_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    @Override
    public Integer call() {
        CommandLine.Model.CommandSpec spec = new CommandLine(this).getCommandSpec();
        if (model == null || output == null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--model and --output are required to compile (or use a subcommand: run, ops)");
        }
        if (output.toString().isEmpty()) {
            throw new CompileException("--output is empty: name a folder (. for the current one)");
        }
        Target t = Target.byName(target);
        Board b = boardFor(t, board);
        if (b == null && testInputs != null) {
            throw new CompileException("--test-input needs --target cortex-m4 (it is linked into the firmware's test main)");
        }
        String n = modelName(model, name);
        if (javaPackage != null && t != Target.JAVA) {
            throw new CompileException("--package applies to --target java only");
        }
        OutputFolder.checkWritable(output);    // before the compile, which can take a while
        CompiledModel compiled = Compiler.compile(model, n, t, dumpIr.dir);
        Map<String, byte[]> files;
        if (b != null) {
            List<byte[]> data = testInputs == null ? List.of() : RunFiles.readInputs(compiled, testInputs, "--test-input");
            FitCheck.check(compiled, b, compiled.inputBytes());
            files = FirmwareEmitter.render(compiled, b, data);
        } else if (t == Target.JAVA) {
            files = JavaEmitter.render(compiled, javaPackage != null ? javaPackage : JavaEmitter.DEFAULT_PACKAGE);
        } else {
            files = CEmitter.render(compiled);
        }
        OutputFolder.write(output, files);
        PrintWriter out = spec.commandLine().getOut();
        out.print(summary(compiled, output, files));
        if (b != null) {
            out.printf(Locale.ROOT, "  board    %s: build with `make -C %s`, run under QEMU with `make -C %s run`%n", b.name(), output, output);
        }
        out.flush();
        return 0;
    }

    /** The board for a firmware target; null for targets that emit plain sources. */
    static Board boardFor(Target t, String boardName) {
        if (t == Target.CORTEX_M4) {
            return Board.byName(boardName == null ? Board.DEFAULT : boardName);
        }
        if (boardName != null) {
            throw new CompileException("--board needs --target cortex-m4");
        }
        return null;
    }

    /**
     * The output's name: {@code --name}, or else the model file's name made into a C identifier. Either
     * way it prefixes every file written, so it must not be one the output or a compiler already uses
     * (see {@link #reservedBecause}): an explicit name is refused, a derived one gets "_model" added.
     */
    static String modelName(Path model, String explicit) {
        if (explicit != null) {
            if (!C_IDENTIFIER.matcher(explicit).matches()) {
                throw new CompileException("--name '" + explicit + "' is not a C identifier (letters, digits, _; at most 48)");
            }
            String name = explicit.toLowerCase(Locale.ROOT);
            String why = reservedBecause(name);
            if (why != null) {
                throw new CompileException("--name '" + explicit + "' " + why + "; choose another name, e.g. " + safeName(name));
            }
            return name;
        }
        String file = model.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = (dot > 0 ? file.substring(0, dot) : file).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        if (stem.isEmpty() || Character.isDigit(stem.charAt(0))) {
            stem = "model_" + stem;
        }
        return safeName(stem.length() > 48 ? stem.substring(0, 48) : stem);
    }

    /** Every C99/C11 standard header: a NAME.h of that name in a folder on the include path would replace it. */
    private static final Set<String> C_HEADERS = Set.of("assert", "complex", "ctype", "errno", "fenv", "float", "inttypes",
            "iso646", "limits", "locale", "math", "setjmp", "signal", "stdalign", "stdarg", "stdatomic", "stdbool", "stddef",
            "stdint", "stdio", "stdlib", "stdnoreturn", "string", "tgmath", "threads", "time", "uchar", "wchar", "wctype");
    /** Files the output itself has besides the model's: the firmware project's, and the host runner of `run`. */
    private static final Set<String> PROJECT_FILES = Set.of("main", "test_data", "board", "makefile", "host_main");

    /** Why {@code name} cannot name a model's files, or null if it can. */
    static String reservedBecause(String name) {
        if (name.equals("mc") || name.startsWith("mc_")) {
            return "is in the runtime's namespace (mc_*): its files and symbols would collide with the runtime's";
        }
        if (C_HEADERS.contains(name)) {
            return "would shadow the C library's <" + name + ".h> wherever the output folder is on the include path";
        }
        if (PROJECT_FILES.contains(name)) {
            return "would collide with the generated project's own " + name + " file";
        }
        return null;
    }

    /** {@code name} itself when it is free, else a free name made from it ("math" -> "math_model"). */
    private static String safeName(String name) {
        if (reservedBecause(name) == null) {
            return name;
        }
        String base = name.length() > 42 ? name.substring(0, 42) : name;
        return base.startsWith("mc") ? "model_" + base : base + "_model";
    }

    static String summary(CompiledModel m, Path output, Map<String, byte[]> files) {
        Map<String, Integer> ops = new TreeMap<>();
        for (Node node : m.graph().nodes()) {
            FusedActivation act = Op.of(node).activation();
            String label = node.opType() + (act == FusedActivation.NONE ? "" : "+" + act.label());
            ops.merge(label, 1, Integer::sum);
        }
        List<String> opList = new ArrayList<>();
        ops.forEach((k, v) -> opList.add(k + " x" + v));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "micro-codegen %s: %s -> %s (target %s, name %s)%n",
                Version.VERSION, m.sourceFile(), output, m.target().name(), m.name()));
        sb.append(String.format(Locale.ROOT, "  ops      %d nodes, %d kernel calls: %s%n", m.graph().nodes().size(), m.kernelCalls(), String.join(", ", opList)));
        sb.append(String.format(Locale.ROOT, "  MACs     %,d%n", m.macs()));
        sb.append(String.format(Locale.ROOT, "  weights  %,d bytes (%s)%n", m.weightBytes(),
                m.target() == Target.JAVA ? "a resource, read once" : "const, flash"));
        long arena = m.arenaBytes();
        long bound = m.lowerBoundBytes();
        sb.append(String.format(Locale.ROOT, "  arena    %,d bytes; lower bound %,d bytes%s%n", arena, bound,
                arena == bound ? " (at the bound)" : String.format(Locale.ROOT, " (+%.1f%%)", bound == 0 ? 0.0 : 100.0 * (arena - bound) / bound)));
        sb.append(String.format(Locale.ROOT, "  files    %s%n", String.join(" ", files.keySet())));
        return sb.toString();
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"micro-codegen " + Version.VERSION};
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Compiles the model, builds it and runs one inference, then writes the outputs.",
                    "host: built with the host C compiler ($CC or cc).",
                    "cortex-m4: a firmware image for --board, built with arm-none-eabi-gcc and run in",
                    "qemu-system-arm with an instruction-exact clock; also reports instructions, RAM and flash.",
                    "Inputs and outputs are raw little-endian tensors, given in graph order."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model (.mindir).")
        Path model;

        @Option(names = "--input", paramLabel = "IN.bin", required = true,
                description = "A raw input tensor; repeat once per graph input, in order.")
        List<Path> inputs;

        @Option(names = "--out", paramLabel = "OUT.bin", required = true,
                description = "Where to write an output tensor; repeat once per graph output, in order.")
        List<Path> outputs;

        @Option(names = "--target", paramLabel = "TARGET", defaultValue = "host",
                description = "host (default), cortex-m4 (under QEMU) or java (this JVM).")
        String target;

        @Option(names = "--board", paramLabel = "BOARD",
                description = "With cortex-m4: mps2-an386 (default) or netduinoplus2.")
        String board;

        @CommandLine.Mixin
        DumpIr dumpIr;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Target t = Target.byName(target);
            Board b = boardFor(t, board);
            CompiledModel compiled = Compiler.compile(model, modelName(model, null), t, dumpIr.dir);
            PrintWriter out = spec.commandLine().getOut();
            if (b != null) {
                FitCheck.check(compiled, b, compiled.inputBytes());
                QemuRunner.Report r = QemuRunner.run(compiled, b, inputs, outputs);
                out.print(FirmwareSummary.of(compiled, b, r));
                out.printf(Locale.ROOT, "  wrote    %s%n", outputs);
            } else if (t == Target.JAVA) {
                JavaRunner.run(compiled, inputs, outputs);
                out.printf(Locale.ROOT, "ran %s on the JVM: %d input(s), wrote %s%n", model.getFileName(), inputs.size(), outputs);
            } else {
                HostRunner.run(compiled, inputs, outputs);
                out.printf(Locale.ROOT, "ran %s on the host: %d input(s), wrote %s%n", model.getFileName(), inputs.size(), outputs);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "ops", mixinStandardHelpOptions = true, description = "Lists the supported MindIR operators.")
    static final class Ops implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(String.join("\n", org.microcodegen.frontend.mindir.MindIrLoader.supportedOps()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
