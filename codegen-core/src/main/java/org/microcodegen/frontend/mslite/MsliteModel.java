package org.microcodegen.frontend.mslite;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A MindSpore Lite model (.ms) as read from its file ({@link MsliteFile}): every tensor and node of the
 * MetaGraph, the graph's inputs and outputs, and its subgraphs, validated (indices in range, constant
 * data the size of its shape). Plain data, no graph: {@link MsliteFrontend} maps nodes to the compiler's
 * ops from these records.
 */
public record MsliteModel(String source, String version, int fmkType, List<Tensor> tensors, List<Node> nodes,
                          List<Integer> inputs, List<Integer> outputs, List<SubGraph> subgraphs) {
    public MsliteModel {
        tensors = List.copyOf(tensors);
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        subgraphs = List.copyOf(subgraphs);
    }

    public Tensor tensor(int index) {
        return tensors.get(index);
    }

    /**
     * One tensor. {@code dataType} is MindSpore's TypeId number, {@code dtype} its meaning; {@code format}
     * the schema's Format name (NHWC, KHWC ...); {@code data} the constant bytes, null for an activation or
     * a graph input. {@code nodeType} is kept as stored (the converters disagree on its use).
     */
    public record Tensor(int index, String name, int nodeType, int dataType, DType dtype, Shape shape, String format,
                         ByteBuffer data, List<QuantParam> quantParams) {
        public Tensor {
            quantParams = List.copyOf(quantParams);
        }

        public boolean isConstant() {
            return data != null;
        }

        /** The constant bytes, copied. */
        public byte[] bytes() {
            byte[] b = new byte[data.remaining()];
            data.duplicate().get(b);
            return b;
        }

        public String describe() {
            return "tensor " + index + " '" + Names.printable(name) + "'";
        }
    }

    /** A quantization parameter as stored; {@code inited} says whether the converter filled it in. */
    public record QuantParam(double scale, int zeroPoint, int numBits, boolean inited) {
    }

    /**
     * One node: its primitive's type name (the union member, e.g. "Conv2DFusion") and, for the primitives
     * our schema describes, its attributes decoded by field name (absent fields at their defaults).
     */
    public record Node(int index, String name, String primitive, Attributes attributes, List<Integer> inputs,
                       List<Integer> outputs, String quantType) {
        public Node {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }

        public String describe() {
            return "node " + index + " '" + Names.printable(name) + "' (" + primitive + ")";
        }
    }

    /**
     * A primitive's attributes: Long for integers, Boolean for bools, Double for floats, the name for an
     * enum value, List&lt;Long&gt; for integer vectors (absent vectors are missing from the map).
     */
    public record Attributes(Map<String, Object> values) {
        public static final Attributes NONE = new Attributes(Map.of());

        public Attributes {
            values = Map.copyOf(values);
        }

        public long integer(String name) {
            return values.get(name) instanceof Long v ? v : 0;
        }

        public boolean bool(String name) {
            return values.get(name) instanceof Boolean v && v;
        }

        public double floating(String name) {
            return values.get(name) instanceof Double v ? v : 0;
        }

        /** An enum attribute's name. */
        public String enumName(String name) {
            return values.get(name) instanceof String v ? v : "";
        }

        /** An integer vector; empty when absent. */
        @SuppressWarnings("unchecked")
        public List<Long> longs(String name) {
            return values.get(name) instanceof List<?> v ? (List<Long>) v : List.of();
        }
    }

    /** A subgraph as listed; only single-subgraph models are compiled. */
    public record SubGraph(String name, List<Integer> inputs, List<Integer> outputs, List<Integer> nodes) {
        public SubGraph {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            nodes = List.copyOf(nodes);
        }
    }
}
