package org.microcodegen.ops;

import org.microcodegen.ir.Attributes;

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
        int effH = dil[0] * (kH - 1) + 1;
        int effW = dil[1] * (kW - 1) + 1;
        int pt = 0;
        int pb = 0;
        int pl = 0;
        int pr = 0;
        int outH;
        int outW;
        switch (mode) {
            case "valid" -> {
                outH = ceilDiv(inH - effH + 1, stride[0]);
                outW = ceilDiv(inW - effW + 1, stride[1]);
            }
            case "same" -> {
                outH = ceilDiv(inH, stride[0]);
                outW = ceilDiv(inW, stride[1]);
                int padH = Math.max(0, (outH - 1) * stride[0] + effH - inH);
                int padW = Math.max(0, (outW - 1) * stride[1] + effW - inW);
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
                pt = Math.toIntExact(pads.get(0));
                pb = Math.toIntExact(pads.get(1));
                pl = Math.toIntExact(pads.get(2));
                pr = Math.toIntExact(pads.get(3));
                if (pt < 0 || pb < 0 || pl < 0 || pr < 0) {
                    throw ctx.error("negative padding " + pads);
                }
                outH = (inH + pt + pb - effH) / stride[0] + 1;
                outW = (inW + pl + pr - effW) / stride[1] + 1;
            }
            default -> throw ctx.error("unsupported pad_mode '" + mode + "'");
        }
        if (outH <= 0 || outW <= 0) {
            throw ctx.error("window " + kH + "x" + kW + " does not fit the " + inH + "x" + inW + " input");
        }
        return new Window2D(kH, kW, stride[0], stride[1], dil[0], dil[1], pt, pb, pl, pr, outH, outW);
    }

    /** (h, w) from a 1-, 2- or 4-element (NCHW) attribute. */
    static int[] pair(OpContext ctx, List<Long> values, int fallback, String what) {
        if (values == null || values.isEmpty()) {
            return new int[] {fallback, fallback};
        }
        return switch (values.size()) {
            case 1 -> new int[] {Math.toIntExact(values.get(0)), Math.toIntExact(values.get(0))};
            case 2 -> new int[] {Math.toIntExact(values.get(0)), Math.toIntExact(values.get(1))};
            case 4 -> new int[] {Math.toIntExact(values.get(2)), Math.toIntExact(values.get(3))};
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

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
