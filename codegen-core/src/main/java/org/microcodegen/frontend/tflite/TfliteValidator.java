package org.microcodegen.frontend.tflite;

import org.microcodegen.ir.CompileException;

import java.util.List;

/**
 * Cross-reference checks on a read model: every index points at something that exists, and every
 * constant tensor's buffer holds exactly its shape's bytes. Shapes were bounded when read (Shape's
 * element cap), so the byte counts below cannot overflow.
 */
final class TfliteValidator {
    private TfliteValidator() {
    }

    static void validate(TfliteModel m) {
        String src = m.source() + ": ";
        int tensors = m.tensors().size();
        for (TfliteTensor t : m.tensors()) {
            if (t.buffer() < 0 || t.buffer() >= m.buffers().size()) {
                throw new CompileException(src + "tensor " + t.describe() + " refers to buffer " + t.buffer()
                        + ", but the model has " + m.buffers().size());
            }
            TfliteBuffer data = m.constantData(t);
            if (data != null) {
                long expected = t.shape().elementCount() * t.dtype().byteSize();
                if (data.length() != expected) {
                    throw new CompileException(src + "tensor " + t.describe() + " of shape " + t.shape() + " "
                            + t.dtype().displayName() + " needs " + expected + " bytes, but its buffer " + t.buffer()
                            + " holds " + data.length());
                }
            }
        }
        checkTensors(src + "the subgraph's inputs", m.inputs(), tensors, false);
        checkTensors(src + "the subgraph's outputs", m.outputs(), tensors, false);
        for (TfliteOperator op : m.operators()) {
            checkTensors(src + op.describe() + " inputs", op.inputs(), tensors, true);
            checkTensors(src + op.describe() + " outputs", op.outputs(), tensors, false);
        }
    }

    private static void checkTensors(String what, List<Integer> indices, int count, boolean optional) {
        for (int i : indices) {
            if (i == -1 && optional) {
                continue;
            }
            if (i < 0 || i >= count) {
                throw new CompileException(what + " refer to tensor " + i + ", but the subgraph has " + count);
            }
        }
    }
}
