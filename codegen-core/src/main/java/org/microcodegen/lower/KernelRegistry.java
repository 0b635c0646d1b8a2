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
        /** The shapes this entry applies to, in words ("any shape", "3x3 window"...), for `micro-codegen ops`. */
        public String shapes() {
            String shapes = when instanceof Shapes.Rule r ? r.description() : "shapes chosen by a rule";
            return kernel.narrowing() == null ? shapes : shapes + ", every value within " + kernel.paramsType();
        }

        /** Whether this entry's kernel computes query {@code q}: op, dtypes, shapes, and its parameter struct holds the values. */
        boolean applies(Query q) {
            return op.equals(q.op().opName()) && signature.matches(q.inputs(), q.outputs()) && when.test(q) && kernel.accepts(q.params());
        }
    }

    private final String target;
    private final List<Entry> entries;
    private final KernelCosts costs;

    private KernelRegistry(String target, List<Entry> entries) {
        this.target = target;
        this.entries = List.copyOf(entries);
        this.costs = KernelCosts.of(target);
    }

    /** The target this registry is for ("host", "cortex-m4", "java"). */
    public String target() {
        return target;
    }

    /** The measured costs of this target's kernels. */
    public KernelCosts costs() {
        return costs;
    }

    /** Every entry, in the order {@link #select} tries them. */
    public List<Entry> entries() {
        return entries;
    }

    /** The fastest kernel for a query (`--optimize speed`), or the one-line error naming node, op, dtypes and target. */
    public Kernel select(Query q, String modelFile) {
        return select(q, modelFile, Optimize.SPEED);
    }

    /**
     * The kernel for a query under {@code mode}, the query taken alone. An entry matches when op, dtypes and shapes do and, for a kernel
     * with a struct of its own ({@link Kernel#narrowing}), every value fits it: a value is never truncated, the
     * layer takes the next kernel instead. The entries that match compute the same results, the
     * specialised ones first and the reference kernel (no shape predicate) last: speed takes the first,
     * size the last, balanced the first that pays for its extra code over the last ({@link KernelCosts#pays}).
     */
    public Kernel select(Query q, String modelFile, Optimize mode) {
        return choose(q, matching(q, modelFile), mode);
    }

    /** {@link #select}'s choice among {@code matching}, the kernels that compute {@code q}. */
    private Kernel choose(Query q, List<Kernel> matching, Optimize mode) {
        Kernel reference = matching.get(matching.size() - 1);
        return switch (mode) {
            case SPEED -> matching.get(0);
            case SIZE -> reference;
            case BALANCED -> matching.stream().filter(k -> costs.pays(k.function(), reference.function(), work(q)))
                    .findFirst().orElse(reference);
        };
    }

    /**
     * The kernels of one model's queries (in order) under {@code mode}. Speed and size choose as {@link #select} does;
     * balanced counts code once per model, as it is linked: it starts from each query's own choice and then moves
     * layers to faster kernels wherever that pays model-wide ({@link ModelWideChoice}), so a kernel another layer
     * links already costs no bytes, and a reference kernel no layer needs any more is not linked.
     */
    public List<Kernel> selectForModel(List<Query> queries, String modelFile, Optimize mode) {
        List<List<Kernel>> matching = queries.stream().map(q -> matching(q, modelFile)).toList();
        List<Kernel> chosen = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            chosen.add(choose(queries.get(i), matching.get(i), mode));
        }
        if (mode != Optimize.BALANCED) {
            return chosen;
        }
        List<Long> work = queries.stream().map(KernelRegistry::work).toList();
        return ModelWideChoice.settle(matching, work, chosen, costs);
    }

    /** The kernels that compute {@code q}, fastest first and the reference kernel last, or the one-line error. */
    private List<Kernel> matching(Query q, String modelFile) {
        List<Kernel> matching = new ArrayList<>();
        for (Entry e : entries) {
            if (e.applies(q)) {
                matching.add(e.kernel);
            }
        }
        if (matching.isEmpty()) {
            throw new CompileException(q.node().describe() + (modelFile == null ? "" : " in " + modelFile) + ": no kernel for "
                    + q.op().opName() + " on " + q.signature() + " for target " + target);
        }
        return matching;
    }

    /** The node's work in the unit of the cost table ({@link KernelCosts#work}). */
    private static long work(Query q) {
        return KernelCosts.work(q.op(), q.node(), q.ctx());
    }

    /** Whether some entry computes {@code op} (a canonical op name). */
    public boolean has(String op) {
        return entries.stream().anyMatch(e -> e.op.equals(op));
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
            return add(op, signature, Shapes.ANY, kernel);
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
