package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.ModelSet;
import org.microcodegen.emit.TargetTraits;
import org.microcodegen.ir.CompileException;
import org.microcodegen.lower.KernelRegistry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A code generation target: what the output is built for and how. Each target knows its arena
 * alignment, how to render its files (delegating to the emitters), how to build and run one inference
 * (its runner), and what the compile summary says about it. The command line asks the target and never
 * switches on it: adding a target is one class and one entry in {@link #all()}.
 */
public interface Target {
    /** 8 covers double-word loads on hosts and Cortex-M alike. */
    Target HOST = new HostTarget("host", "the model's C99 sources, for any C compiler", 8);
    /** The model's C99 sources as a library folder: CMakeLists.txt and model.mk, the firmware project's model/. */
    Target C = new LibraryTarget("c", "the model as a C library folder (CMakeLists.txt, model.mk) for your own firmware");
    Target CORTEX_M4 = new CortexMTarget("cortex-m4", "Cortex-M4F", "mps2-an386");
    Target CORTEX_M7 = new CortexMTarget("cortex-m7", "Cortex-M7", "mps2-an500");
    /**
     * A tensor is a slice of the arena array of its element type, indexed by byte offset / element size,
     * so every offset must be a multiple of the largest element size (int64, float64: 8).
     */
    Target JAVA = new JavaTarget("java", "a Java 8 class for any JVM (--package)", 8);

    /** Every target, in the order help lists them. */
    static List<Target> all() {
        return List.of(HOST, C, CORTEX_M4, CORTEX_M7, JAVA);
    }

    static Target byName(String name) {
        for (Target t : all()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new CompileException("unknown target '" + name + "' (choose from "
                + all().stream().map(Target::name).collect(Collectors.joining(", ")) + ")");
    }

    /** As typed after {@code --target}. */
    String name();

    /** One line for the help text. */
    String description();

    /** Arena and weight alignment in bytes. */
    int alignment();

    /** The kernels this target's output calls: the registry lowering picks from. */
    KernelRegistry kernels();

    default TargetTraits traits() {
        return new TargetTraits(name(), alignment(), kernels());
    }

    /** The board whose RAM and flash the model must fit, with --ram/--flash applied; null for targets without one. */
    default Board board(TargetOptions options) {
        return null;
    }

    /** The target-specific options ({@link TargetOptions#given()} names) this target accepts. */
    Set<String> options();

    /**
     * Refuses options this target does not take, naming the targets that do, and checks the ones it
     * takes before anything is compiled (a board file, say).
     */
    default void check(TargetOptions options) {
        for (String option : options.given()) {
            if (!options().contains(option)) {
                throw new CompileException(option + " applies to --target " + all().stream().filter(t -> t.options().contains(option))
                        .map(Target::name).collect(Collectors.joining(" or ")) + " only");
            }
        }
    }

    /** The generated files, by relative path. */
    Map<String, byte[]> render(CompiledModel model, TargetOptions options);

    /** Whether this target compiles several models into one output ({@link #render(ModelSet, TargetOptions)}). */
    default boolean compilesSeveral() {
        return false;
    }

    /**
     * Refuses several models (before anything is compiled) on a target that compiles one per output. The C
     * targets take several: one library, firmware project or source folder with all of them.
     */
    default void checkSeveral() {
        if (!compilesSeveral()) {
            throw new CompileException("--target " + name() + " takes one --model per output (several into one output: --target "
                    + all().stream().filter(Target::compilesSeveral).map(Target::name).collect(Collectors.joining(", ")) + ")");
        }
    }

    /** The generated files of several models in one output, by relative path. */
    default Map<String, byte[]> render(ModelSet set, TargetOptions options) {
        checkSeveral();
        throw new IllegalStateException(name() + " says it compiles several models but renders none");
    }

    /** Lines the compile summary of several models ends with. */
    default String afterCompile(ModelSet set, TargetOptions options, Path output) {
        return "";
    }

    /** Where the weights live, for the summary. */
    String weightsLocation();

    /** Lines the compile summary ends with (how to build or use the output). */
    default String afterCompile(CompiledModel model, TargetOptions options, Path output) {
        return "";
    }

    /** Refuses `run` (before anything is compiled) on a target that cannot run a model; most can. */
    default void checkRun() {
    }

    /**
     * `micro-codegen run`: builds the model, runs one inference, writes the outputs and what
     * {@code extras} asks for (tensor dumps, a profile, report.json); returns the report text.
     */
    String run(CompiledModel model, TargetOptions options, List<Path> inputs, List<Path> outputs, RunExtras extras);

    /** Whether `run --profile` can count this target's instructions per layer (an instruction-exact emulator). */
    default boolean profiles() {
        return false;
    }

    /** Whether `run --dump-tensors` can write every layer's tensors on this target. */
    default boolean dumpsTensors() {
        return false;
    }
}
