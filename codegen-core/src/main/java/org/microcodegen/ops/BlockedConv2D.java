package org.microcodegen.ops;

import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.util.List;

/**
 * A convolution (groups 1, dilation 1, batch 1) or a dense layer in the form of `--optimize size`'s
 * blocked compact kernel: its weights (input 1) stored in blocks of {@link #LANES} output channels
 * side by side ({@link #blockWeights}), a per-channel bias (input 2, optional), the activation, and
 * optionally a max pool over non-overlapping square windows fused into the epilogue. Made from Conv2D
 * (+ MaxPool) and MatMul nodes by passes.BlockForSize; no frontend produces it.
 *
 * A dense layer [1, k] x [n, k]^T is the convolution of a 1 x k image by n kernels of 1 x k, summed
 * from zero with the bias added last (as the MatMul kernels do), where a convolution sums from its
 * bias: {@code biasLast} keeps each layer's own order, so the outputs are the other kernels' bit for bit.
 *
 * @param inC,inH,inW     the input as the kernel reads it (a dense layer: 1, 1, k)
 * @param outH,outW       the convolution's output, before the pool (a multiple of {@code pool})
 * @param pool            the fused max pool's window and stride (1: none)
 * @param dense           the output is [1, outC] (a dense layer) rather than [1, outC, outH / pool, outW / pool]
 */
public record BlockedConv2D(int inC, int inH, int inW, int outC, int outH, int outW, int kH, int kW,
                            int strideH, int strideW, int padTop, int padLeft, int pool, boolean biasLast,
                            boolean dense, FusedActivation activation, long macCount) implements Op {
    /** Output channels per weight block: the C kernel's MC_BLOCK_LANES. */
    public static final int LANES = 8;

    /** Every field of the kernel's parameter struct is an int16_t. */
    public static final int MAX_FIELD = Short.MAX_VALUE;

    /** The op's canonical name, as the kernel registries know it. */
    public static final String OP_NAME = "BlockedConv2D";

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public List<TensorType> inferOutputs(Node node, OpContext ctx) {
        ctx.requireInputs(2, 3);
        Shape out = dense ? Shape.of(1, outC) : Shape.of(1, outC, outH / pool, outW / pool);
        return List.of(ctx.type(0).withShape(out));
    }

    @Override
    public long macs(Node node, OpContext ctx) {
        return macCount;
    }

    @Override
    public FusedActivation activation() {
        return activation;
    }

    @Override
    public boolean acceptsEpilogue() {
        return true;
    }

    @Override
    public Invocation invocation(Node node, OpContext ctx) {
        ParamsStruct params = ParamsStruct.builder()
                .set("in_c", inC).set("in_h", inH).set("in_w", inW)
                .set("out_c", outC).set("out_h", outH).set("out_w", outW)
                .set("k_h", kH).set("k_w", kW)
                .set("stride_h", strideH).set("stride_w", strideW)
                .set("pad_top", padTop).set("pad_left", padLeft)
                .set("pool", pool)
                .activation("act", activation)
                .set("bias_last", biasLast ? 1 : 0)
                .build();
        return Invocation.builder()
                .tensor("in", node.input(0)).tensor("weight", node.input(1))
                .optionalTensor("bias", node.inputs().size() == 3 ? node.input(2) : null)
                .tensor("out", node.output()).params(params).build();
    }

    @Override
    public String operandRole(int index) {
        return index == 1 ? "weight" : index == 2 ? "bias" : "in" + index;
    }

    /**
     * Weights [outC][taps] (taps = inC * kH * kW, in that order; float32 little-endian bytes) as the
     * kernel reads them: block by block of {@link #LANES} channels (the last one of what remains), tap
     * by tap, the block's channels side by side; then LANES minus the last block's channels zeros,
     * since every tap loads a whole block's lanes. Bytes move, values are never converted.
     */
    public static byte[] blockWeights(byte[] w, int outC, int taps) {
        int lastLanes = outC % LANES == 0 ? LANES : outC % LANES;
        byte[] out = new byte[(outC * taps + LANES - lastLanes) * Float.BYTES];
        int i = 0;
        for (int oc = 0; oc < outC; oc += LANES) {
            int lanes = Math.min(LANES, outC - oc);
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < lanes; j++, i += Float.BYTES) {
                    System.arraycopy(w, ((oc + j) * taps + t) * Float.BYTES, out, i, Float.BYTES);
                }
            }
        }
        return out;
    }
}
