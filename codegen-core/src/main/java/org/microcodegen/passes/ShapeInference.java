package org.microcodegen.passes;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ir.ValueException;
import org.microcodegen.ops.OpContext;
import org.microcodegen.ops.Op;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives every intermediate tensor its type, node by node in schedule order, using each op's shape
 * rule. Where the exporter recorded output types, they must agree: a disagreement means our reading
 * of the op differs from MindSpore's, which must stop compilation rather than produce wrong code.
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    public static Graph run(Graph g, String modelFile) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        for (Node n : g.nodes()) {
            OpContext ctx = new OpContext(n, tensors, modelFile);
            List<TensorType> types;
            try {
                types = Op.of(n).inferOutputs(n, ctx);
            } catch (ValueException e) {
                // A shape, axis or attribute helper refused a value without knowing where it came from.
                throw ctx.error(e.getMessage());
            }
            if (types.size() < n.outputs().size()) {
                throw ctx.error("the model reads output " + (n.outputs().size() - 1) + ", but the op has only " + types.size());
            }
            List<TensorType> exported = n.exportedTypes();
            for (int i = 0; i < n.outputs().size(); i++) {
                TensorType t = types.get(i);
                if (exported.size() == types.size() || (exported.size() > i && n.outputs().size() == 1)) {
                    TensorType e = exported.get(i);
                    if (!e.shape().equals(t.shape()) || e.dtype() != t.dtype()) {
                        throw new CompileException("shape inference for " + n.describe() + " gives " + t
                                + " but the exporter recorded " + e + (modelFile == null ? "" : " in " + modelFile));
                    }
                    if (e.quantization() != null) {
                        // An output's scale and zero point are the model's choice (calibration), not a
                        // consequence of the inputs: the recorded ones are the truth.
                        t = new TensorType(t.dtype(), t.shape(), e.quantization());
                    }
                }
                String out = n.outputs().get(i);
                tensors.put(out, tensors.get(out).withType(t));
            }
        }
        return g.withNodes(g.nodes(), tensors);
    }
}
