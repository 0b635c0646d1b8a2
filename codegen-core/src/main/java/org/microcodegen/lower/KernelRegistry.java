package org.microcodegen.lower;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One target's kernels: entries (op, dtypes, shape predicate) -> kernel, in order. Reference kernels
 * and the specialised kernels that speed up some of their shapes sit side by side; a specialised
 * entry comes before its reference kernel, so the first entry that matches is the fastest that
 * applies and the reference kernel catches everything else.
 */
public final class KernelRegistry {
    /** One kernel: for op {@code op} (its canonical name) on {@code signature} when {@code when} holds. */
    public record Entry(String op, Signature signature, Predicate<Query> when, Kernel kernel) {
    }

    private final String target;
    private final List<Entry> entries;

    private KernelRegistry(String target, List<Entry> entries) {
        this.target = target;
        this.entries = List.copyOf(entries);
    }

    /** The registry of the target named {@code target} ("host", "cortex-m4", "java"). */
    public List<Entry> entries() {
        return entries;
    }

    /** The kernel for a query, or the one-line error naming node, op, dtypes and target. */
    public Kernel select(Query q, String modelFile) {
        for (Entry e : entries) {
            if (e.op.equals(q.op().opName()) && e.signature.matches(q.inputs(), q.outputs()) && e.when.test(q)) {
                return e.kernel;
            }
        }
        throw new CompileException(q.node().describe() + (modelFile == null ? "" : " in " + modelFile) + ": no kernel for "
                + q.op().opName() + " on " + q.signature() + " for target " + target);
    }

    /** The kernel that copies {@code dtype} elements (a view that cannot alias, an output that lives elsewhere). */
    public Kernel copy(DType dtype) {
        for (Entry e : entries) {
            if (e.op.equals(COPY) && e.signature.matches(List.of(dtype), List.of(dtype))) {
                return e.kernel;
            }
        }
        throw new CompileException("no kernel copies " + dtype.displayName() + " tensors for target " + target);
    }

    /** The pseudo-op of the copy kernel. */
    static final String COPY = "Copy";

    static Builder builder(String target) {
        return new Builder(target);
    }

    static final class Builder {
        private final String target;
        private final List<Entry> entries = new ArrayList<>();

        private Builder(String target) {
            this.target = target;
        }

        /** The kernel for {@code op} on {@code signature} whatever the shapes (a reference kernel). */
        Builder add(String op, Signature signature, Kernel kernel) {
            return add(op, signature, q -> true, kernel);
        }

        /** A kernel for {@code op} on {@code signature} for the shapes where {@code when} holds. */
        Builder add(String op, Signature signature, Predicate<Query> when, Kernel kernel) {
            entries.add(new Entry(op, signature, when, kernel));
            return this;
        }

        KernelRegistry build() {
            return new KernelRegistry(target, entries);
        }
    }
}
