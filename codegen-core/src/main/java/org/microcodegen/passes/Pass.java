package org.microcodegen.passes;

import org.microcodegen.ir.Graph;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One step of the pipeline between the frontend and lowering: a Graph to Graph function with a name.
 * The name says what the pass does, in lower-case words joined by '-' (it names the pass's IR dump,
 * e.g. {@code 03-shape-inference.txt}).
 */
public record Pass(String name, UnaryOperator<Graph> transform) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public Pass {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a pass name is lower-case words joined by '-': " + name);
        }
        if (transform == null) {
            throw new IllegalArgumentException("pass " + name + " has no transform");
        }
    }

    /** A pass that only checks the graph (throws CompileException when it is wrong) and passes it on unchanged. */
    public static Pass check(String name, Consumer<Graph> check) {
        return new Pass(name, g -> {
            check.accept(g);
            return g;
        });
    }

    public Graph run(Graph g) {
        return transform.apply(g);
    }
}
