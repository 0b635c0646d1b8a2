package org.microcodegen.lower;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ops.Arg;
import org.microcodegen.ops.Invocation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;
import org.microcodegen.quant.Reference;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Lowers a node to a kernel call: the op gives the arguments, the target's registry the kernel. */
public final class Lowerer {
    private Lowerer() {
    }

    public static Lowering lower(Graph g, Node node, KernelRegistry registry, String modelFile) {
        return lower(g, node, registry, modelFile, Optimize.SPEED);
    }

    /** As above, the registry choosing among the kernels that apply by {@code mode}. */
    public static Lowering lower(Graph g, Node node, KernelRegistry registry, String modelFile, Optimize mode) {
        return lower(g, node, registry, modelFile, mode, Reference.LITERT);
    }

    /** As above, integer kernels reproducing {@code reference} bit for bit. */
    public static Lowering lower(Graph g, Node node, KernelRegistry registry, String modelFile, Optimize mode, Reference reference) {
        Request r = request(g, node, modelFile, reference);
        return r == null ? Lowering.view() : r.lower(registry.select(r.query(), modelFile, mode));
    }

    /**
     * What lowering a node asks of the registry: its query, and what turns the chosen kernel into a call. A caller
     * that chooses the kernels of a whole model at once ({@link KernelRegistry#selectForModel}) gathers these first.
     */
    public record Request(Query query, Invocation invocation) {
        /** The call of {@code kernel} (one the registry chose for {@link #query}) with the node's arguments. */
        public Lowering lower(Kernel kernel) {
            List<String> names = kernel.takes() != null ? kernel.takes() : invocation.names();
            List<Arg> args = new ArrayList<>(names.stream().map(invocation::arg).toList());
            for (Kernel.PackedOperand p : kernel.packed()) {
                int i = names.indexOf(p.arg());
                if (i < 0) {
                    throw new IllegalStateException(kernel.function() + " packs " + p.arg() + ", which it does not take: " + names);
                }
                String source = args.get(i) instanceof Arg.TensorRef r ? r.tensor() : null;
                args.set(i, new Arg.Packed(p.arg(), source, p.packing().layout(), p.packing().pack(query.ctx(), invocation.params())));
            }
            return Lowering.of(KernelCall.of(kernel, args, invocation.params()));
        }
    }

    /** The registry query of {@code node}, or null for a node that is a view (no kernel call). */
    public static Request request(Graph g, Node node, String modelFile, Reference reference) {
        Op op = Op.of(node);
        OpContext ctx = OpContext.of(g, node, modelFile).withReference(reference);
        Invocation inv = op.invocation(node, ctx);
        if (inv.isView()) {
            return null;
        }
        List<DType> inputs = new ArrayList<>();
        for (Arg a : inv.args()) {
            for (String t : tensors(a)) {
                if (!node.outputs().contains(t)) {
                    inputs.add(g.type(t).dtype());
                }
            }
        }
        List<DType> outputs = node.outputs().stream().map(t -> g.type(t).dtype()).toList();
        return new Request(new Query(node, op, ctx, inv.params(), inputs, outputs, modelOps(g)), inv);
    }

    /** The bytes of the packed constants of {@code call} not yet in {@code seen} (each distinct array counts once). */
    public static long packedBytes(KernelCall call, Set<Arg.Packed> seen) {
        long bytes = 0;
        for (Arg a : call.args()) {
            if (a instanceof Arg.Packed p && seen.add(p)) {
                bytes += p.data().byteLength();
            }
        }
        return bytes;
    }

    /** The graph whose op names {@link #modelOps} computed last (weakly held: a graph may be large). */
    private record ModelOps(WeakReference<Graph> graph, Set<String> ops) {
    }

    private static volatile ModelOps lastModelOps;

    /**
     * The canonical op names of the graph's nodes, computed once per graph rather than once per node
     * lowered (a graph of 50,000 nodes must lower in linear time).
     */
    static Set<String> modelOps(Graph g) {
        ModelOps m = lastModelOps;
        if (m == null || m.graph().get() != g) {
            m = new ModelOps(new WeakReference<>(g), g.nodes().stream().map(n -> Op.of(n).opName()).collect(Collectors.toUnmodifiableSet()));
            lastModelOps = m;
        }
        return m.ops();
    }

    /** The tensors an argument names. */
    public static List<String> tensors(Arg a) {
        if (a instanceof Arg.TensorRef r) {
            return List.of(r.tensor());
        }
        return a instanceof Arg.TensorList l ? l.tensors() : List.of();
    }
}
