package org.microcodegen.lower;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ops.ParamsStruct;

import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;

/**
 * The order in which kernels read their input and write their output, declared per kernel, so that
 * the memory planner may place a layer's output over the input it reads for the last time.
 *
 * <p>The rule. A kernel declares its walk as a sequence of steps s = 0, 1, ...: step s writes only
 * output bytes below {@code outEnd(s)} (bytes from the output's start) and reads only input bytes at
 * or above {@code lowestRead(s)}, in any order inside the step (reads and writes may interleave). If
 * the output starts {@code d} bytes below the input, a write of step s can only destroy input bytes
 * still to be read if {@code outEnd(s) > d + lowestRead(s')} for some {@code s' >= s}. So the
 * overlap is safe exactly when {@code d >= max over s of (outEnd(s) - min over s' >= s of
 * lowestRead(s'))}, which {@link #minDistance} computes for the node's own shapes at compile time
 * (one pass over the steps, backwards). The bound is conservative: a step's lowest read is its
 * first window row and column, channel 0, even where the kernel starts later (padding, channel
 * blocks). Example: person_detect's 1x1 conv 48x48x8 -> 48x48x16 (steps = pixels, 16 bytes out,
 * 8 in) gives d = 16 (p + 1) - 8 p at the last pixel = 18,440 B: the output (36,864 B) starts
 * 18,440 B below its input, which ends 8 B past the output's end, 36,872 B for both instead of
 * 55,296 B.
 *
 * <p>A kernel not in {@link #DECLARED} never overlaps (the planner keeps today's disjoint buffers):
 * declare a kernel only after reading its loops, and only if it has no {@code restrict} on its input
 * and output (the compiler would then be free to reorder the accesses). Adding a kernel is one line
 * below, keyed by "module.function" as the kernel registry names it.
 */
public final class AccessOrders {

    /** A kernel's walk over one node: the least distance, or empty when the kernel declares none for these shapes. */
    @FunctionalInterface
    interface Walk {
        OptionalLong minDistance(ParamsStruct p, long inElementBytes, long outElementBytes);
    }

    /**
     * One pixel (all its channels) per step in NHWC order, reading the window's rows in order: TFLite's
     * reference loops (conv, depthwise with or without the 8-channel blocks, pooling), C and Java.
     */
    private static final Walk NHWC_PIXELS = (p, in, out) -> nhwcPixels(p, in, out, 1);
    /**
     * Two output pixels per step in NHWC order, every input value of both read (widened into the
     * kernel's lane buffer) before either pixel's outputs are written: the SMLAD convolutions of
     * mc_conv_simd (1x1 and general).
     */
    private static final Walk NHWC_PIXEL_PAIRS = (p, in, out) -> nhwcPixels(p, in, out, 2);
    /** One output row of one plane per step in NCHW order, reading its group's planes: depthwise conv, pooling. */
    private static final Walk NCHW_ROWS = AccessOrders::nchwRows;

    /** Keyed by "module.function". Each entry was checked against the kernel's loops. */
    private static final Map<String, Walk> DECLARED = Map.ofEntries(
            // C, runtime-micro/c/src/mc_conv2d_nhwc.c: per output pixel, per output channel (blocks of 8 in depthwise)
            Map.entry("mc_conv2d_nhwc.mc_conv2d_nhwc_s8", NHWC_PIXELS),
            Map.entry("mc_conv2d_nhwc.mc_conv2d_nhwc_s16", NHWC_PIXELS),
            Map.entry("mc_conv2d_nhwc.mc_conv2d_nhwc_f32", NHWC_PIXELS),
            Map.entry("mc_conv2d_nhwc.mc_depthwise_conv2d_nhwc_s8", NHWC_PIXELS),
            Map.entry("mc_conv2d_nhwc.mc_depthwise_conv2d_nhwc_s16", NHWC_PIXELS),
            Map.entry("mc_conv2d_nhwc.mc_depthwise_conv2d_nhwc_f32", NHWC_PIXELS),
            // C, mc_pool2d_nhwc.c: per output pixel, per channel
            Map.entry("mc_pool2d_nhwc.mc_avgpool2d_nhwc_s8", NHWC_PIXELS),
            Map.entry("mc_pool2d_nhwc.mc_avgpool2d_nhwc_s16", NHWC_PIXELS),
            Map.entry("mc_pool2d_nhwc.mc_avgpool2d_nhwc_f32", NHWC_PIXELS),
            Map.entry("mc_pool2d_nhwc.mc_maxpool2d_nhwc_s8", NHWC_PIXELS),
            Map.entry("mc_pool2d_nhwc.mc_maxpool2d_nhwc_s16", NHWC_PIXELS),
            Map.entry("mc_pool2d_nhwc.mc_maxpool2d_nhwc_f32", NHWC_PIXELS),
            // C, mc_conv_simd.c: pixel pairs (the depthwise kernels of mc_qdepthwise walk each block of
            // four channels over the whole plane, so they declare nothing and never overlap)
            Map.entry("mc_conv_simd.mc_conv2d_1x1_s8_simd", NHWC_PIXEL_PAIRS),
            Map.entry("mc_conv_simd.mc_conv2d_s8_simd", NHWC_PIXEL_PAIRS),
            // C, mc_conv2d.c: depthwise entries (one plane per output channel, row by row; not the paired
            // output channels of the other conv entries, nor the restrict-qualified compact kernel)
            Map.entry("mc_conv2d.mc_conv2d_depthwise_f32", NCHW_ROWS),
            Map.entry("mc_conv2d.mc_conv2d_depthwise_k5s1_f32", NCHW_ROWS),
            Map.entry("mc_conv2d.mc_conv2d_depthwise_k3s1_f32", NCHW_ROWS),
            Map.entry("mc_conv2d.mc_conv2d_depthwise_k3s2_f32", NCHW_ROWS),
            Map.entry("mc_conv2d.mc_conv2d_depthwise_3x3s1_f32", NCHW_ROWS),
            Map.entry("mc_conv2d.mc_conv2d_depthwise_3x3s2_f32", NCHW_ROWS),
            // C, mc_pool2d.c: plane by plane, row by row (not the restrict-qualified compact entries)
            Map.entry("mc_pool2d.mc_maxpool2d_f32", NCHW_ROWS),
            Map.entry("mc_pool2d.mc_maxpool2d_k2_f32", NCHW_ROWS),
            Map.entry("mc_pool2d.mc_maxpool2d_k3_f32", NCHW_ROWS),
            Map.entry("mc_pool2d.mc_avgpool2d_f32", NCHW_ROWS),
            Map.entry("mc_pool2d.mc_avgpool2d_k2_f32", NCHW_ROWS),
            Map.entry("mc_pool2d.mc_avgpool2d_k3_f32", NCHW_ROWS),
            // Java, org.microcodegen.runtime: the same walks (one array per element type, so only
            // tensors of one dtype ever share memory)
            Map.entry("Conv2DNhwc.conv2dS8", NHWC_PIXELS),
            Map.entry("Conv2DNhwc.conv2dS16", NHWC_PIXELS),
            Map.entry("Conv2DNhwc.conv2dF32", NHWC_PIXELS),
            Map.entry("Conv2DNhwc.depthwiseConv2dS8", NHWC_PIXELS),
            Map.entry("Conv2DNhwc.depthwiseConv2dS16", NHWC_PIXELS),
            Map.entry("Conv2DNhwc.depthwiseConv2dF32", NHWC_PIXELS),
            Map.entry("Pool2DNhwc.avgpool2d", NHWC_PIXELS),
            Map.entry("Pool2DNhwc.maxpool2d", NHWC_PIXELS),
            // Conv2D.conv2d: per (image, output channel, output row), bias first, then every input plane of the group
            Map.entry("Conv2D.conv2d", NCHW_ROWS),
            Map.entry("Pool2D.maxpool2d", NCHW_ROWS),
            Map.entry("Pool2D.avgpool2d", NCHW_ROWS));

    private AccessOrders() {
    }

    /** Whether the kernel declares an access order (else its output never overlaps an input). */
    public static boolean declares(Kernel k) {
        return DECLARED.containsKey(key(k));
    }

    /**
     * How many bytes below the start of input {@code input} of {@code n} the node's output must start
     * for its kernel to read every input byte before overwriting it; empty when they must not share memory.
     */
    public static OptionalLong minDistance(Graph g, Node n, Lowering l, int input) {
        if (l.isView() || input != 0 || n.outputs().size() != 1) {
            return OptionalLong.empty(); // every declared kernel reads its data from input 0
        }
        Walk walk = DECLARED.get(key(l.call().kernel()));
        if (walk == null || l.call().params() == null) {
            return OptionalLong.empty();
        }
        return walk.minDistance(l.call().params(), g.type(n.input(0)).dtype().byteSize(), g.type(n.output()).dtype().byteSize());
    }

    private static String key(Kernel k) {
        return k.module() + "." + k.function();
    }

    /**
     * The rule of the class comment: {@code max(0, max over s of outEnd(s) - min over s' >= s of lowestRead(s'))},
     * for steps {@code 0 .. steps-1}.
     */
    static long minDistance(long steps, LongUnaryOperator outEnd, LongUnaryOperator lowestRead) {
        long lowestLater = Long.MAX_VALUE;
        long distance = 0;
        for (long s = steps - 1; s >= 0; s--) {
            lowestLater = Math.min(lowestLater, lowestRead.applyAsLong(s));
            distance = Math.max(distance, outEnd.applyAsLong(s) - lowestLater);
        }
        return distance;
    }

    /** The first input row or column a window starting at {@code origin} can read, inside [0, size). */
    private static long firstInside(long origin, long size) {
        return Math.max(0, Math.min(origin, size - 1));
    }

    static OptionalLong nhwcPixels(ParamsStruct p, long inBytes, long outBytes) {
        return nhwcPixels(p, inBytes, outBytes, 1);
    }

    /** {@code perStep} consecutive output pixels (of the flattened batch x rows x columns) per step. */
    static OptionalLong nhwcPixels(ParamsStruct p, long inBytes, long outBytes, long perStep) {
        Map<String, Long> f = fields(p);
        boolean pool = f.containsKey("channels");
        Long[] v = values(f, "batch", "in_h", "in_w", pool ? "channels" : "in_c", "out_h", "out_w", pool ? "channels" : "out_c",
                "stride_h", "stride_w", "pad_top", "pad_left");
        if (v == null) {
            return OptionalLong.empty();
        }
        long inH = v[1], inW = v[2], inC = v[3], outH = v[4], outW = v[5], outC = v[6];
        long sh = v[7], sw = v[8], padTop = v[9], padLeft = v[10];
        long pixels = outH * outW;
        long total = v[0] * pixels;
        return OptionalLong.of(minDistance((total + perStep - 1) / perStep,
                s -> Math.min((s + 1) * perStep, total) * outC * outBytes,
                s -> {
                    // the step's first pixel reads lowest: windows only move forward
                    long q = s * perStep;
                    long b = q / pixels, oh = q % pixels / outW, ow = q % outW;
                    long row = firstInside(oh * sh - padTop, inH);
                    long col = firstInside(ow * sw - padLeft, inW);
                    return ((b * inH + row) * inW + col) * inC * inBytes;
                }));
    }

    static OptionalLong nchwRows(ParamsStruct p, long inBytes, long outBytes) {
        Map<String, Long> f = fields(p);
        boolean pool = f.containsKey("channels");
        Long[] v = values(f, "batch", "in_h", "in_w", pool ? "channels" : "in_c", "out_h", "out_w", pool ? "channels" : "out_c",
                "stride_h", "pad_top");
        if (v == null) {
            return OptionalLong.empty();
        }
        long inH = v[1], inW = v[2], inC = v[3], outH = v[4], outW = v[5], outC = v[6], sh = v[7], padTop = v[8];
        long groups = pool ? inC : f.getOrDefault("groups", -1L);
        if (groups <= 0 || inC % groups != 0 || outC % groups != 0) {
            return OptionalLong.empty();
        }
        long inPerGroup = inC / groups, outPerGroup = outC / groups;
        long planeRows = outC * outH;
        return OptionalLong.of(minDistance(v[0] * planeRows,
                s -> (s + 1) * outW * outBytes,
                s -> {
                    long b = s / planeRows, oc = s % planeRows / outH, oh = s % outH;
                    long plane = b * inC + oc / outPerGroup * inPerGroup;
                    return (plane * inH + firstInside(oh * sh - padTop, inH)) * inW * inBytes;
                }));
    }

    private static Map<String, Long> fields(ParamsStruct p) {
        Map<String, Long> f = new java.util.HashMap<>();
        for (ParamsStruct.Field field : p.fields()) {
            if (field.value() instanceof Long value) {
                f.put(field.name(), value);
            }
        }
        return f;
    }

    /** The named integer fields, or null if one is missing (then the kernel declares nothing for this node). */
    private static Long[] values(Map<String, Long> f, String... names) {
        Long[] v = new Long[names.length];
        for (int i = 0; i < names.length; i++) {
            v[i] = f.get(names[i]);
            if (v[i] == null) {
                return null;
            }
        }
        return v;
    }
}
