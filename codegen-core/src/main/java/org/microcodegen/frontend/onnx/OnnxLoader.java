package org.microcodegen.frontend.onnx;

import org.microcodegen.frontend.ProtobufModelFile;
import org.microcodegen.frontend.onnx.proto.Onnx.GraphProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ModelProto;
import org.microcodegen.frontend.onnx.proto.Onnx.NodeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.OperatorSetIdProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ValueInfoProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model into a {@link Graph} of canonical ops: the default domain's opsets 1 to 25
 * (opsets before 7 with their legacy broadcasting and attribute forms where the ops differ; versions
 * 23 to 25 of the ops read here only add dtypes), initializers in raw or typed form or in
 * external files next to the model, static input shapes. Constant, Identity and Dropout leave no
 * node, and shape subgraphs fold to constants (see {@link OnnxOps}).
 */
public final class OnnxLoader {
    static final int MIN_OPSET = 1;
    static final int MAX_OPSET = 25;

    private final Path file;
    private final OnnxTensors values;
    private final OnnxGraphBuilder graph;

    private OnnxLoader(Path file) {
        this.file = file;
        this.values = new OnnxTensors(file);
        this.graph = new OnnxGraphBuilder(file.toString());
    }

    /**
     * Reads the model. Everything in the file is untrusted: malformed content ends in a one-line
     * {@link CompileException} naming the file ({@link ProtobufModelFile#guard} is the safety net).
     */
    public static Graph load(Path file) {
        return ProtobufModelFile.guard(file, "ONNX", () -> new OnnxLoader(file).read());
    }

    /** The ONNX operators the compiler reads, sorted: for `micro-codegen ops` and the README. */
    public static List<String> supportedOps() {
        return OnnxOps.supportedNames();
    }

    private Graph read() {
        ModelProto model = parse();
        if (!model.hasGraph() || model.getGraph().getOutputCount() == 0) {
            throw new CompileException(file + ": not an ONNX model (no graph with outputs)");
        }
        int opset = opset(model);
        GraphProto g = model.getGraph();
        if (g.getSparseInitializerCount() > 0) {
            throw new CompileException(file + ": sparse initializers are not supported");
        }
        Set<String> initializerNames = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            String what = "initializer '" + t.getName() + "'";
            graph.define(t.getName(), what);
            initializerNames.add(t.getName());
            graph.addTensor(new Tensor(t.getName(), values.typeOf(t, what), values.dataOf(t, what), t.getName()));
        }
        List<String> inputs = new ArrayList<>();
        for (ValueInfoProto in : g.getInputList()) {
            if (initializerNames.contains(in.getName())) {
                continue; // IR version < 4 lists initializers among the inputs too; the initializer is the value
            }
            String what = "graph input '" + in.getName() + "'";
            graph.define(in.getName(), what);
            TensorType type = values.typeOf(in, what);
            graph.addTensor(new Tensor(in.getName(), type, null, in.getName()));
            graph.graphInput(in.getName());
            inputs.add(in.getName());
        }
        if (inputs.isEmpty()) {
            throw new CompileException(file + ": the graph has no run-time inputs (everything in it is constant)");
        }
        QdqGroups groups = QdqGroups.of(g);
        Set<String> nodeNames = new HashSet<>();
        int index = 0;
        for (NodeProto n : g.getNodeList()) {
            index++;
            if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
                throw new CompileException(file + ": node " + nodeName(n, index) + " (" + n.getOpType() + ") has no output");
            }
            String name = n.getName().isEmpty() || !nodeNames.add(n.getName()) ? uniqueName(n, index, nodeNames) : n.getName();
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new CompileException(file + ": unsupported op " + n.getDomain() + "." + n.getOpType() + " at node " + name
                        + " (only the default ONNX domain is read)");
            }
            if (!OnnxOps.supports(n.getOpType())) {
                throw new CompileException(file + ": unsupported op " + n.getOpType() + " at node " + name + " (opset " + opset + ")");
            }
            OnnxOps.translate(new OnnxNodeContext(n, name, opset, graph, file.toString(), values, groups));
        }
        List<String> outputs = new ArrayList<>();
        for (ValueInfoProto out : g.getOutputList()) {
            Tensor t = graph.tensor(out.getName());
            if (t == null) {
                throw new CompileException(file + ": graph output '" + out.getName() + "' is not defined by any node");
            }
            if (t.isConstant() || inputs.contains(t.name())) {
                throw new CompileException(file + ": graph output '" + out.getName() + "' is "
                        + (t.isConstant() ? "a constant" : "a graph input") + ", not computed by any node; nothing to compile for it");
            }
            if (outputs.contains(t.name())) {
                throw new CompileException(file + ": graph outputs list '" + t.name() + "' twice");
            }
            outputs.add(t.name());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(graph.tensors());
        return new Graph(g.getName().isEmpty() ? "model" : g.getName(), tensors, graph.nodes(), inputs, outputs);
    }

    /** The default domain's opset, which decides each op's semantics; other domains' imports matter only if used. */
    private int opset(ModelProto model) {
        Long version = null;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                version = o.getVersion();
            }
        }
        if (version == null) {
            throw new CompileException(file + ": the model imports no opset of the default ONNX domain");
        }
        if (version < MIN_OPSET || version > MAX_OPSET) {
            throw new CompileException(file + ": opset " + version + " is not supported (" + MIN_OPSET + " to " + MAX_OPSET + ")");
        }
        return version.intValue();
    }

    private static String nodeName(NodeProto n, int index) {
        return n.getName().isEmpty() ? "#" + index : n.getName();
    }

    /** Nodes without a name (common in ONNX) are named after their first output, which SSA makes unique. */
    private static String uniqueName(NodeProto n, int index, Set<String> taken) {
        String base = n.getOutputCount() > 0 && !n.getOutput(0).isEmpty() ? n.getOutput(0) : "#" + index;
        String name = base;
        for (int k = 2; !taken.add(name); k++) {
            name = base + "#" + k;
        }
        return name;
    }

    private ModelProto parse() {
        return ProtobufModelFile.parse(file, "ONNX", 100, ModelProto::parseFrom);
    }
}
