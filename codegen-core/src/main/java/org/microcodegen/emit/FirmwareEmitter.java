package org.microcodegen.emit;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A buildable bare-metal firmware project for a Cortex-M board: the model's library folder in model/
 * (exactly what --target c writes: its sources, the runtime files they call, CMakeLists.txt and
 * model.mk, through which the Makefile builds it), and the test harness around it: a test main that
 * needs no file system, the test input as const data, the project's startup and board support code
 * (targets/cortex-m), the board's memory map for the linker, and a Makefile.
 */
public final class FirmwareEmitter {
    /** Board support files copied from targets/cortex-m into the project's board/ folder. */
    private static final List<String> SUPPORT_FILES = List.of("board.h", "board.c", "startup.c", "sections.ld");
    private static final String SUPPORT_ROOT = "/microcodegen/targets/cortex-m/";

    /**
     * Floating-point contraction on the device. Off, like the host build, so both produce bit-identical
     * results and a difference between them always means a bug rather than rounding.
     */
    public static final String FP_CONTRACT = "-ffp-contract=off";

    private FirmwareEmitter() {
    }

    /**
     * @param testInputs one raw little-endian tensor per graph input, or an empty list for zeros
     */
    public static Map<String, byte[]> render(CompiledModel model, FirmwareBoard board, List<byte[]> testInputs) {
        return render(model, board, testInputs, ProbeMode.NONE);
    }

    /** The same as a probe build: {@code mode} DUMP or PROFILE (see firmware.stg's probes). */
    public static Map<String, byte[]> render(CompiledModel model, FirmwareBoard board, List<byte[]> testInputs, ProbeMode mode) {
        return CEmitter.render(model, mode != ProbeMode.NONE, (view, files) -> addFirmware(view, model, board, testInputs, files, mode));
    }

    private static void addFirmware(CView.Model m, CompiledModel model, FirmwareBoard board, List<byte[]> testInputs, Map<String, byte[]> files,
                                    ProbeMode mode) {
        List<String> cold = LibraryEmitter.addBuildFiles(model, m, files);
        LibraryEmitter.moveInto(LibraryEmitter.FIRMWARE_FOLDER, files);
        FirmwareView f = boardView(board, LibraryView.of(m));
        f.coldFiles = cold;
        f.layerCheck = true;
        f.probe = mode != ProbeMode.NONE;
        f.dump = mode == ProbeMode.DUMP;
        f.profile = mode == ProbeMode.PROFILE;
        f.probePrefixes = new ArrayList<>();
        for (int i = 0; i < m.probeCount; i++) {
            f.probePrefixes.add("\"mc: " + (f.dump ? "tensor " : "probe ") + i + " \"");
        }
        f.inputs = new ArrayList<>();
        for (CView.Io io : m.inputs) {
            DType dtype = model.graph().type(model.graph().inputs().get(io.index)).dtype();
            f.inputs.add(testInput(io, io.ident, "test input " + io.index, dtype, testInputs.isEmpty() ? null : testInputs.get(io.index)));
        }
        f.layers = new ArrayList<>();
        for (CView.Step step : m.steps) {
            if (step.call != null) {
                f.layers.add(cString("by layer " + (f.layers.size() + 1) + " (" + step.title + ")"));
            }
        }
        Map<String, Object> attrs = Map.of("m", m, "f", f);
        files.put("main.c", CEmitter.bytes(CEmitter.template("firmware.stg", "main", attrs)));
        files.put("test_data.h", CEmitter.bytes(CEmitter.template("firmware.stg", "testDataHeader", attrs)));
        addProject(f, files);
    }

    /**
     * A firmware project for several models ({@link ModelSet}): the library folder with all of them in
     * model/, and a test main that runs each on its test input, in one arena or one each.
     *
     * @param testInputs every model's inputs in turn (one raw little-endian tensor per graph input), or
     *                   an empty list for zeros
     */
    public static Map<String, byte[]> render(ModelSet set, FirmwareBoard board, List<byte[]> testInputs) {
        return CEmitter.render(set, (views, files) -> addFirmware(set, views, board, testInputs, files));
    }

    private static void addFirmware(ModelSet set, List<CView.Model> views, FirmwareBoard board, List<byte[]> testInputs,
                                    Map<String, byte[]> files) {
        LibraryView lib = LibraryEmitter.addBuildFiles(set, views, files);
        LibraryEmitter.moveInto(LibraryEmitter.FIRMWARE_FOLDER, files);
        FirmwareView f = boardView(board, lib);
        f.coldFiles = ColdFiles.of(set.models());
        f.sharedArena = set.sharedArena();
        f.arenas = new ArrayList<>();
        if (set.sharedArena()) {
            f.arenas.add(arena("arena", lib.macro + "_ARENA_SIZE", "the shared arena",
                    "The arena the models take turns in (--shared-arena), " + lib.macro + "_ARENA_SIZE bytes: the largest model's"));
        }
        int inputCount = views.stream().mapToInt(v -> v.inputs.size()).sum();
        if (!testInputs.isEmpty() && testInputs.size() != inputCount) {
            throw new CompileException(testInputs.size() + " --test-input for " + inputCount
                    + " model inputs: give one per input of every model, in --model order");
        }
        f.runs = new ArrayList<>();
        f.inputs = new ArrayList<>();
        int outputIndex = 0;
        for (int i = 0; i < views.size(); i++) {
            CView.Model m = views.get(i);
            CompiledModel model = set.models().get(i);
            FirmwareView.ModelRun run = new FirmwareView.ModelRun();
            run.name = m.name;
            run.args = new ArrayList<>();
            for (CView.Io io : m.inputs) {
                DType dtype = model.graph().type(model.graph().inputs().get(io.index)).dtype();
                FirmwareView.TestInput t = testInput(io, m.name + "_" + io.ident, m.name + "'s test input " + io.index, dtype,
                        testInputs.isEmpty() ? null : testInputs.get(f.inputs.size()));
                t.comment = m.name + " " + t.comment;
                f.inputs.add(t);
                run.args.add("test_" + t.ident);
            }
            run.outputs = new ArrayList<>();
            for (CView.Io io : m.outputs) {
                FirmwareView.OutputBuffer o = new FirmwareView.OutputBuffer();
                o.ident = m.name + "_" + io.ident + "_out";
                o.cType = io.cType;
                o.sizeMacro = m.macro + "_" + io.macro + "_SIZE";
                o.bytesMacro = m.macro + "_" + io.macro + "_BYTES";
                o.index = outputIndex++;
                o.label = m.name + "'s output " + io.index;
                run.outputs.add(o);
                run.args.add(o.ident + ".buf");
            }
            run.outputIndices = run.outputs.size() == 1 ? String.valueOf(run.outputs.get(0).index)
                    : run.outputs.get(0).index + "-" + run.outputs.get(run.outputs.size() - 1).index;
            if (!set.sharedArena()) {
                f.arenas.add(arena(m.name + "_arena", m.macro + "_ARENA_SIZE", m.name + "'s arena", m.name + "'s own arena"));
            }
            run.args.add((set.sharedArena() ? "arena" : m.name + "_arena") + ".words");
            f.runs.add(run);
        }
        Map<String, Object> attrs = Map.of("lib", lib, "f", f);
        files.put("main.c", CEmitter.bytes(CEmitter.template("firmware.stg", "severalMain", attrs)));
        files.put("test_data.h", CEmitter.bytes(CEmitter.template("firmware.stg", "severalTestDataHeader", attrs)));
        addProject(f, files);
    }

    private static FirmwareView.Arena arena(String ident, String sizeMacro, String label, String comment) {
        FirmwareView.Arena a = new FirmwareView.Arena();
        a.ident = ident;
        a.sizeMacro = sizeMacro;
        a.label = label;
        a.comment = comment;
        return a;
    }

    /** The board's part of the view, and the library's names. */
    private static FirmwareView boardView(FirmwareBoard board, LibraryView lib) {
        FirmwareView f = new FirmwareView();
        f.version = Version.VERSION;
        f.project = lib.name;
        f.libraryMacro = lib.macro;
        f.source = lib.source;
        f.libraryFolder = LibraryEmitter.FIRMWARE_FOLDER;
        f.makeFragment = LibraryEmitter.FIRMWARE_FOLDER + "/" + LibraryEmitter.MAKE_FRAGMENT;
        f.boardName = board.name();
        f.boardDescription = board.description();
        f.cpuFlags = board.cpuFlags();
        f.cortexM7 = board.cpu().equals("cortex-m7");
        f.runCommand = board.runCommand();
        f.ticksNumerator = board.ticksNumerator();
        f.ticksDenominator = board.ticksDenominator();
        f.flashOrigin = String.format(Locale.ROOT, "0x%08X", board.flashOrigin());
        f.flashSize = board.flashSize();
        f.ramOrigin = String.format(Locale.ROOT, "0x%08X", board.ramOrigin());
        f.ramSize = board.ramSize();
        f.stackSize = board.stackSize();
        f.clockHz = board.clockHz();
        f.fpContract = FP_CONTRACT;
        return f;
    }

    /** What every firmware project has besides its main.c and test_data.h: the test data, board support, the Makefile. */
    private static void addProject(FirmwareView f, Map<String, byte[]> files) {
        Map<String, Object> attrs = Map.of("f", f);
        files.put("test_data.c", CEmitter.bytes(CEmitter.template("firmware.stg", "testData", attrs)));
        for (String name : SUPPORT_FILES) {
            files.put("board/" + name, RuntimeSources.read(SUPPORT_ROOT + name));
        }
        files.put("board/board_config.h", CEmitter.bytes(CEmitter.template("firmware.stg", "boardConfig", attrs)));
        files.put("board/memory.ld", CEmitter.bytes(CEmitter.template("firmware.stg", "memory", attrs)));
        // the harness's own sources; the model's come from model.mk
        f.sources = files.keySet().stream().filter(name -> name.endsWith(".c") && !name.startsWith(f.libraryFolder + "/")).toList();

        files.put("Makefile", CEmitter.bytes(CEmitter.template("firmware.stg", "makefile", attrs)));
    }

    /**
     * A C string literal of {@code text} (which comes from the model) that nothing in it can end or
     * escape: printable ASCII is kept but for the quote, backslash and '?' (trigraphs), every other byte
     * of its UTF-8 is a three-digit octal escape.
     */
    public static String cString(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
                b.append((char) c);
            } else {
                b.append(String.format(Locale.ROOT, "\\%03o", c));
            }
        }
        return b.append('"').toString();
    }

    private static FirmwareView.TestInput testInput(CView.Io io, String ident, String label, DType dtype, byte[] raw) {
        if (raw != null && raw.length != io.bytes) {
            throw new CompileException(label + " has " + raw.length + " bytes; the model expects "
                    + io.bytes + " (" + io.dtype + io.shape + ", little-endian)");
        }
        FirmwareView.TestInput t = new FirmwareView.TestInput();
        t.ident = ident;
        t.cType = io.cType;
        t.count = io.elements;
        t.comment = "input " + io.index + " \"" + io.sourceName + "\": " + io.dtype + io.shape
                + (raw == null ? ", all zeros (compile with --test-input to embed a real input)" : "");
        t.rows = CEmitter.rows(new ConstData(dtype, raw == null ? new byte[Math.toIntExact(io.bytes)] : raw),
                "input " + io.index + " is " + io.dtype);
        return t;
    }
}
