package org.microcodegen.ops;

import org.microcodegen.ir.Shape;

/**
 * The geometry of a sliding window over H and W (Conv2D and pooling) once the input size is known:
 * kernel, strides, dilations, the padding on each side and the output size.
 */
public record Window2D(int kH, int kW, int strideH, int strideW, int dilationH, int dilationW,
                       int padTop, int padBottom, int padLeft, int padRight, int outH, int outW) {

    static Window2D of(OpContext ctx, int inH, int inW, int kH, int kW, Pair strides, Pair dilations, Padding padding) {
        if (strides.h() <= 0 || strides.w() <= 0 || dilations.h() <= 0 || dilations.w() <= 0 || kH <= 0 || kW <= 0) {
            throw ctx.error("kernel, stride and dilation must be positive");
        }
        // Every operand is at most Shape.MAX_ELEMENTS (2^29: the frontends bound them), so the long
        // arithmetic below cannot overflow; the results are range-checked before they become ints.
        long effH = (long) dilations.h() * (kH - 1) + 1;
        long effW = (long) dilations.w() * (kW - 1) + 1;
        long pt = 0;
        long pb = 0;
        long pl = 0;
        long pr = 0;
        long outH;
        long outW;
        if (padding instanceof Padding.Explicit p) {
            pt = p.top();
            pb = p.bottom();
            pl = p.left();
            pr = p.right();
            if (pt < 0 || pb < 0 || pl < 0 || pr < 0) {
                throw ctx.error("negative padding " + p);
            }
            outH = outputs(inH + pt + pb, effH, strides.h());
            outW = outputs(inW + pl + pr, effW, strides.w());
        } else {
            outH = ceilDiv(inH, strides.h());
            outW = ceilDiv(inW, strides.w());
            long padH = Math.max(0, (outH - 1) * strides.h() + effH - inH);
            long padW = Math.max(0, (outW - 1) * strides.w() + effW - inW);
            pt = padH / 2;
            pb = padH - pt;
            pl = padW / 2;
            pr = padW - pl;
        }
        if (outH <= 0 || outW <= 0) {
            throw ctx.error("window " + kH + "x" + kW + " does not fit the " + inH + "x" + inW + " input");
        }
        if (outH > Shape.MAX_ELEMENTS || outW > Shape.MAX_ELEMENTS || Math.max(Math.max(pt, pb), Math.max(pl, pr)) > Shape.MAX_ELEMENTS) {
            throw ctx.error("padding " + java.util.List.of(pt, pb, pl, pr) + " gives an absurd " + outH + "x" + outW + " output");
        }
        return new Window2D(kH, kW, strides.h(), strides.w(), dilations.h(), dilations.w(), (int) pt, (int) pb, (int) pl, (int) pr,
                (int) outH, (int) outW);
    }

    /** Window positions along an axis of {@code padded} cells; 0 when the window does not fit at all. */
    private static long outputs(long padded, long effective, long stride) {
        return padded < effective ? 0 : (padded - effective) / stride + 1;
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    /** Whether no side is padded. */
    public boolean unpadded() {
        return padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0;
    }
}
