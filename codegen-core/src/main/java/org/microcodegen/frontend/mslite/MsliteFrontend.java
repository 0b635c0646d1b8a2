package org.microcodegen.frontend.mslite;

import org.microcodegen.frontend.Frontend;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Unary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * MindSpore Lite models (.ms, FlatBuffers with file identifier "MSL2"), read by {@link MsliteFile} into
 * records and translated here into a graph: one node per CNode, every tensor with its dtype and shape
 * as stored (NHWC), constant tensors as weights. Tensor and node names are the file's indices ("t12",
 * "n3"), since .ms names need not be unique or printable; the file's names are kept as source names.
 * Only float32 inference graphs are compiled: a training graph is refused as such.
 */
public final class MsliteFrontend implements Frontend {
    private static final String IDENTIFIER = "MSL2";
    /** Primitives that update weights: with any backward op they mark a training graph. */
    private static final Set<String> OPTIMIZERS = Set.of("ApplyMomentum", "Adam", "AdamWeightDecay", "SGD", "Assign",
            "AssignAdd");

    @Override
    public String name() {
        return "MindSpore Lite";
    }

    @Override
    public String extension() {
        return ".ms";
    }

    /** A FlatBuffer whose file identifier (bytes 4..7) is MindSpore Lite's. */
    @Override
    public boolean recognizes(byte[] head, Path file) {
        return head.length >= 8 && new String(head, 4, 4, StandardCharsets.ISO_8859_1).equals(IDENTIFIER);
    }

    @Override
    public Graph load(Path file) {
        return toGraph(MsliteFile.read(file));
    }

    static Graph toGraph(MsliteModel model) {
        String file = model.source();
        refuseTraining(model);
        if (model.subgraphs().size() > 1) {
            throw new CompileException(file + ": the model has " + model.subgraphs().size()
                    + " subgraphs (control flow); only single-graph models are supported");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (MsliteModel.Tensor t : model.tensors()) {
            String name = tensorName(t.index());
            TensorType type = new TensorType(t.dtype(), t.shape(), null);
            tensors.put(name, new Tensor(name, type, t.isConstant() ? new ConstData(t.dtype(), t.bytes()) : null, t.name()));
        }
        List<Node> nodes = new ArrayList<>();
        for (MsliteModel.Node n : model.nodes()) {
            nodes.addAll(nodes(model, n, tensors));
        }
        List<String> inputs = model.inputs().stream().map(MsliteFrontend::tensorName).toList();
        List<String> outputs = model.outputs().stream().map(MsliteFrontend::tensorName).toList();
        for (int i : model.inputs()) {
            if (model.tensor(i).isConstant()) {
                throw new CompileException(file + ": graph input " + model.tensor(i).describe() + " has constant data");
            }
        }
        return new Graph("main", tensors, nodes, inputs, outputs);
    }

    /**
     * A graph with backward ops (*Grad, *Backprop*) or optimizers is a training graph. Its inference part
     * is not compiled: in the files seen (conv_train_model.ms) the forward pass ends in the loss, so the
     * network's own output is not a graph output, and picking one would be a guess.
     */
    private static void refuseTraining(MsliteModel model) {
        for (MsliteModel.Node n : model.nodes()) {
            String p = n.primitive();
            boolean backward = p.contains("Grad") || p.contains("Backprop");
            if (backward || OPTIMIZERS.contains(p)) {
                throw new CompileException(model.source() + ": a training graph (" + (backward ? "backward op " : "optimizer ")
                        + n.describe() + "); only inference graphs are compiled: export the inference graph");
            }
        }
    }

    /**
     * The node's canonical nodes: usually one. A float element-wise op with a fused activation becomes
     * two (the arithmetic, then the activation), since only integer element-wise kernels clamp; Stack and a
     * Reshape without a shape operand get the constant operand their canonical op takes.
     */
    private static List<Node> nodes(MsliteModel model, MsliteModel.Node n, Map<String, Tensor> tensors) {
        String file = model.source();
        if (n.outputs().size() != 1) {
            throw new CompileException(file + ": " + n.describe() + " has " + n.outputs().size() + " outputs; expected 1");
        }
        MsliteModel.Tensor out = model.tensor(n.outputs().get(0));
        if (out.dtype() != DType.FLOAT32) {
            throw new CompileException(file + ": " + n.describe() + " writes " + out.describe() + " of type "
                    + out.dtype().displayName() + "; only float32 .ms models are supported");
        }
        Op op;
        try {
            op = MsliteOps.translate(n, model);
        } catch (MsliteOps.Unsupported e) {
            throw new CompileException(file + ": " + n.describe() + ": " + e.getMessage());
        }
        List<String> ins = new ArrayList<>(n.inputs().stream().map(MsliteFrontend::tensorName).toList());
        String outName = tensorName(out.index());
        if (n.primitive().equals("Stack")) {
            ins.add(constant(tensors, outName + "_axis", ConstData.ofLongs(n.attributes().integer("axis"))));
        } else if (n.primitive().equals("Reshape") && ins.size() == 1) {
            long[] dims = new long[out.shape().rank()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = out.shape().dim(i);
            }
            ins.add(constant(tensors, outName + "_shape", ConstData.ofLongs(dims)));
        }
        String nodeName = "n" + n.index();
        List<TensorType> exported = List.of(tensors.get(outName).type());
        if (!(op instanceof Binary b) || b.activation() == FusedActivation.NONE) {
            return List.of(new Node(nodeName, n.primitive(), ins, List.of(outName), op, n.name(), exported));
        }
        Unary.Function f = switch (b.activation()) {
            case RELU -> Unary.Function.RELU;
            case RELU6 -> Unary.Function.RELU6;
            default -> throw new CompileException(file + ": " + n.describe() + ": a fused " + b.activation().label()
                    + " on float data is not supported");
        };
        String pre = outName + "_pre_" + f.name().toLowerCase(Locale.ROOT);
        tensors.put(pre, new Tensor(pre, tensors.get(outName).type(), null, out.name()));
        return List.of(
                new Node(nodeName, n.primitive(), ins, List.of(pre), new Binary(b.function()), n.name(), exported),
                new Node(nodeName + "_act", b.activation().label(), List.of(pre), List.of(outName), new Unary(f), n.name(),
                        exported));
    }

    private static String constant(Map<String, Tensor> tensors, String name, ConstData data) {
        Shape shape = Shape.of(data.byteLength() / data.dtype().byteSize());
        tensors.put(name, new Tensor(name, new TensorType(data.dtype(), shape, null), data, name));
        return name;
    }

    static String tensorName(int index) {
        return "t" + index;
    }
}
