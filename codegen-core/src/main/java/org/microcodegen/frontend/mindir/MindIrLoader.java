package org.microcodegen.frontend.mindir;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
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
    /** Protobuf's own limit for one message; MindIR files above it keep weights in external files. */
    private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;
    /** Ops whose operand list is a tuple: a MakeTuple input is spliced into their inputs. */
    private static final Set<String> TUPLE_INPUT_OPS = Set.of("Concat", "AddN", "Stack", "Pack");
    private static final Set<String> IGNORED_ATTRIBUTES = Set.of("input_names", "output_names", "shape");

    private final Path file;
    private final MindIrValues values;

    // Folding state, filled while walking the nodes in order.
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<String, List<String>> tuples = new HashMap<>();
    private final Set<String> monads = new HashSet<>();
    private final Map<String, Integer> tupleArity = new HashMap<>();

    private MindIrLoader(Path file) {
        this.file = file;
        this.values = new MindIrValues(file);
    }

    public static Graph load(Path file) {
        return new MindIrLoader(file).read();
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
            if (in.getTensorCount() == 0) {
                throw new CompileException(file + ": graph input " + in.getName()
                        + " is not a tensor (a Python scalar or tuple input); only tensor inputs are supported");
            }
            TensorType type = MindIrValues.typeOf(in.getTensor(0), "graph input " + in.getName());
            tensors.put(in.getName(), new Tensor(in.getName(), type, null, shortName(in.getName())));
            inputs.add(in.getName());
        }
        for (TensorProto p : g.getParameterList()) {
            String what = "parameter " + p.getName();
            TensorType type = MindIrValues.typeOf(p, what);
            tensors.put(p.getName(), new Tensor(p.getName(), type, values.dataOf(p, what), shortName(p.getName())));
        }

        List<Node> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
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
        if (!Files.isRegularFile(file)) {
            throw new CompileException(file + ": no such model file");
        }
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new CompileException(file + ": empty file, not a MindIR model");
            }
            if (size > MAX_MODEL_BYTES) {
                throw new CompileException(file + ": " + size + " bytes is larger than a MindIR protobuf can be");
            }
            byte[] head = new byte[4];
            try (InputStream in = Files.newInputStream(file)) {
                int n = in.readNBytes(head, 0, 4);
                int magic = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16 | (head[3] & 0xff) << 24;
                for (int m : ENCRYPTION_MAGIC) {
                    if (n == 4 && magic == m) {
                        throw new CompileException(file + ": encrypted MindIR (exported with enc_key); decrypt it with MindSpore "
                                + "(mindspore.load(..., dec_key=...) then export without a key) before compiling");
                    }
                }
            }
            try (InputStream in = Files.newInputStream(file)) {
                CodedInputStream coded = CodedInputStream.newInstance(in);
                coded.setSizeLimit(Integer.MAX_VALUE);
                coded.setRecursionLimit(200);
                ModelProto model = ModelProto.parseFrom(coded);
                return model;
            }
        } catch (InvalidProtocolBufferException e) {
            // protobuf's own message is a paragraph; its first sentence says what went wrong.
            String why = String.valueOf(e.getMessage());
            int stop = why.indexOf(". ");
            throw new CompileException(file + ": not a valid MindIR file (truncated or corrupt protobuf: "
                    + (stop > 0 ? why.substring(0, stop) : why) + ")");
        } catch (IOException e) {
            throw new CompileException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private Node readNode(NodeProto n, Map<String, PrimitiveProto> primitives, Map<String, Tensor> tensors) {
        String out = n.getOutputCount() > 0 ? n.getOutput(0) : n.getName();
        String opType = n.getOpType();
        List<AttributeProto> attrs = new ArrayList<>();
        if (opType.startsWith("REF::")) {
            String key = opType.substring("REF::".length());
            PrimitiveProto prim = primitives.get(key);
            if (prim == null) {
                throw new CompileException(file + ": node " + scopeOf(n) + " refers to primitive '" + key + "', which the model does not define");
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
                aliases.put(out, ins.get(0));
                return null;
            }
            case "UpdateState" -> {
                monads.add(out);
                return null;
            }
            case "MakeTuple" -> {
                tuples.put(out, ins);
                return null;
            }
            case "TupleGetItem" -> {
                int index = (int) tensors.get(ins.get(1)).data().asLongs()[0];
                String src = ins.get(0);
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

    private List<String> expand(String name) {
        String r = resolve(name);
        if (tuples.containsKey(r)) {
            List<String> out = new ArrayList<>();
            for (String e : tuples.get(r)) {
                out.addAll(expand(e));
            }
            return out;
        }
        return List.of(r);
    }

    private static String scopeOf(NodeProto n) {
        return n.getDomain().isEmpty() ? n.getName() : n.getDomain();
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
