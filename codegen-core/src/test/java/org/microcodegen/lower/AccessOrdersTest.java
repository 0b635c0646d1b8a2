package org.microcodegen.lower;

import org.junit.jupiter.api.Test;
import org.microcodegen.ops.ParamsStruct;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The declared walks against the kernels' real loops: each loop of runtime-micro's C kernels (the Java
 * kernels walk the same way) is transcribed here as its sequence of element reads and writes, the least
 * safe distance is computed from that sequence exactly (every write below every later read), and the
 * declared rule must never ask for less (it would corrupt an input) and not for much more (it would
 * waste RAM), on random shapes with strides, padding, dilation and depth multipliers.
 */
class AccessOrdersTest {
    private record Geometry(int batch, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW, int sh, int sw,
                            int dh, int dw, int padTop, int padLeft) {
        ParamsStruct conv(int groups) {
            return ParamsStruct.builder().set("batch", batch).set("in_h", inH).set("in_w", inW).set("in_c", inC)
                    .set("out_h", outH).set("out_w", outW).set("out_c", outC).set("k_h", kH).set("k_w", kW)
                    .set("stride_h", sh).set("stride_w", sw).set("dilation_h", dh).set("dilation_w", dw)
                    .set("pad_top", padTop).set("pad_left", padLeft).set("groups", groups).build();
        }

        ParamsStruct pool() {
            return ParamsStruct.builder().set("batch", batch).set("in_h", inH).set("in_w", inW).set("channels", inC)
                    .set("out_h", outH).set("out_w", outW).set("k_h", kH).set("k_w", kW).set("stride_h", sh).set("stride_w", sw)
                    .set("pad_top", padTop).set("pad_left", padLeft).build();
        }
    }

    /** A kernel's accesses in order: {+1 + element} for a read of the input, {-1 - element} for a write of the output. */
    private static final class Trace {
        final List<Long> events = new ArrayList<>();

        void read(long element) {
            events.add(element + 1);
        }

        void write(long element) {
            events.add(-1 - element);
        }

        /** The least distance with every write's last byte below every later read's first byte. */
        long leastSafeDistance(long inBytes, long outBytes) {
            long lowestLater = Long.MAX_VALUE;
            long d = 0;
            for (int i = events.size() - 1; i >= 0; i--) {
                long e = events.get(i);
                if (e > 0) {
                    lowestLater = Math.min(lowestLater, (e - 1) * inBytes);
                } else if (lowestLater != Long.MAX_VALUE) {
                    d = Math.max(d, (-e - 1 + 1) * outBytes - lowestLater);
                }
            }
            return d;
        }
    }

    /** The valid taps [first, end) of a window starting at origin, as valid_taps in mc_conv2d_nhwc.c. */
    private static int[] taps(int origin, int k, int dilation, int size) {
        int first = origin < 0 ? (-origin + dilation - 1) / dilation : 0;
        int end = k;
        if (origin + (k - 1) * dilation >= size) {
            end = size - 1 - origin < 0 ? 0 : (size - 1 - origin) / dilation + 1;
        }
        first = Math.min(first, k);
        return new int[] {first, Math.max(end, first)};
    }

    /** mc_conv2d_nhwc_* (depthwise = false) and the general mc_depthwise_conv2d_nhwc_* loop, or its 8-channel blocks. */
    private static Trace nhwcConv(Geometry g, boolean depthwise, int block) {
        Trace t = new Trace();
        int mult = depthwise ? g.outC / g.inC : 1;
        for (int b = 0; b < g.batch; b++) {
            for (int oh = 0; oh < g.outH; oh++) {
                for (int ow = 0; ow < g.outW; ow++) {
                    int ih0 = oh * g.sh - g.padTop, iw0 = ow * g.sw - g.padLeft;
                    int[] rows = taps(ih0, g.kH, g.dh, g.inH), cols = taps(iw0, g.kW, g.dw, g.inW);
                    for (int oc = 0; oc < g.outC; oc += block) {
                        int n = Math.min(block, g.outC - oc);
                        for (int j = 0; j < n; j++) {
                            for (int r = rows[0]; r < rows[1]; r++) {
                                for (int c = cols[0]; c < cols[1]; c++) {
                                    long pixel = ((long) (b * g.inH + ih0 + r * g.dh) * g.inW + iw0 + c * g.dw) * g.inC;
                                    if (depthwise) {
                                        t.read(pixel + (oc + j) / mult);
                                    } else {
                                        for (int ic = 0; ic < g.inC; ic++) {
                                            t.read(pixel + ic);
                                        }
                                    }
                                }
                            }
                        }
                        for (int j = 0; j < n; j++) {
                            t.write(((long) (b * g.outH + oh) * g.outW + ow) * g.outC + oc + j);
                        }
                    }
                }
            }
        }
        return t;
    }

    /**
     * mc_conv_simd's mc_conv2d_s8_simd and mc_conv2d_1x1_s8_simd: output pixels two at a time (the last
     * one alone), every tap of both gathered and widened into the lane buffer, then both pixels' outputs
     * written (a pixel pair may span rows and images).
     */
    private static Trace nhwcConvPixelPairs(Geometry g) {
        Trace t = new Trace();
        long pixels = (long) g.batch * g.outH * g.outW;
        for (long px = 0; px < pixels; px += 2) {
            long n = Math.min(2, pixels - px);
            for (long q = px; q < px + n; q++) {
                int b = (int) (q / ((long) g.outH * g.outW)), oh = (int) (q / g.outW % g.outH), ow = (int) (q % g.outW);
                int ih0 = oh * g.sh - g.padTop, iw0 = ow * g.sw - g.padLeft;
                int[] rows = taps(ih0, g.kH, g.dh, g.inH), cols = taps(iw0, g.kW, g.dw, g.inW);
                for (int r = rows[0]; r < rows[1]; r++) {
                    for (int c = cols[0]; c < cols[1]; c++) {
                        long pixel = ((long) (b * g.inH + ih0 + r * g.dh) * g.inW + iw0 + c * g.dw) * g.inC;
                        for (int ic = 0; ic < g.inC; ic++) {
                            t.read(pixel + ic);
                        }
                    }
                }
            }
            for (long q = px; q < px + n; q++) {
                for (int oc = 0; oc < g.outC; oc++) {
                    t.write(q * g.outC + oc);
                }
            }
        }
        return t;
    }

    /** mc_*pool2d_nhwc_*: per pixel, per channel, the window's cells. */
    private static Trace nhwcPool(Geometry g) {
        Trace t = new Trace();
        for (int b = 0; b < g.batch; b++) {
            for (int oh = 0; oh < g.outH; oh++) {
                for (int ow = 0; ow < g.outW; ow++) {
                    int ih0 = oh * g.sh - g.padTop, iw0 = ow * g.sw - g.padLeft;
                    int[] rows = taps(ih0, g.kH, 1, g.inH), cols = taps(iw0, g.kW, 1, g.inW);
                    for (int c = 0; c < g.inC; c++) {
                        for (int r = rows[0]; r < rows[1]; r++) {
                            for (int k = cols[0]; k < cols[1]; k++) {
                                t.read(((long) (b * g.inH + ih0 + r) * g.inW + iw0 + k) * g.inC + c);
                            }
                        }
                        t.write(((long) (b * g.outH + oh) * g.outW + ow) * g.inC + c);
                    }
                }
            }
        }
        return t;
    }

    /**
     * The NCHW depthwise and pooling kernels, one output row per step, in the worst order a row can take
     * (mc_conv2d.c writes a row's interior before its borders, and the Java kernel the bias first): the
     * whole row written before any of its reads.
     */
    private static Trace nchwRowsWorstCase(Geometry g, int planesPerOutput) {
        Trace t = new Trace();
        for (int b = 0; b < g.batch; b++) {
            for (int oc = 0; oc < g.outC; oc++) {
                int plane = b * g.inC + oc / planesPerOutput;
                for (int oh = 0; oh < g.outH; oh++) {
                    for (int ow = 0; ow < g.outW; ow++) {
                        t.write(((long) (b * g.outC + oc) * g.outH + oh) * g.outW + ow);
                    }
                    int ih0 = oh * g.sh - g.padTop;
                    int[] rows = taps(ih0, g.kH, g.dh, g.inH);
                    for (int ow = 0; ow < g.outW; ow++) {
                        int iw0 = ow * g.sw - g.padLeft;
                        int[] cols = taps(iw0, g.kW, g.dw, g.inW);
                        for (int r = rows[0]; r < rows[1]; r++) {
                            for (int c = cols[0]; c < cols[1]; c++) {
                                t.read(((long) plane * g.inH + ih0 + r * g.dh) * g.inW + iw0 + c * g.dw);
                            }
                        }
                    }
                }
            }
        }
        return t;
    }

    private static Geometry random(Random rnd, boolean depthwise, boolean pool) {
        int k = 1 + rnd.nextInt(4), s = 1 + rnd.nextInt(3), dil = pool ? 1 : 1 + rnd.nextInt(2);
        int inH = 1 + rnd.nextInt(9), inW = 1 + rnd.nextInt(9), inC = 1 + rnd.nextInt(pool || depthwise ? 12 : 5);
        int pad = rnd.nextInt(k);
        int span = (k - 1) * dil + 1;
        int outH = Math.max(1, (inH + 2 * pad - span) / s + 1), outW = Math.max(1, (inW + 2 * pad - span) / s + 1);
        int outC = pool ? inC : depthwise ? inC * (1 + rnd.nextInt(2)) : 1 + rnd.nextInt(20);
        return new Geometry(1 + rnd.nextInt(2), inH, inW, inC, outH, outW, outC, k, k, s, s, dil, dil, pad, pad);
    }

    /**
     * Safe always; tight (within {@code slack}) without dilation. With dilation a window can miss the
     * input altogether and read nothing, where the rule still assumes a read at its first row and column.
     */
    private static void check(String what, long declared, long exact, long slack) {
        assertTrue(declared >= exact, what + ": declared " + declared + " B, but the loop overwrites unread input below " + exact + " B");
        assertTrue(what.contains("dh=2") || declared <= exact + slack, what + ": declared " + declared + " B, " + (declared - exact) + " B more than the loop needs");
    }

    @Test
    void nhwcWalksAreSafeAndTightOnRandomShapes() {
        Random rnd = new Random(11);
        for (int i = 0; i < 400; i++) {
            for (int bytes : new int[] {1, 2, 4}) {
                Geometry g = random(rnd, false, false);
                long slack = (long) (g.outC + g.inC) * bytes;
                check("conv " + g, AccessOrders.nhwcPixels(g.conv(1), bytes, bytes).getAsLong(),
                        nhwcConv(g, false, 1).leastSafeDistance(bytes, bytes), slack);
                Geometry d = random(rnd, true, false);
                long declared = AccessOrders.nhwcPixels(d.conv(d.inC), bytes, bytes).getAsLong();
                slack = (long) (d.outC + d.inC) * bytes;
                check("depthwise " + d, declared, nhwcConv(d, true, 1).leastSafeDistance(bytes, bytes), slack);
                if (d.outC == d.inC) {
                    check("depthwise blocks " + d, declared, nhwcConv(d, true, 8).leastSafeDistance(bytes, bytes), slack);
                }
                Geometry p = random(rnd, false, true);
                check("pool " + p, AccessOrders.nhwcPixels(p.pool(), bytes, bytes).getAsLong(),
                        nhwcPool(p).leastSafeDistance(bytes, bytes), 2L * p.inC * bytes);
            }
        }
    }

    @Test
    void pixelPairWalksOfTheSimdConvolutionsAreSafeAndTight() {
        Random rnd = new Random(13);
        for (int i = 0; i < 400; i++) {
            Geometry g = random(rnd, false, false);
            long declared = AccessOrders.nhwcPixels(g.conv(1), 1, 1, 2).getAsLong();
            check("simd conv " + g, declared, nhwcConvPixelPairs(g).leastSafeDistance(1, 1), 2L * (g.outC + g.inC));
        }
        // person_detect's widest layer on the 1x1 SIMD kernel: the loop needs 18,416 B, the rule asks 18,448
        // (a step's reads counted from its first pixel), 8 B more than for the reference kernel's single pixels
        Geometry pw = new Geometry(1, 48, 48, 8, 48, 48, 16, 1, 1, 1, 1, 1, 1, 0, 0);
        assertEquals(18_416, nhwcConvPixelPairs(pw).leastSafeDistance(1, 1));
        assertEquals(18_448, AccessOrders.nhwcPixels(pw.conv(1), 1, 1, 2).getAsLong());
    }

    @Test
    void nchwRowWalksAreSafeAndTightOnRandomShapes() {
        Random rnd = new Random(12);
        for (int i = 0; i < 400; i++) {
            Geometry d = random(rnd, true, false);
            long row = (long) d.inW * 4;
            check("nchw depthwise " + d, AccessOrders.nchwRows(d.conv(d.inC), 4, 4).getAsLong(),
                    nchwRowsWorstCase(d, d.outC / d.inC).leastSafeDistance(4, 4), row);
            Geometry p = random(rnd, false, true);
            check("nchw pool " + p, AccessOrders.nchwRows(p.pool(), 4, 4).getAsLong(),
                    nchwRowsWorstCase(p, 1).leastSafeDistance(4, 4), (long) p.inW * 4);
        }
    }

    @Test
    void personDetectsWidestLayer() {
        Geometry pw = new Geometry(1, 48, 48, 8, 48, 48, 16, 1, 1, 1, 1, 1, 1, 0, 0);
        assertEquals(18_440, AccessOrders.nhwcPixels(pw.conv(1), 1, 1).getAsLong());
        assertEquals(18_439, nhwcConv(pw, false, 1).leastSafeDistance(1, 1), "the loop itself: one byte less");
        // a 3x3 stride-1 depthwise, padding 1: one input row and two pixels
        Geometry dw = new Geometry(1, 48, 48, 8, 48, 48, 8, 3, 3, 1, 1, 1, 1, 1, 1);
        assertEquals((48 + 2) * 8, AccessOrders.nhwcPixels(dw.conv(8), 1, 1).getAsLong());
    }
}
