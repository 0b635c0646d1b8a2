package org.microcodegen.ops;

import org.microcodegen.ir.Attributes;
import org.microcodegen.ir.Shape;

import java.util.List;
import java.util.Locale;

/**
 * The sliding-window geometry shared by Conv2D and the pooling ops, with MindSpore's padding rules:
 * "valid" pads nothing; "same" gives ceil(in / stride) outputs and splits the padding with the smaller
 * half at the top/left; "pad" takes explicit (top, bottom, left, right) padding.
 */
record Window2D(int kH, int kW, int strideH, int strideW, int dilationH, int dilationW,
                int padTop, int padBottom, int padLeft, int padRight, int outH, int outW) {

    static Window2D of(OpContext ctx, Attributes a, int inH, int inW, int kH, int kW,
                       String strideAttr, String dilationAttr) {
        int[] stride = pair(ctx, a.getLongs(strideAttr), 1, strideAttr);
        int[] dil = dilationAttr == null ? new int[] {1, 1} : pair(ctx, a.getLongs(dilationAttr), 1, dilationAttr);
        String mode;
        if (a.raw("pad_mode") instanceof Long code) {
            // Some exporters store pad_mode as an enum: 0 pad, 1 same, 2 valid.
            mode = switch (code.intValue()) {
                case 0 -> "pad";
                case 1 -> "same";
                case 2 -> "valid";
                default -> throw ctx.error("unknown pad_mode code " + code);
            };
        } else {
            mode = a.getString("pad_mode", "valid").toLowerCase(Locale.ROOT);
        }
        if (stride[0] <= 0 || stride[1] <= 0 || dil[0] <= 0 || dil[1] <= 0 || kH <= 0 || kW <= 0) {
            throw ctx.error("kernel, stride and dilation must be positive");
        }
        // Every operand is at most Shape.MAX_ELEMENTS (2^29), so the long arithmetic below cannot
        // overflow; the results are range-checked before they become ints.
        long effH = (long) dil[0] * (kH - 1) + 1;
        long effW = (long) dil[1] * (kW - 1) + 1;
        long pt = 0;
        long pb = 0;
        long pl = 0;
        long pr = 0;
        long outH;
        long outW;
        switch (mode) {
            case "valid" -> {
                outH = ceilDiv(inH - effH + 1, stride[0]);
                outW = ceilDiv(inW - effW + 1, stride[1]);
            }
            case "same" -> {
                outH = ceilDiv(inH, stride[0]);
                outW = ceilDiv(inW, stride[1]);
                long padH = Math.max(0, (outH - 1) * stride[0] + effH - inH);
                long padW = Math.max(0, (outW - 1) * stride[1] + effW - inW);
                pt = padH / 2;
                pb = padH - pt;
                pl = padW / 2;
                pr = padW - pl;
            }
            case "pad" -> {
                List<Long> pads = a.getLongs(a.firstPresent("pad_list", "pad"));
                if (a.has("pad") && a.getLongs("pad").stream().anyMatch(p -> p != 0)) {
                    pads = a.getLongs("pad");
                }
                if (pads == null) {
                    pads = List.of(0L);
                }
                if (pads.size() == 1) {
                    pads = List.of(pads.get(0), pads.get(0), pads.get(0), pads.get(0));
                }
                if (pads.size() != 4) {
                    throw ctx.error("expects 1 or 4 padding values, found " + pads);
                }
                for (long p : pads) {
                    if (p < 0) {
                        throw ctx.error("negative padding " + pads);
                    }
                }
                pt = bounded(ctx, pads.get(0), "padding");
                pb = bounded(ctx, pads.get(1), "padding");
                pl = bounded(ctx, pads.get(2), "padding");
                pr = bounded(ctx, pads.get(3), "padding");
                outH = Math.floorDiv(inH + pt + pb - effH, stride[0]) + 1;
                outW = Math.floorDiv(inW + pl + pr - effW, stride[1]) + 1;
            }
            default -> throw ctx.error("unsupported pad_mode '" + mode + "'");
        }
        if (outH <= 0 || outW <= 0) {
            throw ctx.error("window " + kH + "x" + kW + " does not fit the " + inH + "x" + inW + " input");
        }
        if (outH > Shape.MAX_ELEMENTS || outW > Shape.MAX_ELEMENTS) {
            throw ctx.error("padding " + List.of(pt, pb, pl, pr) + " gives an absurd " + outH + "x" + outW + " output");
        }
        return new Window2D(kH, kW, stride[0], stride[1], dil[0], dil[1], (int) pt, (int) pb, (int) pl, (int) pr,
                (int) outH, (int) outW);
    }

    /** (h, w) from a 1-, 2- or 4-element (NCHW) attribute. */
    static int[] pair(OpContext ctx, List<Long> values, int fallback, String what) {
        if (values == null || values.isEmpty()) {
            return new int[] {fallback, fallback};
        }
        return switch (values.size()) {
            case 1 -> new int[] {bounded(ctx, values.get(0), what), bounded(ctx, values.get(0), what)};
            case 2 -> new int[] {bounded(ctx, values.get(0), what), bounded(ctx, values.get(1), what)};
            case 4 -> new int[] {bounded(ctx, values.get(2), what), bounded(ctx, values.get(3), what)};
            default -> throw ctx.error("attribute " + what + " has " + values.size() + " values; expected 1, 2 or 4");
        };
    }

    static void requireNchw(OpContext ctx, Attributes a) {
        Object raw = a.raw("format");
        // 2.x passes the format as an enum code: 0 is NCHW, 1 NHWC.
        String format = raw instanceof Long code ? (code == 0 ? "NCHW" : code == 1 ? "NHWC" : "format code " + code)
                : a.getString("format", "NCHW");
        if (!format.equalsIgnoreCase("NCHW")) {
            throw ctx.error("data format " + format + " is not supported (MindSpore exports NCHW)");
        }
    }

    /**
     * A kernel size, stride, dilation or padding as an int, refused when it is beyond any tensor
     * dimension (a hostile model's -2^63 or 2^40 must not wrap around in the arithmetic above).
     * Zero and negative values pass through to the callers' own "must be positive" checks.
     */
    static int bounded(OpContext ctx, long value, String what) {
        if (value < Integer.MIN_VALUE || value > Shape.MAX_ELEMENTS) {
            throw ctx.error(what + " " + value + " is out of range");
        }
        return (int) value;
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
