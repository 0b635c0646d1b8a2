package org.microcodegen.lower;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ops.OpContext;
import org.microcodegen.ops.ParamsStruct;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The packed operands of the SMLAD convolution and fully connected kernels (runtime-micro's
 * mc_conv_simd.h describes the same layouts from the kernel's side). Both read the weight operand as
 * [outC][K] rows: a CONV_2D weight [outC][kH][kW][inC] and a FULLY_CONNECTED weight [out][in] are
 * exactly that, K = kH * kW * inC or in.
 */
public final class SimdPackings {
    private SimdPackings() {
    }

    /**
     * Output channels in pairs (an odd last channel beside a channel of zeros), K rounded up to a multiple of four
     * with zero weights, and per pair, per group of four k, channel c's four bytes then channel c + 1's: one inner
     * loop pass loads one word per channel and sign-extends it with two SXTB16s.
     */
    public static final Packing CHANNEL_PAIRS = Packing.of(
            "int8 weights in output-channel pairs, four k of each channel in turn, k padded to a multiple of 4",
            (ctx, params) -> channelPairs(weightRows(ctx)));

    /**
     * The bias with the input offset folded in: bias[c] + in_offset * sum over k of w[c][k] (int32, wrapping as the
     * kernel's int32 sums do), one per output channel, present even when the layer has no bias.
     */
    public static final Packing FOLDED_BIAS = Packing.of(
            "int32 bias + in_offset x (sum of the channel's weights)",
            (ctx, params) -> foldedBias(weightRows(ctx), ctx.inputCount() > 2 ? ctx.constantLongs(2, "bias") : null,
                    (int) params.integer("in_offset")));

    /**
     * The same two for a DEPTHWISE_CONV_2D of one input channel, which is an ordinary convolution: its weight
     * [1][kH][kW][outC] read as [outC][kH][kW][1] rows.
     */
    public static final Packing CHANNEL_PAIRS_OF_DEPTHWISE = Packing.of(
            "int8 weights [1][kH][kW][outC] as [outC][kH][kW], in output-channel pairs, four k of each channel in turn,"
                    + " k padded to a multiple of 4",
            (ctx, params) -> channelPairs(depthwiseRows(ctx)));
    public static final Packing FOLDED_BIAS_OF_DEPTHWISE = Packing.of(
            "int32 bias + in_offset x (sum of the channel's weights)",
            (ctx, params) -> foldedBias(depthwiseRows(ctx), ctx.inputCount() > 2 ? ctx.constantLongs(2, "bias") : null,
                    (int) params.integer("in_offset")));

    /** The weight as rows of K, one per output channel. */
    record Rows(byte[] values, int rows, int depth) {
    }

    static Rows weightRows(OpContext ctx) {
        byte[] values = int8Weight(ctx);
        int rows = ctx.shape(1).dim(0);
        return new Rows(values, rows, rows == 0 ? 0 : values.length / rows);
    }

    /** A depthwise weight [1][kH][kW][outC] transposed to rows [outC][kH * kW]. */
    static Rows depthwiseRows(OpContext ctx) {
        byte[] values = int8Weight(ctx);
        int rows = ctx.shape(1).dim(3);
        int depth = rows == 0 ? 0 : values.length / rows;
        byte[] t = new byte[values.length];
        for (int c = 0; c < rows; c++) {
            for (int k = 0; k < depth; k++) {
                t[c * depth + k] = values[k * rows + c];
            }
        }
        return new Rows(t, rows, depth);
    }

    private static byte[] int8Weight(OpContext ctx) {
        ConstData w = ctx.constant(1, "weight");
        if (w.dtype() != DType.INT8) {
            throw ctx.error("the packed int8 kernels take int8 weights, not " + w.dtype().displayName());
        }
        return w.bytes();
    }

    static ConstData channelPairs(Rows w) {
        int kp = (w.depth + 3) & ~3;
        int pairs = (w.rows + 1) / 2;
        byte[] out = new byte[pairs * 2 * kp];
        int pos = 0;
        for (int c = 0; c < w.rows; c += 2) {
            for (int g = 0; g < kp; g += 4) {
                for (int ch = c; ch < c + 2; ch++) {
                    for (int j = g; j < g + 4; j++) {
                        out[pos++] = ch < w.rows && j < w.depth ? w.values[ch * w.depth + j] : 0;
                    }
                }
            }
        }
        return new ConstData(DType.INT8, out);
    }

    static ConstData foldedBias(Rows w, long[] bias, int inOffset) {
        ByteBuffer out = ByteBuffer.allocate(4 * w.rows).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < w.rows; c++) {
            int sum = 0;
            for (int k = 0; k < w.depth; k++) {
                sum += w.values[c * w.depth + k];
            }
            out.putInt((bias == null ? 0 : (int) bias[c]) + inOffset * sum);
        }
        return new ConstData(DType.INT32, out.array());
    }
}
