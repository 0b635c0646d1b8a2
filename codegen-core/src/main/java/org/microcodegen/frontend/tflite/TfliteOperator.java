package org.microcodegen.frontend.tflite;

import java.util.List;

/**
 * One operator of subgraph 0, in execution order. Inputs and outputs are tensor indices; an input of
 * -1 is an omitted optional input (e.g. a convolution without bias). {@code options} holds the decoded
 * builtin options (see {@link TfliteOptions}).
 */
public record TfliteOperator(int index, int opcodeIndex, TfliteOperatorCode code, List<Integer> inputs,
                             List<Integer> outputs, TfliteOptions options) {
    public TfliteOperator {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** TFLite's name of the operator, e.g. "CONV_2D" or "CUSTOM(name)". */
    public String name() {
        return code.displayName();
    }

    /** "operator 3 (CONV_2D)", the form used in messages. */
    public String describe() {
        return "operator " + index + " (" + name() + ")";
    }
}
