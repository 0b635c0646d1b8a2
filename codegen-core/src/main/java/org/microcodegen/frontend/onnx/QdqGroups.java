package org.microcodegen.frontend.onnx;

import org.microcodegen.frontend.onnx.proto.Onnx.GraphProto;
import org.microcodegen.frontend.onnx.proto.Onnx.NodeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ValueInfoProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The QDQ groups of an ONNX graph, found before any node is translated (a node's consumers come later
 * in the file): a node whose data inputs all come from DequantizeLinear and whose output goes only to
 * QuantizeLinear is what ONNX Runtime's QDQ transformer turns into an integer node (QLinearConv, QGemm,
 * QLinearMatMul) or runs on the integers directly (MaxPool, Reshape ... with their Q/DQ dropped), and the
 * compiler does the same. Groups of ops that ONNX Runtime fuses into kernels whose arithmetic the
 * compiler does not reproduce (QLinearAdd, QLinearAveragePool, QLinearConcat ...) are refused by name,
 * since running them in float between Dequantize and Quantize would give a near answer, not ORT's.
 */
final class QdqGroups {
    /** Which inputs carry data (the rest are shapes, axes, or absent) for the ops that run on integers. */
    private static final Map<String, Set<Integer>> INTEGER_OPS = Map.of(
            "Conv", Set.of(0, 1, 2),
            "Gemm", Set.of(0, 1, 2),
            "MatMul", Set.of(0, 1),
            "MaxPool", Set.of(0),
            "Reshape", Set.of(0),
            "Flatten", Set.of(0),
            "Transpose", Set.of(0),
            "Squeeze", Set.of(0),
            "Unsqueeze", Set.of(0));

    /** What ONNX Runtime's QDQ transformer makes of these; their integer arithmetic is not reproduced yet. */
    private static final Map<String, String> FUSED_ELSEWHERE = Map.of(
            "Add", "QLinearAdd",
            "Mul", "QLinearMul",
            "AveragePool", "QLinearAveragePool",
            "GlobalAveragePool", "QLinearGlobalAveragePool",
            "Concat", "QLinearConcat",
            "Sigmoid", "QLinearSigmoid",
            "LeakyRelu", "QLinearLeakyRelu",
            "Softmax", "QLinearSoftmax");

    private final Set<String> quantized = new HashSet<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();

    private QdqGroups() {
    }

    static QdqGroups of(GraphProto g) {
        QdqGroups groups = new QdqGroups();
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            for (String in : n.getInputList()) {
                groups.consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        for (ValueInfoProto out : g.getOutputList()) {
            groups.graphOutputs.add(out.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            Set<Integer> data = INTEGER_OPS.get(n.getOpType());
            if (data == null && FUSED_ELSEWHERE.containsKey(n.getOpType())) {
                data = allInputs(n);
            }
            if (data != null && n.getOutputCount() > 0 && groups.isGroup(n, data, producers)) {
                groups.quantized.add(key(n));
            }
        }
        return groups;
    }

    private static Set<Integer> allInputs(NodeProto n) {
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < n.getInputCount(); i++) {
            all.add(i);
        }
        return all;
    }

    private boolean isGroup(NodeProto n, Set<Integer> data, Map<String, NodeProto> producers) {
        boolean any = false;
        for (int i : data) {
            if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
                continue;
            }
            NodeProto p = producers.get(n.getInput(i));
            if (p == null || !p.getOpType().equals("DequantizeLinear")) {
                return false;
            }
            any = true;
        }
        String out = n.getOutput(0);
        List<NodeProto> users = consumers.getOrDefault(out, List.of());
        if (!any || users.isEmpty() || graphOutputs.contains(out)) {
            return false;
        }
        for (int i = 1; i < n.getOutputCount(); i++) {
            if (!n.getOutput(i).isEmpty()) {
                return false;
            }
        }
        return users.stream().allMatch(u -> u.getOpType().equals("QuantizeLinear") && u.getInput(0).equals(out));
    }

    /** ONNX graphs are SSA: a node is known by its first output. */
    private static String key(NodeProto n) {
        return n.getOutput(0);
    }

    boolean isQuantized(NodeProto n) {
        return n.getOutputCount() > 0 && quantized.contains(key(n));
    }

    boolean isDataInput(NodeProto n, int i) {
        Set<Integer> data = INTEGER_OPS.get(n.getOpType());
        return data != null && data.contains(i);
    }

    /** The ONNX Runtime kernel a refused group would have become ("QLinearAdd"), or null. */
    String fusedElsewhere(NodeProto n) {
        return isQuantized(n) ? FUSED_ELSEWHERE.get(n.getOpType()) : null;
    }

    /** The QuantizeLinear nodes that read output 0 of a quantized node. */
    List<NodeProto> quantizers(NodeProto n) {
        return consumers.getOrDefault(key(n), List.of());
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }
}
