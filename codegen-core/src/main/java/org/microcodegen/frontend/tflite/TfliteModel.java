package org.microcodegen.frontend.tflite;

import java.util.List;

/**
 * A TFLite model as read from its file: subgraph 0 only, validated ({@link TfliteFile}). Plain data, no
 * graph: a frontend maps operators to the compiler's ops from these records. {@code subgraphCount} says
 * how many subgraphs the file has; the others are ignored (an operator that would run one is refused).
 */
public record TfliteModel(String source, long version, String description, int subgraphCount,
                          List<TfliteTensor> tensors, List<TfliteBuffer> buffers,
                          List<TfliteOperatorCode> operatorCodes, List<TfliteOperator> operators,
                          List<Integer> inputs, List<Integer> outputs) {
    public TfliteModel {
        tensors = List.copyOf(tensors);
        buffers = List.copyOf(buffers);
        operatorCodes = List.copyOf(operatorCodes);
        operators = List.copyOf(operators);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public TfliteTensor tensor(int index) {
        return tensors.get(index);
    }

    /** The constant data of {@code tensor}, or null when it has none (an activation or a graph input). */
    public TfliteBuffer constantData(TfliteTensor tensor) {
        TfliteBuffer b = buffers.get(tensor.buffer());
        return b.isEmpty() ? null : b;
    }
}
