package org.microcodegen.ops;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * A node a frontend could not translate: an op it does not know ({@code unsupported}), or one whose
 * attributes ask for something the compiler does not do. The error is raised only if the node
 * survives dead-code elimination, so an unused training-only branch does not stop a compile.
 *
 * @param message the complete one-line error, naming the op, the node and the file
 */
public record Refused(String message, boolean unsupported) implements Op {
    @Override
    public String opName() {
        return unsupported ? "Unsupported" : "Refused";
    }

    @Override
    public boolean isCanonical() {
        return false;
    }

    public CompileException error() {
        return new CompileException(message);
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        throw error();
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        throw error();
    }
}
