package org.microcodegen.emit;

import org.microcodegen.ir.CompileException;
import org.microcodegen.plan.Align;

import java.util.List;
import java.util.Locale;

/**
 * Several models compiled into one output (`--model a --name a --model b --name b`): one library folder
 * with every model's own files, namespaced by its name, and the kernels once. With {@code sharedArena}
 * the models take turns in one arena, as large as the largest of theirs; otherwise each has its own.
 *
 * <p>Names must keep the models' symbols apart: every symbol of model {@code a} starts with "a_" (macros
 * "A_"), so no name may equal another or start with another one followed by "_" ("lenet" and
 * "lenet_v2" could both have a "lenet_v2_run"), and none may take the library's own name
 * {@value #LIBRARY_NAME} that way, which names the umbrella header, its macros and the build target.
 */
public record ModelSet(List<CompiledModel> models, boolean sharedArena) {
    /** The library's name when it holds several models: models.h, MODELS_* macros, the CMake target. */
    public static final String LIBRARY_NAME = "models";

    public ModelSet {
        models = List.copyOf(models);
        if (models.size() < 2) {
            throw new IllegalArgumentException("a model set holds at least two models");
        }
        checkNames(models.stream().map(CompiledModel::name).toList(), models.stream().map(CompiledModel::sourceFile).toList());
    }

    /**
     * Refuses names that would let two models' symbols collide, or one take the library's, in one line
     * ({@code files}: the model files, in the same order, for the message). The command line calls this
     * before compiling anything.
     */
    public static void checkNames(List<String> names, List<String> files) {
        for (int i = 0; i < names.size(); i++) {
            String a = names.get(i);
            if (clash(a, LIBRARY_NAME)) {
                throw new CompileException("--name " + a + " would clash with the library's own " + LIBRARY_NAME
                        + ".h and " + LIBRARY_NAME.toUpperCase(Locale.ROOT) + "_* macros (of several models); choose another name");
            }
            for (int j = 0; j < i; j++) {
                String b = names.get(j);
                if (a.equals(b)) {
                    throw new CompileException("two models are named " + a + " (" + files.get(j) + " and "
                            + files.get(i) + "): give each --model its own --name");
                }
                if (clash(a, b)) {
                    throw new CompileException("--name " + b + " and " + a + " overlap: every symbol of a model starts with its name and _, so "
                            + (a.length() < b.length() ? a : b) + "_* would include " + (a.length() < b.length() ? b : a)
                            + "_*; choose names neither of which starts with the other and _");
                }
            }
        }
    }

    /** Whether one name's namespace (name_*) holds the other's. */
    private static boolean clash(String a, String b) {
        return a.equals(b) || a.startsWith(b + "_") || b.startsWith(a + "_");
    }

    /** The arena's alignment: the largest any model asks for. */
    public int alignment() {
        return models.stream().mapToInt(m -> m.target().alignment()).max().orElse(8);
    }

    /** The shared arena's size (the largest model's), meaningful with {@link #sharedArena}. */
    public long sharedArenaBytes() {
        return models.stream().mapToLong(CompiledModel::arenaBytes).max().orElse(0);
    }

    /** RAM for every arena: the largest one when shared, else the sum of each rounded up to the alignment. */
    public long arenaBytes() {
        return sharedArena ? Align.up(sharedArenaBytes(), alignment())
                : models.stream().mapToLong(m -> Align.up(m.arenaBytes(), alignment())).sum();
    }

    public long weightBytes() {
        return models.stream().mapToLong(CompiledModel::weightBytes).sum();
    }

    public long inputBytes() {
        return models.stream().mapToLong(CompiledModel::inputBytes).sum();
    }

    /** The models' names, in order, joined with ", ". */
    public String names() {
        return String.join(", ", models.stream().map(CompiledModel::name).toList());
    }
}
