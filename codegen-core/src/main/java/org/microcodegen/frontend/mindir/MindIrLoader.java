package org.microcodegen.frontend.mindir;

import org.microcodegen.frontend.ModelFile;
import org.microcodegen.frontend.ProtobufModelFile;
import org.microcodegen.frontend.mindir.MindIrValues.TensorValue;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.GraphProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ModelProto;
import org.microcodegen.frontend.mindir.proto.MindIr.NodeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.PrimitiveProto;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.frontend.mindir.proto.MindIr.ValueInfoProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a MindIR file into a {@link Graph}. Handles the MindSpore 1.x encoding (inline attributes) and
 * the 2.x encoding ({@code REF::} op types resolved through the primitives table), and folds away the
 * side-effect bookkeeping that carries no data at inference time: Load, UpdateState, Depend, MakeTuple,
 * TupleGetItem and monad constants. Tensor types of intermediate values are left for shape inference;
 * the types the exporter recorded are kept on each node so inference can be checked against them.
 */
public final class MindIrLoader {
    /** Magic numbers MindSpore writes at the start of an encrypted model (AES-GCM, AES-CBC, SM4-CBC). */
    private static final int[] ENCRYPTION_MAGIC = {0x7F3A5ED8, 0x7F3A5ED9, 0x7F3A5EDA};
    /** Ops whose operand list is a tuple: a MakeTuple input is spliced into their inputs. */
    private static final Set<String> TUPLE_INPUT_OPS = Set.of("Concat", "AddN", "Stack", "Pack");
    private static final Set<String> IGNORED_ATTRIBUTES = Set.of("input_names", "output_names", "shape");
    /** More outputs than any primitive has: a larger TupleGetItem index is a corrupt model, not a big op. */
    private static final int MAX_NODE_OUTPUTS = 1024;

    private final Path file;
    private final MindIrValues values;

    // Folding state, filled while walking the nodes in order.
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<String, List<String>> tuples = new HashMap<>();
    private final Set<String> monads = new HashSet<>();
    private final Map<String, Integer> tupleArity = new HashMap<>();
    /** Every name defined so far (inputs, parameters, constants, node outputs, folded or not): what defines it. */
    private final Map<String, String> defined = new HashMap<>();
    /** Position of the node being read, for messages about nodes without a name. */
    private int nodeIndex;

    private MindIrLoader(Path file) {
        this.file = file;
        this.values = new MindIrValues(file);
    }

    /**
     * Reads the model. Everything in the file is untrusted: malformed content must end in a one-line
     * {@link CompileException} that names the file ({@link ProtobufModelFile#guard} is the safety net).
     */
    public static Graph load(Path file) {
        return ProtobufModelFile.guard(file, "MindIR", () -> new MindIrLoader(file).read());
    }

    /** Whether a file's first bytes are MindSpore's cipher magic: the model was exported with enc_key. */
    static boolean isEncrypted(byte[] head) {
        if (head.length < 4) {
            return false;
        }
        int magic = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16 | (head[3] & 0xff) << 24;
        for (int m : ENCRYPTION_MAGIC) {
            if (magic == m) {
                return true;
            }
        }
        return false;
    }

    /** The MindIR primitives the compiler reads, sorted: for `micro-codegen ops` and the README. */
    public static List<String> supportedOps() {
        return MindIrOps.supportedNames();
    }

    private Graph read() {
        ModelProto model = parse();
        if (!model.hasGraph() || model.getGraph().getOutputCount() == 0) {
            throw new CompileException(file + ": not a MindIR model (no graph with outputs); is it a MindIR file?");
        }
        GraphProto g = model.getGraph();
        Map<String, PrimitiveProto> primitives = new HashMap<>();
        for (PrimitiveProto p : model.getPrimitivesList()) {
            primitives.put(p.getName(), p);
        }

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        for (ValueInfoProto in : g.getInputList()) {
            requireName(in.getName(), "a graph input");
            if (in.getTensorCount() == 0) {
                throw new CompileException(file + ": graph input " + in.getName()
                        + " is not a tensor (a Python scalar or tuple input); only tensor inputs are supported");
            }
            TensorType type = MindIrValues.typeOf(in.getTensor(0), "graph input " + in.getName());
            tensors.put(in.getName(), new Tensor(in.getName(), type, null, shortName(in.getName())));
            inputs.add(in.getName());
            defined.putIfAbsent(in.getName(), "graph input " + in.getName());
        }
        for (TensorProto p : g.getParameterList()) {
            requireName(p.getName(), "a parameter");
            define(p.getName(), "parameter " + p.getName());
            String what = "parameter " + p.getName();
            TensorType type = MindIrValues.typeOf(p, what);
            tensors.put(p.getName(), new Tensor(p.getName(), type, values.dataOf(p, what), shortName(p.getName())));
        }

        List<Node> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            nodeIndex++;
            Node node = readNode(n, primitives, tensors);
            if (node != null) {
                nodes.add(node);
            }
        }
        nodes = applyTupleArity(nodes);
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                tensors.putIfAbsent(o, new Tensor(o, null, null, o));
            }
        }
        List<String> outputs = new ArrayList<>();
        for (ValueInfoProto out : g.getOutputList()) {
            outputs.addAll(expand(out.getName()));
        }
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!tensors.containsKey(in)) {
                    throw new CompileException(file + ": node " + n.scope() + " reads '" + in + "', which no node, parameter or input defines");
                }
            }
        }
        for (String o : outputs) {
            if (!tensors.containsKey(o)) {
                throw new CompileException(file + ": graph output '" + o + "' is not defined by any node");
            }
        }
        return new Graph(graphName(g.getName()), tensors, nodes, inputs, outputs);
    }

    private ModelProto parse() {
        ModelFile.requireRegularFile(file);
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4 && isEncrypted(head)) {
                throw new CompileException(file + ": encrypted MindIR (exported with enc_key); decrypt it with MindSpore "
                        + "(mindspore.load(..., dec_key=...) then export without a key) before compiling");
            }
        } catch (IOException e) {
            throw new CompileException(file + ": cannot read: " + ModelFile.reason(e), e);
        }
        return ProtobufModelFile.parse(file, "MindIR", 200, ModelProto::parseFrom);
    }

    private Node readNode(NodeProto n, Map<String, PrimitiveProto> primitives, Map<String, Tensor> tensors) {
        String out = n.getOutputCount() > 0 ? n.getOutput(0) : n.getName();
        String opType = n.getOpType();
        if (out.isEmpty()) {
            throw new CompileException(file + ": node " + scopeOf(n) + " has an empty output name");
        }
        define(out, "node " + scopeOf(n));
        List<AttributeProto> attrs = new ArrayList<>();
        if (opType.startsWith("REF::")) {
            String key = opType.substring("REF::".length());
            PrimitiveProto prim = primitives.get(key);
            if (prim == null) {
                throw new CompileException(file + ": node " + scopeOf(n) + " refers to primitive '" + key
                        + "', which the model does not define");
            }
            opType = prim.getOpType();
            attrs.addAll(prim.getAttributeList());
        }
        attrs.addAll(n.getAttributeList());
        String scope = scopeOf(n);

        if (opType.equals("Constant")) {
            AttributeProto valueAttr = attrs.stream().filter(a -> a.getName().equals("value")).findFirst()
                    .orElseThrow(() -> new CompileException(file + ": constant " + out + " has no value"));
            Object v = values.constantValue(valueAttr, "constant " + out);
            if (v == MindIrValues.MONAD || v == MindIrValues.NONE) {
                monads.add(out);
            } else if (v instanceof TensorValue tv) {
                tensors.put(out, new Tensor(out, tv.type(), tv.data(), out));
            } else {
                // A string or other non-tensor constant: keep it as an attribute-only marker.
                tensors.put(out, new Tensor(out, TensorTypes.SCALAR_INT, ConstData.ofLongs(0), String.valueOf(v)));
            }
            return null;
        }

        List<String> ins = new ArrayList<>();
        for (String raw : n.getInputList()) {
            ins.add(resolve(raw));
        }
        switch (opType) {
            case "Load", "Depend" -> {
                if (ins.isEmpty()) {
                    throw new CompileException(file + ": " + opType + " at node " + scope + " has no inputs");
                }
                aliases.put(out, ins.get(0));
                return null;
            }
            case "UpdateState" -> {
                monads.add(out);
                return null;
            }
            case "MakeTuple" -> {
                for (String element : ins) {
                    // Only earlier values: a tuple that contains itself, directly or through another
                    // tuple, would make its expansion endless.
                    if (element.equals(out) || !defined.containsKey(element)) {
                        throw new CompileException(file + ": MakeTuple at node " + scope + " lists '" + element
                                + "', which is not defined before it");
                    }
                }
                tuples.put(out, ins);
                return null;
            }
            case "TupleGetItem" -> {
                String src = ins.isEmpty() ? null : ins.get(0);
                int index = tupleIndex(scope, ins, tensors, tuples.containsKey(src) ? tuples.get(src).size() : MAX_NODE_OUTPUTS);
                if (tuples.containsKey(src)) {
                    aliases.put(out, tuples.get(src).get(index));
                } else {
                    aliases.put(out, src + "#" + index);
                    tupleArity.merge(src, index + 1, Math::max);
                }
                return null;
            }
            default -> {
            }
        }
        Map<String, Object> decoded = new LinkedHashMap<>();
        ins = argumentsToAttributes(opType, scope, ins, tensors, decoded);
        if (TUPLE_INPUT_OPS.contains(opType) && ins.stream().noneMatch(tuples::containsKey)) {
            throw new CompileException(file + ": " + opType + " at node " + scope + " has no tuple of inputs to combine");
        }
        List<String> dataInputs = new ArrayList<>();
        for (String in : ins) {
            if (monads.contains(in)) {
                continue;
            }
            if (tuples.containsKey(in) && TUPLE_INPUT_OPS.contains(opType)) {
                dataInputs.addAll(tuples.get(in));
            } else {
                dataInputs.add(in);
            }
        }
        List<TensorType> exported = new ArrayList<>();
        for (AttributeProto a : attrs) {
            boolean isShape = a.getName().equals("shape") || a.getRefAttrName().startsWith("shape:");
            if (isShape) {
                exported = exportedTypes(a, scope);
                continue;
            }
            if (a.getName().isEmpty() || IGNORED_ATTRIBUTES.contains(a.getName())) {
                continue;
            }
            decoded.put(a.getName(), values.attributeValue(a));
        }
        return new Node(out, opType, dataInputs, List.of(out),
                MindIrOps.translate(opType, MindIrAttributes.of(decoded), dataInputs.size(), scope, file.toString()), scope, exported);
    }

    /** A TupleGetItem's index: its second input, a constant integer in [0, size). */
    private int tupleIndex(String scope, List<String> ins, Map<String, Tensor> tensors, int size) {
        String where = file + ": TupleGetItem at node " + scope;
        if (ins.size() != 2) {
            throw new CompileException(where + " has " + ins.size() + " inputs; it needs a tuple and an index");
        }
        Tensor t = tensors.get(ins.get(1));
        if (t == null || !t.isConstant() || t.data().dtype().isFloatingPoint() || t.data().elementCount() != 1) {
            throw new CompileException(where + ": its index '" + ins.get(1) + "' must be a constant integer");
        }
        long index = t.data().asLongs()[0];
        if (index < 0 || index >= size) {
            throw new CompileException(where + ": index " + index + " is out of range for a tuple of " + size);
        }
        return (int) index;
    }

    /** Records a definition, refusing a second one: maps keyed by name would silently keep only one. */
    private void define(String name, String what) {
        String earlier = defined.putIfAbsent(name, what);
        if (earlier != null) {
            throw new CompileException(file + ": " + what + " defines '" + name + "', which " + earlier + " already defines");
        }
    }

    private void requireName(String name, String what) {
        if (name.isEmpty()) {
            throw new CompileException(file + ": " + what + " has an empty name");
        }
    }

    /**
     * Moves the trailing Constant inputs of a 2.x "primitive function" into attributes (see
     * {@link PrimitiveArguments}). Monad inputs are skipped; an argument computed at run time is refused.
     */
    private List<String> argumentsToAttributes(String opType, String scope, List<String> ins, Map<String, Tensor> tensors,
                                               Map<String, Object> attrs) {
        PrimitiveArguments spec = PrimitiveArguments.of(opType);
        if (spec == null) {
            return ins;
        }
        List<String> kept = new ArrayList<>();
        int position = 0;
        for (String in : ins) {
            if (monads.contains(in)) {
                continue;
            }
            int argIndex = position - spec.kept();
            position++;
            if (argIndex < 0) {
                kept.add(in);
                continue;
            }
            if (argIndex >= spec.arguments().size()) {
                throw new CompileException(file + ": " + opType + " at node " + scope + " has more inputs than expected");
            }
            Tensor t = tensors.get(in);
            String arg = spec.arguments().get(argIndex);
            if (t == null || !t.isConstant()) {
                throw new CompileException(file + ": " + opType + " at node " + scope + ": argument '" + arg
                        + "' must be a compile-time constant");
            }
            attrs.put(arg, attributeOf(t));
        }
        return kept;
    }

    /** A constant as an attribute value: a 0-d tensor becomes a scalar, a 1-d one a list. */
    private static Object attributeOf(Tensor t) {
        ConstData d = t.data();
        boolean isFloat = d.dtype().isFloatingPoint();
        if (t.type().shape().rank() == 0) {
            if (d.dtype() == org.microcodegen.ir.DType.BOOL) {
                return d.asLongs()[0] != 0;
            }
            return isFloat ? (Object) d.asDoubles()[0] : (Object) d.asLongs()[0];
        }
        List<Object> out = new ArrayList<>();
        if (isFloat) {
            for (double v : d.asDoubles()) {
                out.add(v);
            }
        } else {
            for (long v : d.asLongs()) {
                out.add(v);
            }
        }
        return out;
    }

    /** The output types the exporter recorded in a node's "shape" attribute (empty if not tensors). */
    private List<TensorType> exportedTypes(AttributeProto a, String scope) {
        List<TensorType> types = new ArrayList<>();
        try {
            if (a.getType() == AttributeProto.AttributeType.TUPLE) {
                for (AttributeProto v : a.getValuesList()) {
                    types.addAll(exportedTypes(v, scope));
                }
            } else {
                for (TensorProto t : a.getTensorsList()) {
                    types.add(MindIrValues.typeOf(t, "output of node " + scope));
                }
            }
        } catch (CompileException e) {
            // A recorded type we cannot describe (e.g. a dynamic dim) only disables the cross-check.
            return List.of();
        }
        return types;
    }

    /** Nodes read by TupleGetItem produce several outputs, named "node#index". */
    private List<Node> applyTupleArity(List<Node> nodes) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            Integer arity = tupleArity.get(n.output());
            if (arity == null) {
                out.add(n);
            } else {
                List<String> outs = new ArrayList<>();
                for (int i = 0; i < arity; i++) {
                    outs.add(n.output() + "#" + i);
                }
                out.add(n.withOutputs(outs));
            }
        }
        return out;
    }

    private String resolve(String name) {
        String cur = name;
        for (int guard = 0; aliases.containsKey(cur) && guard < 10_000; guard++) {
            cur = aliases.get(cur);
        }
        return cur;
    }

    /**
     * The tensors a (possibly nested) tuple stands for, in order. Iterative, because a hostile model can
     * nest tuples deeper than the stack; tuples only list earlier values, so this ends.
     */
    private List<String> expand(String name) {
        List<String> out = new ArrayList<>();
        java.util.Deque<String> work = new java.util.ArrayDeque<>();
        work.push(name);
        while (!work.isEmpty()) {
            String r = resolve(work.pop());
            List<String> elements = tuples.get(r);
            if (elements == null) {
                out.add(r);
            } else {
                for (int i = elements.size() - 1; i >= 0; i--) {
                    work.push(elements.get(i));
                }
            }
        }
        return out;
    }

    /** How messages name a node: its scope, else its name, else its position in the file. */
    private String scopeOf(NodeProto n) {
        if (!n.getDomain().isEmpty()) {
            return n.getDomain();
        }
        return n.getName().isEmpty() ? "#" + nodeIndex + " (unnamed)" : n.getName();
    }

    /** "17_1_construct.Default_wrapper.5:conv1.weight" -> "conv1.weight". */
    private static String shortName(String qualified) {
        int colon = qualified.lastIndexOf(':');
        return colon >= 0 ? qualified.substring(colon + 1) : qualified;
    }

    private static String graphName(String name) {
        return name.isEmpty() ? "model" : name;
    }

    /** Small shared types. */
    private static final class TensorTypes {
        static final TensorType SCALAR_INT = TensorType.of(org.microcodegen.ir.DType.INT64, org.microcodegen.ir.Shape.scalar());
    }
}
