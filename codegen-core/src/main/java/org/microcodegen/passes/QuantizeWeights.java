package org.microcodegen.passes;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.WeightsOnly;
import org.microcodegen.quant.ChannelQuantizer;
import org.microcodegen.quant.WeightQuant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights-only quantization: each float Conv2D (NCHW, weights [out][in/groups][kh][kw]) and dense MatMul
 * (B stored [N][K], as nn.Dense and the pretranspose pass leave it) with a constant float weight becomes a
 * {@link WeightsOnly} layer: integer weights per output channel (axis 0, symmetric, see
 * {@link ChannelQuantizer}) and a float32 scales tensor. Activations stay float. Layers at or below
 * the size / channel thresholds, weights shared with another node, and weights that are not finite
 * stay float. Runs last, after epilogue fusion, so the layers it rewrites are final.
 */
public final class QuantizeWeights {
    private QuantizeWeights() {
    }

    public static Graph run(Graph g, WeightQuant wq) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : g.nodes()) {
            Node rewritten = quantizable(g, n) ? rewrite(g, n, wq, tensors) : n;
            changed |= rewritten != n;
            nodes.add(rewritten);
        }
        return changed ? DeadCodeElimination.run(g.withNodes(nodes, tensors)) : g;
    }

    /** A float layer whose own weight (input 1) is a constant float tensor that no other node reads. */
    private static boolean quantizable(Graph g, Node n) {
        Op op = Op.of(n);
        boolean layer = op instanceof Conv2D || (op instanceof MatMul mm && mm.transposeB() && !mm.transposeA());
        if (!layer || n.inputs().size() < 2 || n.outputs().size() != 1) {
            return false;
        }
        Tensor w = g.tensor(n.input(1));
        return w.isConstant() && w.data().dtype() == DType.FLOAT32 && g.type(n.input(0)).dtype() == DType.FLOAT32
                && g.type(n.output()).dtype() == DType.FLOAT32 && g.consumers(w.name()).size() == 1
                && !g.isGraphOutput(w.name());
    }

    private static Node rewrite(Graph g, Node n, WeightQuant wq, Map<String, Tensor> tensors) {
        Tensor w = g.tensor(n.input(1));
        Shape shape = w.type().shape();
        float[] values = w.data().asFloats();
        int channels = shape.dim(0);
        if (!wq.applies(values.length, channels)) {
            return n;
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return n;
            }
        }
        ChannelQuantizer.Result r = ChannelQuantizer.quantize(values, channels, wq.qmax());
        WeightQuant.Storage storage = wq.storage();
        byte[] stored = ChannelQuantizer.store(r.q(), storage);
        DType dtype = switch (storage) {
            case PACKED4 -> DType.UINT8;
            case INT8 -> DType.INT8;
            case INT16 -> DType.INT16;
        };
        Shape storedShape = storage == WeightQuant.Storage.PACKED4 ? Shape.of(stored.length) : shape;
        List<Float> scales = new ArrayList<>();
        for (float s : r.scales()) {
            scales.add(s);
        }
        Quantization q = new Quantization(scales, Collections.nCopies(channels, 0), 0);
        Tensor qw = new Tensor(TensorNames.fresh(tensors, w.name() + "/q" + wq.bits()), new TensorType(dtype, storedShape, q),
                new ConstData(dtype, stored), w.sourceName());
        Tensor sc = new Tensor(TensorNames.fresh(tensors, w.name() + "/scales"), new TensorType(DType.FLOAT32, Shape.of(channels), null),
                ConstData.ofFloats(r.scales()), w.sourceName() + ".scales");
        tensors.put(qw.name(), qw);
        tensors.put(sc.name(), sc);
        List<String> inputs = new ArrayList<>(n.inputs());
        inputs.set(1, qw.name());
        inputs.add(WeightsOnly.SCALES, sc.name());
        return n.withInputs(inputs).withOp(new WeightsOnly(Op.of(n), shape, wq.bits()));
    }
}
