package org.microcodegen.emit;

import java.util.List;

/**
 * What templates-c/.../firmware.stg needs beyond the model's {@link CView.Model}: the board and the
 * test input. Public fields, like CView, because StringTemplate reads fields.
 */
public final class FirmwareView {
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
}
