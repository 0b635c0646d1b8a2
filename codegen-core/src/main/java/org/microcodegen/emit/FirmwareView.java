package org.microcodegen.emit;

import java.util.List;

/**
 * What templates-c/.../firmware.stg needs beyond the model's {@link CView.Model}: the board and the
 * test input. Public fields, like CView, because StringTemplate reads fields.
 */
public final class FirmwareView {
    public String version;
    /** The ELF's name (the model's, or the library's for several models), and the library's make-variable prefix. */
    public String project;
    public String libraryMacro;
    /** The model files the project comes from, for the banners (model text: comments only). */
    public String source;
    /** Whether main.c has the per-layer guard check of `make LAYER_CHECK=1` (one model's test main). */
    public boolean layerCheck;
    /** Several models: whether they share one arena, the arenas, and each model's run. */
    public boolean sharedArena;
    public List<Arena> arenas;
    public List<ModelRun> runs;
    public String boardName;
    public String boardDescription;
    public String cpuFlags;
    public boolean cortexM7;
    /** The Makefile's run command; null for a board no emulator runs. */
    public String runCommand;
    public long ticksNumerator;
    public long ticksDenominator;
    public String flashOrigin;
    public long flashSize;
    public String ramOrigin;
    public long ramSize;
    public long stackSize;
    public long clockHz;
    public String fpContract;
    /** The harness's .c files (the model's are in its library folder's model.mk). */
    public List<String> sources;
    /** The library's runtime files its model.mk lists for -Os ({@link ColdFiles}), without the folder. */
    public List<String> coldFiles;
    public String coldShare = ColdFiles.SHARE_TEXT;
    /** The library folder (what --target c writes) and its Makefile fragment, relative to the project. */
    public String libraryFolder;
    public String makeFragment;
    /** One C string literal per kernel call of the model, in order, naming its layer. */
    public List<String> layers;
    public List<TestInput> inputs;
    /** A probe build ({@link ProbeMode}): dump every layer's tensors, or count every layer's instructions. */
    public boolean probe;
    public boolean dump;
    public boolean profile;
    /** Per probe index, the C string its report lines start with ("mc: tensor 3 ", "mc: probe 3 "). */
    public List<String> probePrefixes;

    /** One graph input's test values, as const data in flash. */
    public static final class TestInput {
        public String ident;
        public String cType;
        public long count;
        public String comment;
        public List<List<String>> rows;
    }

    /** An arena of a test main for several models: one per model, or the one they share. */
    public static final class Arena {
        public String ident;
        /** The macro of its size in bytes (LENET_ARENA_SIZE, MODELS_ARENA_SIZE). */
        public String sizeMacro;
        /** Its name in a guard report: "the arena", "lenet's arena". */
        public String label;
        public String comment;
    }

    /** One model of a test main for several: how it is called and where its outputs go. */
    public static final class ModelRun {
        public String name;
        /** The arguments of NAME_run: its test inputs, its output buffers, its arena. */
        public List<String> args;
        /** The global output numbers of its outputs, "0" or "1-2", for the comment. */
        public String outputIndices;
        public List<OutputBuffer> outputs;
    }

    /** A guarded output buffer of a test main for several models. */
    public static final class OutputBuffer {
        public String ident;
        public String cType;
        public String sizeMacro;
        public String bytesMacro;
        /** Its number among all the models' outputs, in order. */
        public int index;
        public String label;
    }
}
