package org.microcodegen.emit;

import java.io.IOException;
import java.io.InputStream;

/** runtime-micro's kernel sources, packaged into the compiler so that each target's output can ship the ones it calls. */
final class RuntimeSources {
    private RuntimeSources() {
    }

    /** Whether the class-path resource {@code path} exists (a header-only module has no .c). */
    static boolean exists(String path) {
        return RuntimeSources.class.getResource(path) != null;
    }

    /**
     * {@code roots} and every runtime module they need, transitively: {@code isModule} says whether a name
     * is a runtime module, {@code needs} lists the names a module's files refer to (#include "x.h" in C,
     * the runtime classes it calls in Java).
     */
    static java.util.SortedSet<String> closure(java.util.Collection<String> roots, java.util.function.Predicate<String> isModule,
                                               java.util.function.Function<String, java.util.List<String>> needs) {
        java.util.SortedSet<String> all = new java.util.TreeSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (isModule.test(name) && all.add(name)) {
                todo.addAll(needs.apply(name));
            }
        }
        return all;
    }

    /** The text of resource {@code path}, or "" when there is none. */
    static String text(String path) {
        return exists(path) ? new String(read(path), java.nio.charset.StandardCharsets.UTF_8) : "";
    }

    /** The class-path resource {@code path}, e.g. "/microcodegen/runtime/c/mc_conv2d.c". */
    static byte[] read(String path) {
        try (InputStream in = RuntimeSources.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("runtime-micro file " + path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read runtime file " + path, e);
        }
    }
}
