package org.microcodegen.frontend.mindir;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.ValueException;
import org.microcodegen.ops.AdaptiveAvgPool2D;
import org.microcodegen.ops.BatchNorm;
import org.microcodegen.ops.BiasAdd;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.Concat;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.ExpandDims;
import org.microcodegen.ops.Flatten;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Pad;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.ReduceMean;
import org.microcodegen.ops.Refused;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Softmax;
import org.microcodegen.ops.Squeeze;
import org.microcodegen.ops.StridedSlice;
import org.microcodegen.ops.Transpose;
import org.microcodegen.ops.Unary;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * MindIR primitives to canonical ops: every MindSpore attribute spelling and quirk (pad_mode as a
 * string or an enum code, "group" or "groups", 1-, 2- or 4-element strides, transpose_a or the older
 * transpose_x1, the NCHW "format" check, ...) is read here and nowhere else.
 *
 * <p>A primitive this table does not know, or whose attributes ask for something the compiler does
 * not do, becomes a {@link Refused} op carrying the one-line error: it is raised only if the node is
 * still in the graph after dead-code elimination.
 */
final class MindIrOps {
    /** What one primitive translates to, from its attributes and its number of data inputs. */
    @FunctionalInterface
    private interface Translation {
        Op translate(MindIrAttributes a, int inputs, Errors errors);
    }

    /** Errors name the primitive, the node and the file, like every other message about a node. */
    private record Errors(String prefix) {
        CompileException error(String message) {
            return new CompileException(prefix + ": " + message);
        }
    }

    private static final Map<String, Translation> TABLE = Map.ofEntries(
            Map.entry("Conv2D", MindIrOps::conv2d),
            Map.entry("MaxPool", (a, n, e) -> pool(Pool2D.Kind.MAX, a, e)),
            Map.entry("AvgPool", (a, n, e) -> pool(Pool2D.Kind.AVERAGE, a, e)),
            Map.entry("AdaptiveAvgPool2D", MindIrOps::adaptivePool),
            Map.entry("MatMul", (a, n, e) -> new MatMul(flag(a, "transpose_a", "transpose_x1"), flag(a, "transpose_b", "transpose_x2"))),
            Map.entry("ReLU", unary(Unary.Function.RELU)),
            Map.entry("ReLU6", unary(Unary.Function.RELU6)),
            Map.entry("Sigmoid", unary(Unary.Function.SIGMOID)),
            Map.entry("Tanh", unary(Unary.Function.TANH)),
            Map.entry("HSwish", unary(Unary.Function.HARD_SWISH)),
            Map.entry("HSigmoid", unary(Unary.Function.HARD_SIGMOID)),
            Map.entry("Abs", unary(Unary.Function.ABS)),
            Map.entry("LeakyReLU", (a, n, e) -> new Unary(Unary.Function.LEAKY_RELU, (float) a.getDouble("alpha", 0.2))),
            Map.entry("Add", binary(Binary.Function.ADD)),
            Map.entry("Sub", binary(Binary.Function.SUB)),
            Map.entry("Mul", binary(Binary.Function.MUL)),
            Map.entry("Div", binary(Binary.Function.DIV)),
            Map.entry("RealDiv", binary(Binary.Function.DIV)),
            Map.entry("Maximum", binary(Binary.Function.MAXIMUM)),
            Map.entry("Minimum", binary(Binary.Function.MINIMUM)),
            // MindSpore 2.x exports x * 2.0 and x / 4.0 as Muls/Divs with a scalar Constant operand.
            Map.entry("Muls", binary(Binary.Function.MUL)),
            Map.entry("Divs", binary(Binary.Function.DIV)),
            Map.entry("Adds", binary(Binary.Function.ADD)),
            Map.entry("Subs", binary(Binary.Function.SUB)),
            Map.entry("BiasAdd", (a, n, e) -> {
                requireNchw(a, e);
                return new BiasAdd();
            }),
            Map.entry("Softmax", MindIrOps::softmax),
            Map.entry("BatchNorm", MindIrOps::batchNorm),
            Map.entry("Concat", (a, n, e) -> new Concat(a.getLong("axis", 0))),
            Map.entry("Pad", (a, n, e) -> new Pad(orEmpty(a.getLongs("paddings")), false, true)),
            Map.entry("PadV3", MindIrOps::padV3),
            Map.entry("ReduceMean", (a, n, e) -> new ReduceMean(n >= 2 ? null : orEmpty(a.getLongs("axis")), a.getBool("keep_dims", false))),
            Map.entry("StridedSlice", MindIrOps::stridedSlice),
            Map.entry("Transpose", (a, n, e) -> new Transpose()),
            Map.entry("Reshape", (a, n, e) -> new Reshape()),
            Map.entry("Flatten", (a, n, e) -> new Flatten(a.has("start_dim") ? a.getLong("start_dim", 1) : null, a.getLong("end_dim", -1))),
            Map.entry("Squeeze", (a, n, e) -> new Squeeze(a.getLongs("axis"))),
            Map.entry("ExpandDims", (a, n, e) -> new ExpandDims()));

    private MindIrOps() {
    }

    /** Every primitive name the MindIR frontend reads, sorted: for `micro-codegen ops` and the README. */
    static List<String> supportedNames() {
        return List.copyOf(new TreeSet<>(TABLE.keySet()));
    }

    /** The canonical op for primitive {@code opType} with attributes {@code a} and {@code inputs} data inputs. */
    static Op translate(String opType, MindIrAttributes a, int inputs, String scope, String file) {
        Translation t = TABLE.get(opType);
        if (t == null) {
            return new Refused("unsupported op " + opType + " at node " + scope + (file == null ? "" : " in " + file), true);
        }
        try {
            return t.translate(a, inputs, new Errors(opType + " at node " + scope + (file == null ? "" : " in " + file)));
        } catch (CompileException | ArithmeticException e) {
            // An attribute helper's ValueException and an arithmetic overflow do not know the node: add it.
            boolean placed = e instanceof CompileException && !(e instanceof ValueException);
            return new Refused(placed ? e.getMessage()
                    : opType + " at node " + scope + (file == null ? "" : " in " + file) + ": " + e.getMessage(), false);
        }
    }

    private static Translation unary(Unary.Function f) {
        return (a, n, e) -> new Unary(f);
    }

    private static Translation binary(Binary.Function f) {
        return (a, n, e) -> new Binary(f);
    }

    private static List<Long> orEmpty(List<Long> values) {
        return values == null ? List.of() : values;
    }

    private static boolean flag(MindIrAttributes a, String name, String oldName) {
        return a.getBool(name, false) || a.getBool(oldName, false);
    }

    private static Op conv2d(MindIrAttributes a, int inputs, Errors e) {
        requireNchw(a, e);
        String group = a.firstPresent("group", "groups");
        int groups = bounded(e, a.getLong(group == null ? "group" : group, 1), "group");
        int outChannels = a.has("out_channel") ? bounded(e, a.getLong("out_channel", 0), "out_channel") : 0;
        Pair kernel = a.has("kernel_size") ? pair(e, a.getLongs("kernel_size"), "kernel_size") : null;
        Conv2D.Declared declared = outChannels == 0 && kernel == null ? null : new Conv2D.Declared(outChannels, kernel);
        return new Conv2D(pair(e, a.getLongs("stride"), "stride"), pair(e, a.getLongs("dilation"), "dilation"), padding(a, e),
                groups, declared);
    }

    private static Op pool(Pool2D.Kind kind, MindIrAttributes a, Errors e) {
        requireNchw(a, e);
        if (a.getBool("ceil_mode", false)) {
            throw e.error("ceil_mode is not supported");
        }
        Pair window = pair(e, a.getLongs(a.firstPresent("kernel_size", "ksize")), "kernel_size");
        String stride = a.firstPresent("strides", "stride");
        Pair strides = pair(e, a.getLongs(stride == null ? "strides" : stride), stride == null ? "strides" : stride);
        // MindSpore's AvgPool divides by the cells inside the input ("same" padding excluded) unless
        // count_include_pad says otherwise; padding only exists in "same"/"pad" modes.
        return new Pool2D(kind, window, strides, padding(a, e), a.getBool("count_include_pad", false));
    }

    private static Op adaptivePool(MindIrAttributes a, int inputs, Errors e) {
        requireNchw(a, e);
        List<Long> size = a.getLongs("output_size");
        if (size == null || size.isEmpty()) {
            throw e.error("has no output_size");
        }
        return new AdaptiveAvgPool2D(size.get(0), size.size() > 1 ? size.get(1) : size.get(0));
    }

    private static Op softmax(MindIrAttributes a, int inputs, Errors e) {
        List<Long> axes = a.getLongs("axis");
        if (axes != null && axes.size() > 1) {
            throw e.error("softmax over several axes " + axes + " is not supported");
        }
        return new Softmax(axes == null || axes.isEmpty() ? -1 : axes.get(0));
    }

    private static Op batchNorm(MindIrAttributes a, int inputs, Errors e) {
        requireNchw(a, e);
        if (a.getBool("is_training", false)) {
            throw e.error("training-mode BatchNorm cannot run on a device; export the network with set_train(False)");
        }
        return new BatchNorm((float) a.getDouble("epsilon", 1e-5));
    }

    /** PadV3 takes its paddings as input 1 in PyTorch's order: (before, after) pairs from the last axis. */
    private static Op padV3(MindIrAttributes a, int inputs, Errors e) {
        String mode = a.getString("mode", "constant").toLowerCase(Locale.ROOT);
        if (!mode.equals("constant")) {
            throw e.error("pad mode '" + mode + "' is not supported (constant only)");
        }
        return new Pad(null, true, a.getBool("paddings_contiguous", true));
    }

    private static Op stridedSlice(MindIrAttributes a, int inputs, Errors e) {
        if (a.getLong("ellipsis_mask", 0) != 0 || a.getLong("new_axis_mask", 0) != 0) {
            throw e.error("ellipsis_mask and new_axis_mask are not supported");
        }
        return new StridedSlice(a.getLong("begin_mask", 0), a.getLong("end_mask", 0), a.getLong("shrink_axis_mask", 0));
    }

    /**
     * MindSpore's padding: pad_mode "valid" pads nothing; "same" gives ceil(in / stride) outputs;
     * "pad" takes explicit (top, bottom, left, right) padding from pad_list or pad. Some exporters
     * store pad_mode as an enum: 0 pad, 1 same, 2 valid.
     */
    private static Padding padding(MindIrAttributes a, Errors e) {
        String mode;
        if (a.raw("pad_mode") instanceof Long code) {
            mode = switch (code.intValue()) {
                case 0 -> "pad";
                case 1 -> "same";
                case 2 -> "valid";
                default -> throw e.error("unknown pad_mode code " + code);
            };
        } else {
            mode = a.getString("pad_mode", "valid").toLowerCase(Locale.ROOT);
        }
        return switch (mode) {
            case "valid" -> Padding.none();
            case "same" -> new Padding.Same();
            case "pad" -> explicitPadding(a, e);
            default -> throw e.error("unsupported pad_mode '" + mode + "'");
        };
    }

    private static Padding explicitPadding(MindIrAttributes a, Errors e) {
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
            throw e.error("expects 1 or 4 padding values, found " + pads);
        }
        if (pads.stream().anyMatch(p -> p < 0)) {
            throw e.error("negative padding " + pads);
        }
        return new Padding.Explicit(bounded(e, pads.get(0), "padding"), bounded(e, pads.get(1), "padding"),
                bounded(e, pads.get(2), "padding"), bounded(e, pads.get(3), "padding"));
    }

    /** (h, w) from a 1-, 2- or 4-element (NCHW) attribute, 1 when absent. */
    private static Pair pair(Errors e, List<Long> values, String what) {
        if (values == null || values.isEmpty()) {
            return Pair.of(1);
        }
        return switch (values.size()) {
            case 1 -> Pair.of(bounded(e, values.get(0), what));
            case 2 -> new Pair(bounded(e, values.get(0), what), bounded(e, values.get(1), what));
            case 4 -> new Pair(bounded(e, values.get(2), what), bounded(e, values.get(3), what));
            default -> throw e.error("attribute " + what + " has " + values.size() + " values; expected 1, 2 or 4");
        };
    }

    /**
     * A kernel size, stride, dilation, padding or group count as an int, refused when it is beyond any
     * tensor dimension (a hostile model's -2^63 or 2^40 must not wrap around in later arithmetic).
     * Zero and negative values pass through to the op's own "must be positive" checks.
     */
    private static int bounded(Errors e, long value, String what) {
        if (value < Integer.MIN_VALUE || value > Shape.MAX_ELEMENTS) {
            throw e.error(what + " " + value + " is out of range");
        }
        return (int) value;
    }

    /** 2.x passes the format as an enum code: 0 is NCHW, 1 NHWC. */
    private static void requireNchw(MindIrAttributes a, Errors e) {
        Object raw = a.raw("format");
        String format = raw instanceof Long code ? (code == 0 ? "NCHW" : code == 1 ? "NHWC" : "format code " + code)
                : a.getString("format", "NCHW");
        if (!format.equalsIgnoreCase("NCHW")) {
            throw e.error("data format " + format + " is not supported (MindSpore exports NCHW)");
        }
    }
}
