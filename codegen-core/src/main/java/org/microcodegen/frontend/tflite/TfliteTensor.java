package org.microcodegen.frontend.tflite;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;

/**
 * One tensor of subgraph 0. {@code buffer} indexes {@link TfliteModel#buffers()} (buffer 0 is TFLite's
 * empty sentinel: no data). {@code quantization} is null for a tensor without quantization parameters.
 * {@code variable}: TFLite's is_variable (state kept between invocations).
 */
public record TfliteTensor(int index, String name, DType dtype, Shape shape, int buffer,
                           TfliteQuantization quantization, boolean variable) {
    public boolean isQuantized() {
        return quantization != null;
    }

    /** "'name' (tensor 3)", the form used in messages. */
    public String describe() {
        return "'" + name + "' (tensor " + index + ")";
    }
}
