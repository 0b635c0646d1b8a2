package org.microcodegen.ops;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A float layer whose weight is stored as integers with one float scale per output channel
 * (weights-only quantization, passes/QuantizeWeights): inputs (x, integer weight, scales, [bias]).
 * The layer computes what {@code base} computes with weight[c][...] = scales[c] * q[c][...]; the
 * kernel multiplies the scale in as it reads each weight, so no float copy of the weights exists.
 *
 * <p>The stored weight may be packed (two 4-bit values per byte: a uint8 tensor of half the length),
 * so its tensor does not show the weight's shape: {@code weightShape} keeps it, and {@code base}
 * (Conv2D or a dense MatMul) sees its operands as the float layer it was.
 *
 * @param bits the weights' bit width (2..16), for comments and the report
 */
public record WeightsOnly(Op base, Shape weightShape, int bits) implements Op {
    /** The input holding the per-channel scales (float32, one per output channel). */
    public static final int SCALES = 2;

    /** The op name of the layer: the registry's Conv2D / MatMul entries for integer weights pick the kernels. */
    @Override
    public String opName() {
        return base.opName();
    }

    /** The node and context {@code base} sees: without the scales, the weight a float tensor of its shape. */
    private record AsFloat(Node node, OpContext ctx) {
    }

    private AsFloat asFloat(Node node, OpContext ctx) {
        List<String> inputs = new ArrayList<>(node.inputs());
        inputs.remove(SCALES);
        Node plain = node.withInputs(inputs).withOp(base);
        Map<String, Tensor> tensors = new HashMap<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            tensors.put(node.input(i), ctx.input(i));
        }
        for (int i = 0; i < node.outputs().size(); i++) {
            tensors.put(node.outputs().get(i), new Tensor(node.outputs().get(i), ctx.outputType(i), null, null));
        }
        Tensor w = ctx.input(1);
        tensors.put(w.name(), new Tensor(w.name(), new TensorType(DType.FLOAT32, weightShape, null), null, w.sourceName()));
        return new AsFloat(plain, new OpContext(plain, tensors, null).withReference(ctx.reference()));
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        AsFloat f = asFloat(node, ctx);
        return base.inferOutputs(f.node, f.ctx);
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        AsFloat f = asFloat(node, ctx);
        return base.macs(f.node, f.ctx);
    }

    /** The float layer's arguments plus "scales" (input 2). */
    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        AsFloat f = asFloat(node, ctx);
        Invocation inv = base.invocation(f.node, f.ctx);
        List<String> names = new ArrayList<>(inv.names());
        List<Arg> args = new ArrayList<>(inv.args());
        names.add("scales");
        args.add(Arg.tensor(node.input(SCALES)));
        return new Invocation(names, args, inv.params());
    }

    @Override
    public FusedActivation activation() {
        return base.activation();
    }

    @Override
    public String operandRole(int index) {
        return index == SCALES ? "scales" : base.operandRole(index < SCALES ? index : index - 1);
    }
}
