package org.microcodegen.frontend.tflite;

import org.microcodegen.frontend.Frontend;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ir.DType;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Unary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TFLite flatbuffers (file identifier "TFL3"), read by {@link TfliteFile} into records and translated
 * here into a graph: one node per operator of subgraph 0, every tensor with its dtype, shape and
 * quantization, constant buffers as weights. Tensor names are the file's indices ("t12"), since TFLite
 * names need not be unique; the file's names are kept as source names for the generated code.
 */
public final class TfliteFrontend implements Frontend {
    private static final String IDENTIFIER = "TFL3";

    @Override
    public String name() {
        return "TFLite";
    }

    @Override
    public String extension() {
        return ".tflite";
    }

    /** A FlatBuffer whose file identifier (bytes 4..7) is TFLite's. */
    @Override
    public boolean recognizes(byte[] head, Path file) {
        return head.length >= 8 && new String(head, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1).equals(IDENTIFIER);
    }

    @Override
    public Graph load(Path file) {
        TfliteModel model = TfliteFile.read(file);
        return toGraph(model, file.toString());
    }

    static Graph toGraph(TfliteModel model, String file) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TfliteTensor t : model.tensors()) {
            TfliteBuffer data = model.constantData(t);
            TensorType type = new TensorType(t.dtype(), t.shape(), quantization(t, file));
            String name = tensorName(t.index());
            tensors.put(name, new Tensor(name, type, data == null ? null : new ConstData(t.dtype(), data.bytes()), t.name()));
        }
        List<Node> nodes = new ArrayList<>();
        for (TfliteOperator op : model.operators()) {
            nodes.addAll(nodes(model, op, tensors, file));
        }
        List<String> inputs = model.inputs().stream().map(TfliteFrontend::tensorName).toList();
        List<String> outputs = model.outputs().stream().map(TfliteFrontend::tensorName).toList();
        for (String in : inputs) {
            if (tensors.get(in).isConstant()) {
                throw new CompileException(file + ": graph input " + tensors.get(in).sourceName() + " has constant data");
            }
        }
        return new Graph("main", tensors, nodes, inputs, outputs);
    }

    /**
     * The operator's node; a float ADD, SUB or MUL with a fused activation becomes two nodes (the
     * arithmetic, then the activation as an op of its own), since only integer element-wise kernels
     * clamp their results themselves. For float data the two are the same computation.
     */
    private static List<Node> nodes(TfliteModel model, TfliteOperator op, Map<String, Tensor> tensors, String file) {
        Node n = node(model, op, tensors, file);
        if (!(n.op() instanceof Binary b) || b.activation() == FusedActivation.NONE
                || tensors.get(n.output()).type().dtype() != DType.FLOAT32) {
            return List.of(n);
        }
        Unary.Function f = switch (b.activation()) {
            case RELU -> Unary.Function.RELU;
            case RELU6 -> Unary.Function.RELU6;
            default -> throw new CompileException(file + ": " + op.describe() + ": a fused " + b.activation().label()
                    + " on float data is not supported");
        };
        String pre = n.output() + "_pre_" + f.name().toLowerCase(java.util.Locale.ROOT);
        Tensor out = tensors.get(n.output());
        tensors.put(pre, new Tensor(pre, out.type(), null, out.sourceName()));
        Node arithmetic = new Node(n.name(), n.opType(), n.inputs(), List.of(pre), new Binary(b.function()), n.scope(),
                n.exportedTypes());
        Node activation = new Node(n.name() + "_act", b.activation().label(), List.of(pre), n.outputs(), new Unary(f),
                n.scope(), n.exportedTypes());
        return List.of(arithmetic, activation);
    }

    private static Node node(TfliteModel model, TfliteOperator op, Map<String, Tensor> tensors, String file) {
        if (op.code().isCustom()) {
            throw new CompileException(file + ": " + op.describe() + ": custom operators are not supported");
        }
        if (op.outputs().size() != 1) {
            throw new CompileException(file + ": " + op.describe() + ": has " + op.outputs().size() + " outputs; expected 1");
        }
        TfliteTensor out = model.tensor(op.outputs().get(0));
        Op canonical;
        try {
            canonical = TfliteOps.translate(op, out, quantization(out, file));
        } catch (TfliteOps.Unsupported e) {
            throw new CompileException(file + ": " + op.describe() + " writing " + out.describe() + ": " + e.getMessage());
        } catch (ClassCastException e) {
            // the reader decodes options by the operator's own table; a file whose union type disagrees is corrupt
            throw new CompileException(file + ": " + op.describe() + " has options of another operator");
        }
        if (out.dtype() == DType.FLOAT32) {
            for (int i : op.inputs()) {
                if (i >= 0 && model.tensor(i).dtype() != DType.FLOAT32 && model.tensor(i).isQuantized()
                        && model.constantData(model.tensor(i)) != null) {
                    throw new CompileException(file + ": " + op.describe() + " has float data and " + model.tensor(i).dtype().displayName()
                            + " weights " + model.tensor(i).describe() + ": hybrid (dynamic-range) quantization is not supported;"
                            + " convert the model with full integer quantization or keep it float");
                }
            }
        }
        List<String> ins = new ArrayList<>();
        for (int i : TfliteOps.operands(op)) {
            if (i < 0) {
                // an omitted optional input (a convolution without bias) can only be the last ones
                continue;
            }
            ins.add(tensorName(i));
        }
        List<String> outs = op.outputs().stream().map(TfliteFrontend::tensorName).toList();
        List<TensorType> exported = outs.stream().map(t -> tensors.get(t).type()).toList();
        String nodeName = "op" + op.index();
        return new Node(nodeName, op.name(), ins, outs, canonical, scope(out.name()), exported);
    }

    /**
     * The converter names a fused output after every op folded into it, joined by ';'
     * ("sequential/dense/MatMul;sequential/dense/Relu;..."): the first names the layer.
     */
    private static String scope(String outputName) {
        int semicolon = outputName.indexOf(';');
        return semicolon > 0 ? outputName.substring(0, semicolon) : outputName;
    }

    static String tensorName(int index) {
        return "t" + index;
    }

    private static Quantization quantization(TfliteTensor t, String file) {
        TfliteQuantization q = t.quantization();
        if (q == null) {
            return null;
        }
        for (float scale : q.scales()) {
            // a scale is a step size: NaN, infinite or negative ones come from a damaged file, and would reach
            // the multiplier derivations as NaN
            if (!(scale >= 0 && Float.isFinite(scale))) {
                throw new CompileException(file + ": tensor " + t.describe() + " has quantization scale " + scale
                        + "; a scale must be a finite number >= 0");
            }
        }
        List<Integer> zeros = new ArrayList<>();
        for (long z : q.zeroPoints()) {
            if (z < Integer.MIN_VALUE || z > Integer.MAX_VALUE) {
                throw new CompileException(file + ": tensor " + t.describe() + " has zero point " + z + ", outside int32");
            }
            zeros.add((int) z);
        }
        return new Quantization(q.scales(), zeros, q.quantizedDimension());
    }
}
