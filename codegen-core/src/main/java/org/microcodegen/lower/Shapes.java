package org.microcodegen.lower;

import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.ops.SlidingWindow;
import org.microcodegen.ops.Window2D;
import org.microcodegen.quant.Rounding;

import java.util.function.Predicate;

/**
 * The shape predicates that pick specialised kernels, in one place for every target: each says when
 * a kernel's fixed loop shape applies, so its registry entry reads as "this kernel, for these shapes".
 */
final class Shapes {
    private Shapes() {
    }

    /** A shape predicate with the words `micro-codegen ops` prints for it. */
    record Rule(String description, Predicate<Query> test) implements Predicate<Query> {
        @Override
        public boolean test(Query q) {
            return test.test(q);
        }
    }

    static final Rule ANY = new Rule("any shape", q -> true);
    static final Rule POINTWISE = new Rule("1x1, stride 1, unpadded, groups 1", Shapes::pointwise);
    static final Rule POINTWISE_STRIDE_2 = new Rule("1x1, stride 2 along w, unpadded, groups 1", Shapes::pointwiseStride2);
    static final Rule DEPTHWISE = new Rule("depthwise (one filter per input channel)", Shapes::depthwise);
    static final Rule DENSE = new Rule("A [M][K] times B stored [N][K] (dense layer layout)", Shapes::dense);
    static final Rule DENSE_BESIDE_CONV = new Rule("dense layer layout, in a model with Conv2D",
            q -> dense(q) && q.modelOps().contains("Conv2D"));

    /** The largest K (kH x kW x inC rounded up to 4) of mc_conv_simd's convolutions (MC_CONV_SIMD_MAX_K: a stack buffer). */
    static final int SIMD_CONV_MAX_DEPTH = 1024;

    /** mc_qrequant.h's mc_rqo_fits: the right shifts (shift = -e) and output offsets its epilogue takes. */
    static final int RQO_MIN_SHIFT = -22;
    static final int RQO_MAX_SHIFT = -1;
    static final int RQO_MAX_OFFSET = 256;

    /**
     * Whether every output channel of a requantizing int8 kernel with parameter values {@code p} takes mc_rqo's
     * epilogue, the output offset folded in and SSAT for the clamp (mc_conv_simd.c's all_channels_fast, at
     * compile time): double rounding, an activation range of all of int8, mc_rqo_fits for every channel's shift.
     */
    static boolean foldedOffsetEpilogue(ParamsStruct p) {
        return p != null && p.value("rounding") == Rounding.DOUBLE && oneSmlalEpilogue(p);
    }

    /**
     * The same in double or single rounding (the fully connected kernel's epilogue, whose constant drops double
     * rounding's 2^30 and sign term for single rounding).
     */
    static boolean oneSmlalEpilogue(ParamsStruct p) {
        if (p == null || !(p.value("rounding") == Rounding.DOUBLE || p.value("rounding") == Rounding.SINGLE)
                || p.integer("act_min") != Byte.MIN_VALUE || p.integer("act_max") != Byte.MAX_VALUE
                || Math.abs(p.integer("out_offset")) > RQO_MAX_OFFSET) {
            return false;
        }
        for (long shift : p.table(ParamsStruct.OUT_SHIFT).values()) {
            if (shift < RQO_MIN_SHIFT || shift > RQO_MAX_SHIFT) {
                return false;
            }
        }
        return true;
    }

    /** Any CONV_2D whose weights (and bias) are constants, K within the SIMD kernels' buffer. */
    static final Rule SIMD_CONV = new Rule("weight and bias constant, kH x kW x inC <= " + SIMD_CONV_MAX_DEPTH,
            q -> packableWeights(q) && simdDepth(q) <= SIMD_CONV_MAX_DEPTH);
    /**
     * 1x1, stride 1, unpadded: each output pixel reads one contiguous input pixel. And every output channel takes the
     * one-SMLAL epilogue (mc_qrequant.h's mc_rqo), decided here once rather than per layer at run time, so that the
     * kernel carries no other epilogue (mc_conv_simd.h states the precondition).
     */
    static final Rule SIMD_POINTWISE = new Rule("1x1, stride 1, unpadded, weight and bias constant, inC <= " + SIMD_CONV_MAX_DEPTH
            + ", double rounding, no clamp inside int8, every channel's shift in [" + RQO_MIN_SHIFT + ", " + RQO_MAX_SHIFT
            + "], |output zero point| <= " + RQO_MAX_OFFSET, q -> SIMD_CONV.test(q) && nhwcPointwise(q) && foldedOffsetEpilogue(q.params()));
    /** A depthwise convolution of a single input channel (person_detect's first layer): an ordinary convolution. */
    static final Rule SIMD_DEPTHWISE_ONE_CHANNEL = new Rule("one input channel, weight and bias constant, kH x kW <= "
            + SIMD_CONV_MAX_DEPTH, q -> packableWeights(q) && ((Conv2DNhwc) q.op()).geometry(q.ctx()).inC() == 1
            && simdDepth(q) <= SIMD_CONV_MAX_DEPTH);
    /**
     * A fully connected layer whose weights (and bias) are constants, and whose every output takes the one-SMLAL
     * epilogue, decided here once rather than per layer at run time, so that the kernel carries no other
     * epilogue (mc_conv_simd.h states the precondition); other layers take the reference kernel.
     */
    static final Rule SIMD_DENSE = new Rule("weight and bias constant, double or single rounding, no clamp inside int8, every"
            + " channel's shift in [" + RQO_MIN_SHIFT + ", " + RQO_MAX_SHIFT + "], |output zero point| <= " + RQO_MAX_OFFSET,
            q -> packableWeights(q) && oneSmlalEpilogue(q.params()));

    /** Weight and bias (where the layer has one) are known at compile time, so a kernel may take them packed. */
    static boolean packableWeights(Query q) {
        return q.ctx().isConstant(1) && (q.ctx().inputCount() < 3 || q.ctx().isConstant(2));
    }

    private static int simdDepth(Query q) {
        Conv2DNhwc.Geometry g = ((Conv2DNhwc) q.op()).geometry(q.ctx());
        long k = (long) g.w().kH() * g.w().kW() * g.inC();
        return (int) Math.min(Integer.MAX_VALUE, (k + 3) & ~3L);
    }

    private static boolean nhwcPointwise(Query q) {
        Window2D w = ((Conv2DNhwc) q.op()).geometry(q.ctx()).w();
        return w.kH() == 1 && w.kW() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.unpadded();
    }

    static Conv2D.Geometry conv(Query q) {
        return ((Conv2D) q.op()).geometry(q.ctx());
    }

    static Window2D window(Query q) {
        return ((SlidingWindow) q.op()).window(q.ctx());
    }

    /** A 1x1 kernel with stride 1, no padding, no groups: a matrix product per image. */
    static boolean pointwise(Query q) {
        Conv2D.Geometry g = conv(q);
        Window2D w = g.w();
        return g.groups() == 1 && w.kH() == 1 && w.kW() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.unpadded();
    }

    /** A ResNet shortcut: 1x1, stride 2 along w (any along h), no padding, no groups. */
    static boolean pointwiseStride2(Query q) {
        Conv2D.Geometry g = conv(q);
        Window2D w = g.w();
        return g.groups() == 1 && w.kH() == 1 && w.kW() == 1 && w.strideW() == 2 && w.unpadded();
    }

    /**
     * One filter per input channel. A single input channel is not depthwise: as depthwise it would
     * link a second kernel for the work the general kernel does.
     */
    static boolean depthwise(Query q) {
        return conv(q).depthwise();
    }

    /**
     * Depthwise 3x3 with the same stride {@code stride} (1 or 2) along both axes, dilation 1, padding
     * at most 1 on every side and an input of at least 2 x 2: the nine weights stay in registers for a
     * whole plane, with a fixed shape per output row.
     */
    static Rule depthwise3x3(int stride) {
        return new Rule("depthwise 3x3, stride " + stride + ", dilation 1, padding <= 1, input >= 2x2", q -> {
            Conv2D.Geometry g = conv(q);
            Window2D w = g.w();
            return g.depthwise() && w.kH() == 3 && w.kW() == 3 && w.strideH() == stride && w.strideW() == stride
                    && w.dilationH() == 1 && w.dilationW() == 1
                    && w.padTop() >= 0 && w.padTop() <= 1 && w.padLeft() >= 0 && w.padLeft() <= 1
                    && w.padBottom() <= 1 && w.padRight() <= 1 && g.inH() >= 2 && g.inW() >= 2;
        });
    }

    /**
     * A kernel whose interior is unrolled for kernel width {@code k} and stride {@code s} along w
     * (dilation 1 along w; anything along h), for depthwise or for other convolutions.
     */
    static Rule fixedWidth(int k, int s, boolean depthwise) {
        return new Rule((depthwise ? "depthwise, " : "not depthwise, ") + "kernel width " + k + ", stride " + s + " along w, dilation 1 along w", q -> {
            Conv2D.Geometry g = conv(q);
            Window2D w = g.w();
            return g.depthwise() == depthwise && w.dilationW() == 1 && w.kW() == k && w.strideW() == s;
        });
    }

    /** A square k x k pooling window: the window loops unrolled. */
    static Rule squareWindow(int k) {
        return new Rule(k + "x" + k + " window", q -> {
            Window2D w = window(q);
            return w.kH() == k && w.kW() == k;
        });
    }

    /**
     * A dense layer's layout, A [M][K] times B stored [N][K]: each output is a dot product over
     * contiguous memory, so a model of dense layers links one loop shape.
     */
    static boolean dense(Query q) {
        MatMul m = (MatMul) q.op();
        return !m.transposeA() && m.transposeB();
    }
}
