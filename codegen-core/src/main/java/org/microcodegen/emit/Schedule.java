package org.microcodegen.emit;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.lower.Kernel;
import org.microcodegen.lower.KernelCall;
import org.microcodegen.lower.KernelRegistry;
import org.microcodegen.lower.Lowerer;
import org.microcodegen.lower.Lowering;
import org.microcodegen.ops.Arg;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.plan.TensorPlacement;
import org.microcodegen.plan.TensorPlacement.Kind;
import org.microcodegen.plan.TensorPlacement.Storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a model's generated code does, the same for every target: the graph's inputs and outputs, the
 * arena buffers and the weights with their identifiers, the kernels' parameter objects, and per node a
 * step with its comment and at most one call whose arguments say where each tensor lives. Built once
 * from a {@link CompiledModel}; CEmitter and JavaEmitter only translate it into their views.
 *
 * <p>Identifiers are spelled by the target ({@link Spelling}) but handed out here, in one order for
 * every target, so which clash gets the "_2" depends on the model only. {@code layers} maps each node's
 * name to its layer name ("conv1"), for the report.
 */
record Schedule(List<Io> inputs, List<Io> outputs, List<Buffer> buffers, List<Weight> weights, List<Params> params,
                List<TableArg> tables, List<Step> steps, Map<String, String> layers) {

    /**
     * How a target turns a base name into a unique identifier; each function reserves what it returns.
     *
     * @param io     an input's source name, or "output" / "output1"...
     * @param local  a buffer's name after its layer: "conv1_out" (a local variable of run())
     * @param fileScope a parameter object's or constant table's name after its layer: "conv1_params"
     *               (declared once per source file, so visible to a debugger and in the link map)
     * @param weight a weight's name from {@link WeightRoles#baseName}
     */
    record Spelling(UnaryOperator<String> io, UnaryOperator<String> local, UnaryOperator<String> fileScope, UnaryOperator<String> weight) {
    }

    /** A graph input or output. */
    record Io(int index, String ident, String sourceName, TensorType type) {
    }

    /** An arena buffer, named after the first layer that writes {@code tensor}; offset in bytes. */
    record Buffer(String ident, String tensor, TensorType type, long offset, String description) {
    }

    /** A constant operand, named after its parameter or else the layer that reads it first. */
    record Weight(String ident, Tensor tensor, String description) {
    }

    /**
     * A kernel's parameter object, and the identifiers of its constant tables by field name
     * ({@link ParamsStruct.Table}: emitted as arrays of their own that the struct points to).
     */
    record Params(String ident, Kernel kernel, ParamsStruct struct, Map<String, String> tables) {
        Params {
            tables = Map.copyOf(tables);
        }
    }

    /** A constant table passed to a kernel as an argument, by its identifier. */
    record TableArg(String ident, ParamsStruct.Table table) {
    }

    /**
     * One step of run(): a comment, and the call it makes, or null for a view that needs no code. A
     * node's step also names its layer and the tensors it produces with where they live (what a probe
     * build dumps or times after it); the final output copies have neither.
     */
    record Step(String title, String detail, Call call, String layer, List<Result> results) {
        Step(String title, String detail, Call call) {
            this(title, detail, call, null, List.of());
        }
    }

    /** A tensor a step produces and where it is once the step is done. */
    record Result(String tensor, TensorType type, Place place) {
    }

    /** A call of a runtime kernel, named by the target's registry. */
    record Call(Kernel kernel, List<Operand> args) {
    }

    /**
     * Where a tensor lives: the caller's input or output, a weight or an arena buffer, by its identifier, and
     * how many elements after that buffer's start it begins (non-zero only for a row band of a larger tensor).
     */
    record Place(Kind kind, String ident, DType dtype, long elementOffset) {
        Place(Kind kind, String ident, DType dtype) {
            this(kind, ident, dtype, 0);
        }
    }

    /**
     * One argument of a call: the kernel's {@link Arg}, the places of the tensors it names (in order;
     * none for other kinds) and, for {@link Arg.Params} and {@link Arg.Table}, the identifier of the call's
     * parameter object or table.
     */
    record Operand(Arg arg, List<Place> places, String params) {
        /** The argument in a target's syntax: the one place that tells the kinds of argument apart. */
        <A> A spell(ArgSyntax<A> syntax) {
            if (arg instanceof Arg.TensorRef) {
                return syntax.tensor(places.get(0));
            } else if (arg instanceof Arg.Packed) {
                return syntax.tensor(places.get(0));
            } else if (arg instanceof Arg.TensorList) {
                return syntax.tensors(places);
            } else if (arg instanceof Arg.Null) {
                return syntax.nullTensor();
            } else if (arg instanceof Arg.Int i) {
                return syntax.integer(i.value());
            } else if (arg instanceof Arg.Float f) {
                return syntax.real(f.value());
            } else if (arg instanceof Arg.Activation act) {
                return syntax.activation(act.value());
            } else if (arg instanceof Arg.IntList list) {
                return syntax.integers(list.values());
            } else if (arg instanceof Arg.Params) {
                return syntax.params(params);
            } else if (arg instanceof Arg.Table) {
                return syntax.table(params);
            }
            throw new IllegalStateException("unknown argument " + arg);
        }
    }

    /** A target's spelling of each kind of argument. */
    interface ArgSyntax<A> {
        A tensor(Place place);

        /** An array of tensors (Concat's inputs). */
        A tensors(List<Place> places);

        /** An absent optional tensor, such as a missing bias. */
        A nullTensor();

        A integer(long value);

        A real(float value);

        /** The activation a kernel applies to its output. */
        A activation(FusedActivation act);

        A params(String ident);

        /** A constant table, by the identifier of its declaration. */
        A table(String ident);

        A integers(List<Long> values);
    }

    /**
     * The schedule of {@code model}, its identifiers reserved in {@code names} as {@code spelling} spells them.
     * Constant tables of equal content (the same element type and values) get one identifier, named after
     * the first layer that uses them: the row bands of one layer, for instance, all point at that layer's
     * requantization tables. A target declares each table identifier once, where it first appears.
     */
    static Schedule of(CompiledModel model, CNames names, Spelling spelling) {
        return new Builder(model, names, spelling, true).build();
    }

    /**
     * As {@link #of(CompiledModel, CNames, Spelling)}, but each parameter object and call with a table of its
     * own identifier: for a target that declares the tables beside the objects using them, in separate scopes.
     */
    static Schedule withUnsharedTables(CompiledModel model, CNames names, Spelling spelling) {
        return new Builder(model, names, spelling, false).build();
    }

    private static final class Builder {
        private final CompiledModel model;
        private final Graph g;
        private final TensorPlacement placement;
        private final CNames names;
        private final Spelling spelling;
        private final KernelRegistry kernels;
        private final Map<String, String> layerNames = new HashMap<>();
        private final Map<String, String> bufferIdents = new HashMap<>();
        private final Map<String, String> weightIdents = new HashMap<>();
        private final Map<Arg.Packed, String> packedIdents = new HashMap<>();
        /** Tables by content, when they are shared; identifiers are handed out in schedule order, so deterministic. */
        private final Map<ParamsStruct.Table, String> tableIdents = new HashMap<>();
        private final boolean shareTables;
        /** Parameter objects by kernel parameter type and values: always shared, as every target can. */
        private final Map<List<Object>, String> paramsIdents = new HashMap<>();
        private final List<Io> inputs = new ArrayList<>();
        private final List<Io> outputs = new ArrayList<>();
        private final List<Weight> weights = new ArrayList<>();
        private final List<Params> params = new ArrayList<>();
        private final List<TableArg> tables = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();

        Builder(CompiledModel model, CNames names, Spelling spelling, boolean shareTables) {
            this.model = model;
            this.shareTables = shareTables;
            this.g = model.graph();
            this.placement = model.placement();
            this.names = names;
            this.spelling = spelling;
            this.kernels = model.target().kernels();
        }

        Schedule build() {
            for (int i = 0; i < g.inputs().size(); i++) {
                inputs.add(io(i, g.inputs().get(i), g.tensor(g.inputs().get(i)).sourceName()));
            }
            for (int i = 0; i < g.outputs().size(); i++) {
                outputs.add(io(i, g.outputs().get(i), g.outputs().size() == 1 ? "output" : "output" + i));
            }
            for (Node n : g.nodes()) {
                layerNames.put(n.name(), names.layer(n.scope(), n.opType()));
            }
            List<Buffer> buffers = buffers();
            for (Node n : g.nodes()) {
                steps.add(step(n));
            }
            addFinalCopies();
            return new Schedule(List.copyOf(inputs), List.copyOf(outputs), buffers, List.copyOf(weights), List.copyOf(params),
                    List.copyOf(tables), List.copyOf(steps), Map.copyOf(layerNames));
        }

        private Io io(int index, String tensor, String baseName) {
            return new Io(index, spelling.io().apply(baseName), g.tensor(tensor).sourceName(), g.type(tensor));
        }

        /** One per arena buffer, by offset. */
        private List<Buffer> buffers() {
            List<Buffer> list = new ArrayList<>();
            for (Node n : g.nodes()) {
                for (String out : n.outputs()) {
                    Storage s = placement.of(out);
                    if (s.kind() != Kind.ARENA || bufferIdents.containsKey(s.anchor())) {
                        continue;
                    }
                    String layer = layerNames.get(n.name());
                    String ident = spelling.local().apply(layer + "_out" + (n.outputs().size() > 1 ? n.outputs().indexOf(out) : ""));
                    bufferIdents.put(s.anchor(), ident);
                    long size = placement.bufferBytes(s.anchor(), g.type(out).byteSize());
                    list.add(new Buffer(ident, out, g.type(out), s.offset() - s.within(), g.type(out) + ", " + size + " bytes"));
                }
            }
            list.sort(Comparator.comparingLong(Buffer::offset).thenComparing(Buffer::ident));
            return List.copyOf(list);
        }

        /** Where a tensor lives; naming a weight the first time a consumer reads it. */
        private Place place(String tensor, Node consumer, int inputIndex) {
            Storage s = placement.of(tensor);
            String ident = switch (s.kind()) {
                case INPUT -> inputs.get(g.inputs().indexOf(s.anchor())).ident();
                case OUTPUT -> outputs.get(g.outputs().indexOf(s.anchor())).ident();
                case CONSTANT -> weight(s.anchor(), consumer, inputIndex);
                case ARENA -> bufferIdents.get(s.anchor());
            };
            if (ident == null) {
                throw new IllegalStateException("no arena buffer for tensor " + tensor);
            }
            DType dtype = g.type(tensor).dtype();
            return new Place(s.kind(), ident, dtype, s.within() / dtype.byteSize());
        }

        private String weight(String tensor, Node consumer, int inputIndex) {
            String ident = weightIdents.get(tensor);
            if (ident != null) {
                return ident;
            }
            Tensor t = g.tensor(tensor);
            // A graph with no nodes whose output is a constant has no consumer to name the weight after.
            ident = spelling.weight().apply(consumer == null ? t.sourceName()
                    : WeightRoles.baseName(t, layerNames.get(consumer.name()), Op.of(consumer), inputIndex));
            weightIdents.put(tensor, ident);
            weights.add(new Weight(ident, t, "\"" + t.sourceName() + "\" " + t.type() + ", " + t.data().byteLength() + " bytes"));
            return ident;
        }

        /**
         * The identifier of a packed constant, declared the first time a call passes it: named after the operand it
         * was made from ("packed_conv1_weight"), or after the layer and role when the layer has no such operand.
         */
        private String packedWeight(Arg.Packed packed, Node consumer) {
            String ident = packedIdents.get(packed);
            if (ident != null) {
                return ident;
            }
            String layer = layerNames.get(consumer.name());
            String base = packed.source() != null
                    ? WeightRoles.baseName(g.tensor(packed.source()), layer, Op.of(consumer), consumer.inputs().indexOf(packed.source()))
                    : layer + "_" + packed.role();
            ident = spelling.weight().apply("packed_" + base);   // first, so that truncating a long name keeps it
            packedIdents.put(packed, ident);
            long count = packed.data().elementCount();
            Tensor t = new Tensor(ident, TensorType.of(packed.data().dtype(), org.microcodegen.ir.Shape.of((int) count)),
                    packed.data(), ident);
            String from = packed.source() != null ? "\"" + g.tensor(packed.source()).sourceName() + "\"" : "no " + packed.role();
            weights.add(new Weight(ident, t, packed.layout() + ", from " + from + "; " + t.type() + ", "
                    + packed.data().byteLength() + " bytes"));
            return ident;
        }

        private Step step(Node n) {
            Step s = call(n);
            List<Result> results = new ArrayList<>();
            for (String out : n.outputs()) {
                results.add(new Result(out, g.type(out), place(out, n, -1)));
            }
            return new Step(s.title(), s.detail(), s.call(), layerNames.get(n.name()), List.copyOf(results));
        }

        private Step call(Node n) {
            Lowering l = model.lowerings().get(n);
            String layer = layerNames.get(n.name());
            String title = StepText.title(n, layer);
            String shapes = StepText.shapes(g, n);
            if (l.isView()) {
                if (!placement.viewNeedsCopy(n)) {
                    return new Step(title, shapes + ", a view of the same memory: no code", null);
                }
                Call copy = copy(n.input(0), place(n.input(0), n, 0), n.output(), place(n.output(), n, -1));
                return new Step(title, shapes + ", copied (its input and output cannot share memory)", copy);
            }
            KernelCall kc = l.call();
            String paramsIdent = kc.struct() == null ? null : params(kc, layer);
            List<Operand> args = new ArrayList<>();
            for (Arg a : kc.args()) {
                List<String> tensors = Lowerer.tensors(a);
                List<Place> places = new ArrayList<>();
                for (String t : tensors) {
                    places.add(place(t, n, n.inputs().indexOf(t)));
                }
                if (a instanceof Arg.Packed packed) {
                    places.add(new Place(Kind.CONSTANT, packedWeight(packed, n), packed.data().dtype()));
                }
                String ident = a instanceof Arg.Params ? paramsIdent : null;
                if (a instanceof Arg.Table t) {
                    TableIdent table = table(t.table(), layer + "_table");
                    ident = table.ident();
                    if (table.isNew()) {
                        tables.add(new TableArg(ident, t.table()));
                    }
                }
                args.add(new Operand(a, List.copyOf(places), ident));
            }
            return new Step(title, shapes, new Call(kc.kernel(), List.copyOf(args)));
        }

        /**
         * The identifier of the call's parameter object, declared the first time a call of the same kernel passes
         * the same values (two row bands of equal height and padding pass the same object). The object is the one
         * the kernel takes ({@link KernelCall#struct}: narrowed to its own struct, where it has one), so two layers
         * whose differences lie in fields the kernel does not read share it.
         */
        private String params(KernelCall kc, String layer) {
            List<Object> key = List.of(kc.kernel().paramsType(), kc.struct());
            String ident = paramsIdents.get(key);
            if (ident != null) {
                return ident;
            }
            ident = spelling.fileScope().apply(layer + "_params");
            paramsIdents.put(key, ident);
            Map<String, String> tables = new java.util.LinkedHashMap<>();
            for (ParamsStruct.Field f : kc.struct().fields()) {
                if (f.value() instanceof ParamsStruct.Table t) {
                    tables.put(f.name(), table(t, layer + "_" + f.name()).ident());
                }
            }
            params.add(new Params(ident, kc.kernel(), kc.struct(), tables));
            return ident;
        }

        private record TableIdent(String ident, boolean isNew) {
        }

        /** The identifier of {@code table}: that of an equal table named before, when tables are shared, else a new one from {@code base}. */
        private TableIdent table(ParamsStruct.Table table, String base) {
            String ident = shareTables ? tableIdents.get(table) : null;
            if (ident != null) {
                return new TableIdent(ident, false);
            }
            ident = spelling.fileScope().apply(base);
            tableIdents.put(table, ident);
            return new TableIdent(ident, true);
        }

        /** Copies tensor {@code from} (at {@code source}) to the place of tensor {@code to}, all its elements. */
        private Call copy(String from, Place source, String to, Place destination) {
            return new Call(kernels.copy(g.type(to).dtype()), List.of(
                    new Operand(Arg.tensor(from), List.of(source), null),
                    new Operand(Arg.tensor(to), List.of(destination), null),
                    new Operand(Arg.integer(g.type(to).shape().elementCount()), List.of(), null)));
        }

        /** Outputs whose value lives elsewhere (an input, a constant, another output) are copied at the end. */
        private void addFinalCopies() {
            for (Io io : outputs) {
                String t = g.outputs().get(io.index());
                Storage s = placement.of(t);
                if (s.kind() == Kind.OUTPUT && s.anchor().equals(t) && g.outputs().indexOf(t) == io.index()) {
                    continue;
                }
                Node producer = g.producer(t);
                // A constant output is named as if its producer, else the first node, read it.
                Node namer = producer != null ? producer : g.nodes().isEmpty() ? null : g.nodes().get(0);
                Call copy = copy(t, place(t, namer, 0), t, new Place(Kind.OUTPUT, io.ident(), io.type().dtype()));
                steps.add(new Step(io.ident() + ": copy of " + g.tensor(t).sourceName(),
                        "the output's value lives in another buffer, so it is copied out", copy));
            }
        }
    }
}
