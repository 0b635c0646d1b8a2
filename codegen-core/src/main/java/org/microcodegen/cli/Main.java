package org.microcodegen.cli;

import org.microcodegen.CompileOptions;
import org.microcodegen.Compiler;
import org.microcodegen.ptq.QuantReport;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.quant.Reference;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.Report;
import org.microcodegen.emit.JavaEmitter;
import org.microcodegen.emit.ModelSet;
import org.microcodegen.emit.OutputFolder;
import org.microcodegen.emit.Version;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Node;
import org.microcodegen.lower.Optimize;
import org.microcodegen.lower.RowBands;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.target.ExpectedOutputs;
import org.microcodegen.target.MemorySize;
import org.microcodegen.target.QemuRunner;
import org.microcodegen.target.RawTensor;
import org.microcodegen.target.RunExtras;
import org.microcodegen.target.RunFiles;
import org.microcodegen.target.Target;
import org.microcodegen.target.TargetOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE",
            description = {"The model to compile (MindIR, TFLite, ONNX, MindSpore Lite). Repeat it, each with its --name, to compile",
                    "several models into one output (host, c, cortex-m*): symbols namespaced by name, the kernels once."})
    List<Path> models;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "host", completionCandidates = TargetNames.class,
            description = {"${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). host: the model's C sources;",
                    "c: the model as a library folder (CMakeLists.txt, model.mk); cortex-m*: a firmware project (the model's",
                    "library in model/, Makefile, startup code, test main) for a board; java: a Java class."})
    String target;

    @Option(names = "--library", description = "The same as --target c: the model as a library folder for your own firmware.")
    boolean library;

    @Option(names = "--shared-arena",
            description = {"With several --model: one arena for all, the size of the largest, for models that never run at the",
                    "same time (models.h says so and gives MODELS_ARENA_SIZE); without it each model has its own."})
    boolean sharedArena;

    @CommandLine.Mixin
    BoardOptions boardOptions = new BoardOptions();

    @Option(names = "--test-input", paramLabel = "IN.bin",
            description = "With cortex-m*: a raw input tensor the test main runs on (repeat per input; default zeros).")
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
                    "not mc_*, a C library header's name (math, stdint...) or one of the project's files (main, board...).",
                    "With several --model: one --name each, in the same order (or none, to name each after its file)."})
    List<String> names;

    @CommandLine.Mixin
    DumpIr dumpIr;

    @CommandLine.Mixin
    OptimizeOption optimize;

    @CommandLine.Mixin
    QuantizeOption quantize = new QuantizeOption();

    /** {@code --optimize MODE}, shared by compiling and {@code run}. */
    static final class OptimizeOption {
        @Option(names = "--optimize", paramLabel = "MODE", defaultValue = "balanced",
                description = {"speed, size or balanced (default: ${DEFAULT-VALUE}): among the kernels that compute a layer's same results,",
                        "the fastest, the smallest (the fewest kernels linked), or a faster one only where it saves at least",
                        "10 instructions per inference per byte of code it adds (measured costs, see README)."})
        String mode;

        @Option(names = "--rounding", paramLabel = "REF", defaultValue = "tflite",
                description = {"tflite or tflm (default: ${DEFAULT-VALUE}): whose int8/int16 results to reproduce bit for bit:",
                        "LiteRT's reference kernels (its FULLY_CONNECTED rounds once when it requantizes, its other",
                        "kernels twice) or TensorFlow Lite Micro's default build (twice everywhere). The two differ in",
                        "the last bit of some outputs; float models are not affected. ONNX models always reproduce",
                        "ONNX Runtime (float requantization, ties to even), whatever this option says."})
        String rounding;

        @Option(names = "--row-bands", paramLabel = "WHEN", defaultValue = "auto",
                description = {"auto, on or off (default: ${DEFAULT-VALUE}): when to compute the first layers of an NHWC network",
                        "(convolutions, depthwise convolutions, pools) a band of rows at a time, recomputing the rows",
                        "neighbouring bands share: a smaller arena for more instructions and code. auto: only when the",
                        "model does not fit the board's RAM (--board, --ram) without bands and does with them (never",
                        "without a board); on: whenever bands lower the arena; off: never. The summary says which."})
        String rowBands;

        Optimize mode() {
            return Optimize.byName(mode);
        }

        /** The options for a model compiled for {@code t}, which `--row-bands auto` fits to its board, if any. */
        CompileOptions options(Target t, TargetOptions o) {
            return options().withBoard(t.board(o));
        }

        CompileOptions options() {
            Reference r = switch (rounding) {
                case "tflite" -> Reference.LITERT;
                case "tflm" -> Reference.TFLM;
                default -> throw new CompileException("unknown --rounding '" + rounding + "': expected tflite or tflm");
            };
            return new CompileOptions(mode(), r).withRowBands(RowBands.Policy.byName(rowBands));
        }
    }

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
        return execute(new CommandLine(new Main()), args);
    }

    /** The same, printing to {@code out} and {@code err}: several runs can share one JVM at once (the tests do). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        return execute(cl, args);
    }

    private static int execute(CommandLine cl, String... args) {
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
        if (models == null || output == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--model and --output are required to compile (or use a subcommand: run, ops)");
        }
        if (output.toString().isEmpty()) {
            throw new CompileException("--output is empty: name a folder (. for the current one)");
        }
        if (library && spec.commandLine().getParseResult().hasMatchedOption("--target") && !target.equals(Target.C.name())) {
            throw new CompileException("--library is --target " + Target.C.name() + ": it cannot go with --target " + target);
        }
        Target t = library ? Target.C : Target.byName(target);
        TargetOptions options = boardOptions.options(testInputs, javaPackage);
        t.check(options);
        if (models.size() > 1) {
            t.checkSeveral();
        }
        List<String> modelNames = modelNames(models, names);
        if (sharedArena && models.size() < 2) {
            throw new CompileException("--shared-arena applies to several models (--model a --name a --model b --name b)");
        }
        CompileOptions choices = quantize.apply(optimize.options(t, options));
        if (models.size() > 1) {
            if (choices.quantize().mode() != QuantizeOptions.Mode.NONE) {
                throw new CompileException("--quantize applies to one model at a time (each has its own calibration data): "
                        + "compile each model alone to quantize it");
            }
            OutputFolder.checkWritable(output);
            return compileSeveral(t, options, modelNames, choices);
        }
        OutputFolder.checkWritable(output);    // before the compile, which can take a while
        Compiler.Compilation compilation = Compiler.compileWithReport(models.get(0), modelNames.get(0), t, dumpIr.dir, choices);
        CompiledModel compiled = compilation.model();
        Map<String, byte[]> files = t.render(compiled, options);
        if (compilation.quantization() != null) {
            // next to the output, written with it (all or nothing, listed in the manifest)
            files = new java.util.LinkedHashMap<>(files);
            files.put(QuantReport.FILE, compilation.quantization().json());
        }
        OutputFolder.write(output, files);
        PrintWriter out = spec.commandLine().getOut();
        if (compilation.quantization() != null) {
            out.print(compilation.quantization().table());
        }
        out.print(summary(compiled, t, output, files));
        out.print(t.afterCompile(compiled, options, output));
        out.flush();
        return 0;
    }

    /** Several models into one output: each compiled alone (its --dump-ir in DIR/NAME/), then rendered together. */
    private int compileSeveral(Target t, TargetOptions options, List<String> modelNames, CompileOptions choices) {
        List<CompiledModel> compiled = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            compiled.add(Compiler.compile(models.get(i), modelNames.get(i), t, dumpIr.dir == null ? null : dumpIr.dir.resolve(modelNames.get(i)), choices));
        }
        ModelSet set = new ModelSet(compiled, sharedArena);
        Map<String, byte[]> files = t.render(set, options);
        OutputFolder.write(output, files);
        PrintWriter out = spec.commandLine().getOut();
        compiled.forEach(m -> out.print(modelSummary(m, t, output)));
        out.print(String.format(Locale.ROOT, "  arena    %s%n", set.sharedArena()
                ? String.format(Locale.ROOT, "%,d bytes shared by the %d models (the largest; they must not run at the same time)", set.sharedArenaBytes(), compiled.size())
                : String.format(Locale.ROOT, "one per model, %,d bytes together (--shared-arena: %,d)", set.arenaBytes(), set.sharedArenaBytes())));
        out.print(String.format(Locale.ROOT, "  files    %s%n", String.join(" ", files.keySet())));
        out.print(t.afterCompile(set, options, output));
        out.flush();
        return 0;
    }

    /**
     * Pairs each --model with its --name, in order: the names given (one per model), or else each
     * model's derived from its file; names that would share symbols are refused before anything is compiled.
     */
    static List<String> modelNames(List<Path> models, List<String> names) {
        if (names != null && names.size() != models.size()) {
            throw new CompileException(names.size() + " --name for " + models.size() + " --model: give one --name per --model, in the same order");
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            result.add(modelName(models.get(i), names == null ? null : names.get(i)));
        }
        if (models.size() > 1) {
            ModelSet.checkNames(result, models.stream().map(Path::toString).toList());
        }
        return result;
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

    static String summary(CompiledModel m, Target t, Path output, Map<String, byte[]> files) {
        return modelSummary(m, t, output) + String.format(Locale.ROOT, "  files    %s%n", String.join(" ", files.keySet()));
    }

    /** What the compile of one model decided: ops, MACs, weights, arena. */
    static String modelSummary(CompiledModel m, Target t, Path output) {
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
        sb.append(String.format(Locale.ROOT, "  weights  %,d bytes (%s)%n", m.weightBytes(), t.weightsLocation()));
        long arena = m.arenaBytes();
        long bound = m.lowerBoundBytes();
        sb.append(String.format(Locale.ROOT, "  arena    %,d bytes; lower bound %,d bytes%s%n", arena, bound,
                arena == bound ? " (at the bound)" : String.format(Locale.ROOT, " (+%.1f%%)", bound == 0 ? 0.0 : 100.0 * (arena - bound) / bound)));
        sb.append(overlapLine(m));
        sb.append(rowBandsLine(m));
        return sb.toString();
    }

    /** What the compiler decided about computing the first layers in row bands; empty when no chain qualified. */
    static String rowBandsLine(CompiledModel m) {
        RowBands.Decision d = m.rowBands();
        if (d == null) {
            return "";
        }
        if (d.rule() == RowBands.Rule.NO_SAVING) {
            return String.format(Locale.ROOT, "  bands    not used: %d layers qualify, but computing them in row bands gives no smaller arena"
                    + " without recomputing over %.0f%% of the MACs (%,d bytes at best against %,d)%n", d.chain().size(),
                    100 * Compiler.MAX_RECOMPUTED_MACS, d.arenaAfter(), d.arenaBefore());
        }
        double extra = m.macs() == 0 ? 0.0 : 100.0 * d.extraMacs() / m.macs();
        if (!d.fused()) {
            String why = switch (d.rule()) {
                case FITS -> String.format(Locale.ROOT, "arena %,d B fits the board's RAM", d.arenaBefore());
                case NEITHER_FITS -> String.format(Locale.ROOT, "the board's RAM fits neither arena %,d B nor %,d B in bands",
                        d.arenaBefore(), d.arenaAfter());
                default -> String.format(Locale.ROOT, "arena %,d B, no board's RAM to fit", d.arenaBefore());
            };
            return String.format(Locale.ROOT, "  bands    not used: %s; --row-bands on: %,d B for +%,d recomputed MACs (+%.1f%%)%n",
                    why, d.arenaAfter(), d.extraMacs(), extra);
        }
        RowBands.Fusion f = d.fusion();
        String why = d.rule() == RowBands.Rule.NEEDED
                ? String.format(Locale.ROOT, "used: arena %,d B does not fit the board's RAM without; ", d.arenaBefore())
                : "used (--row-bands on): ";
        return String.format(Locale.ROOT, "  bands    %sfirst %d layers (%s .. %s) in %d bands of %d output rows: arena %,d -> %,d bytes;"
                        + " largest bands %s bytes; %,d MACs recomputed for shared rows (+%.1f%%)%n", why,
                f.layers().size(), f.layers().get(0), f.layers().get(f.layers().size() - 1), f.bands(), f.bandRows(),
                d.arenaBefore(), d.arenaAfter(), f.bandBytes(), d.extraMacs(), extra);
    }

    /**
     * The layer-by-layer bound (every live buffer apart) against the arena, and the layers whose output
     * overwrites the input they read last (the first few by name); empty when no layer does.
     */
    static String overlapLine(CompiledModel m) {
        List<String> layers = new ArrayList<>();
        long shared = 0;
        for (Report.Layer l : Report.of(m).layers()) {
            if (l.sharedWithInputBytes() > 0) {
                layers.add(l.layer());
                shared += l.sharedWithInputBytes();
            }
        }
        if (layers.isEmpty()) {
            return "";
        }
        int shown = Math.min(4, layers.size());
        String names = String.join(", ", layers.subList(0, shown)) + (layers.size() > shown ? ", ..." : "");
        return String.format(Locale.ROOT, "  overlap  arena %,d bytes against %,d layer by layer: %d layer%s write%s over the input %s last"
                        + " (%,d bytes shared: %s)%n", m.arenaBytes(), m.layerByLayerBytes(), layers.size(), layers.size() == 1 ? "" : "s",
                layers.size() == 1 ? "s" : "", layers.size() == 1 ? "it reads" : "they read", shared, names);
    }

    /** The registered targets' names, for the help text. */
    static final class TargetNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Target.all().stream().map(Target::name).iterator();
        }
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
                    "cortex-m4, cortex-m7: a firmware image for the board, built with arm-none-eabi-gcc and run in",
                    "qemu-system-arm with an instruction-exact clock; also reports instructions, RAM and flash.",
                    "java: compiled and run in this JVM.",
                    "Inputs and outputs are raw little-endian tensors, given in graph order."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "FILE", required = true, description = "The model (.mindir).")
        Path model;

        @Option(names = "--input", paramLabel = "IN.bin", required = true,
                description = "A raw input tensor; repeat once per graph input, in order.")
        List<Path> inputs;

        @Option(names = {"--out", "--output"}, paramLabel = "OUT.bin", required = true,
                description = "Where to write an output tensor; repeat once per graph output, in order.")
        List<Path> outputs;

        @Option(names = "--expect", paramLabel = "REF.bin",
                description = {"A reference for an output (raw little-endian, the output's dtype and size, as --out writes it",
                        "or NumPy's tofile()); repeat once per graph output. Prints PASS or FAIL with the largest",
                        "absolute error and where; exit status 1 on FAIL."})
        List<Path> expected;

        @Option(names = "--tolerance", paramLabel = "T",
                description = {"With --expect: the largest absolute error that passes (default: 1e-4 x max(1, max|reference|)",
                        "for float outputs, 0 for integer ones)."})
        Double tolerance;

        @Option(names = "--target", paramLabel = "TARGET", defaultValue = "host", completionCandidates = TargetNames.class,
                description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); cortex-m* run under QEMU, java in this JVM.")
        String target;

        @Option(names = "--dump-tensors", paramLabel = "DIR",
                description = {"host, cortex-m*: also write every tensor a layer produces to DIR, one raw little-endian file each",
                        "named after its step and layer (003_conv2.bin), listed in DIR/index.txt (file, step, layer, dtype, shape, tensor)."})
        Path dumpTensors;

        @Option(names = "--profile",
                description = "cortex-m*: also count instructions per layer (a second, probed build); prints a table by cost.")
        boolean profile;

        @Option(names = "--report", paramLabel = "FILE",
                description = "Write the compile's report.json to FILE, with the instructions per layer under --profile.")
        Path report;

        @CommandLine.Mixin
        BoardOptions boardOptions = new BoardOptions();

        @CommandLine.Mixin
        DumpIr dumpIr;

        @CommandLine.Mixin
        OptimizeOption optimize;

        @CommandLine.Mixin
        QuantizeOption quantize = new QuantizeOption();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Target t = Target.byName(target);
            t.checkRun();
            TargetOptions options = boardOptions.options(null, null);
            t.check(options);
            if (tolerance != null && expected == null) {
                throw new CompileException("--tolerance applies with --expect only");
            }
            if (profile && !t.profiles()) {
                throw new CompileException("--profile applies to " + targetsThat(Target::profiles) + " only (instruction-exact under QEMU)");
            }
            if (dumpTensors != null && !t.dumpsTensors()) {
                throw new CompileException("--dump-tensors applies to " + targetsThat(Target::dumpsTensors) + " only, not yet to " + t.name());
            }
            if (dumpTensors != null) {
                OutputFolder.checkWritable(dumpTensors);
            }
            CompiledModel compiled = Compiler.compile(model, modelName(model, null), t, dumpIr.dir, quantize.apply(optimize.options(t, options)));
            ExpectedOutputs references = expected == null ? null : ExpectedOutputs.read(compiled, expected, tolerance);
            PrintWriter out = spec.commandLine().getOut();
            out.print(t.run(compiled, options, inputs, outputs, new RunExtras(dumpTensors, profile, report)));
            List<RawTensor> results = RunFiles.readOutputs(compiled, outputs);
            out.print(RunFiles.topLines(results));
            boolean passed = true;
            if (references != null) {
                List<ExpectedOutputs.Comparison> comparisons = references.compare(results);
                out.print(ExpectedOutputs.describe(comparisons));
                passed = comparisons.stream().allMatch(ExpectedOutputs.Comparison::passed);
            }
            out.flush();
            return passed ? 0 : 1;
        }
    }

    private static String targetsThat(java.util.function.Predicate<Target> can) {
        return String.join(", ", Target.all().stream().filter(can).map(Target::name).toList());
    }

    /** The board options of the Cortex-M targets, shared by compiling and `run`. */
    static final class BoardOptions {
        @Option(names = "--board", paramLabel = "BOARD",
                description = "With cortex-m*: a built-in board (cortex-m4: mps2-an386 (default), netduinoplus2; cortex-m7: mps2-an500 (default)).")
        String board;

        @Option(names = "--board-file", paramLabel = "FILE",
                description = "With cortex-m*: your own board's descriptor (cpu, fpu, flash.origin/size, ram.origin/size; optional qemu.machine, clock.hz, stack.size, description).")
        Path boardFile;

        @Option(names = "--ram", paramLabel = "SIZE", description = "With cortex-m*: the RAM the model may use instead of the board's (bytes, or K/KiB/M/MiB).")
        String ram;

        @Option(names = "--flash", paramLabel = "SIZE", description = "With cortex-m*: the flash the firmware may use instead of the board's.")
        String flash;

        TargetOptions options(List<Path> testInputs, String javaPackage) {
            return new TargetOptions(board, boardFile, size(ram, "--ram"), size(flash, "--flash"), testInputs, javaPackage);
        }

        private static Long size(String text, String option) {
            if (text == null) {
                return null;
            }
            long bytes = MemorySize.parse(text, option);
            if (bytes <= 0) {
                throw new CompileException(option + ": the size must be more than 0");
            }
            return bytes;
        }
    }

    @Command(name = "ops", mixinStandardHelpOptions = true,
            description = {"Lists every op the kernel registries support: dtypes, targets, kernels and the shapes they apply to, limits.",
                    "With --format, the operator spellings a frontend reads instead."})
    static final class Ops implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--format", description = "mindir or onnx: list the operator spellings that frontend reads")
        String format;

        @Override
        public Integer call() {
            if (format == null) {
                spec.commandLine().getOut().print(OpsListing.render());
            } else {
                java.util.List<String> ops = switch (format.toLowerCase(java.util.Locale.ROOT)) {
                    case "mindir" -> org.microcodegen.frontend.mindir.MindIrLoader.supportedOps();
                    case "onnx" -> org.microcodegen.frontend.onnx.OnnxLoader.supportedOps();
                    default -> throw new CommandLine.ParameterException(spec.commandLine(), "--format must be mindir or onnx");
                };
                spec.commandLine().getOut().println(String.join("\n", ops));
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
