package org.microcodegen.frontend.tflite;

import org.microcodegen.frontend.flatbuffers.FlatBuffer;
import org.microcodegen.frontend.flatbuffers.Table;
import org.microcodegen.frontend.tflite.TfliteOptions.Activation;
import org.microcodegen.frontend.tflite.TfliteOptions.Padding;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ValueException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static java.util.Map.entry;

/** Decodes an operator's builtin_options union into a {@link TfliteOptions} record, by operator name. */
final class TfliteOptionsReader {
    /** Operators with decoded options: their options table and how to read it. */
    private static final Map<String, Decoder> DECODED = Map.ofEntries(
            entry("CONV_2D", new Decoder("Conv2DOptions", t -> new TfliteOptions.Conv2D(padding(t), t.int32("stride_w"),
                    t.int32("stride_h"), activation(t), t.int32("dilation_w_factor"), t.int32("dilation_h_factor")))),
            entry("DEPTHWISE_CONV_2D", new Decoder("DepthwiseConv2DOptions", t -> new TfliteOptions.DepthwiseConv2D(
                    padding(t), t.int32("stride_w"), t.int32("stride_h"), t.int32("depth_multiplier"), activation(t),
                    t.int32("dilation_w_factor"), t.int32("dilation_h_factor")))),
            entry("FULLY_CONNECTED", new Decoder("FullyConnectedOptions", t -> new TfliteOptions.FullyConnected(
                    activation(t), t.int32("weights_format"), t.bool("keep_num_dims"), t.bool("asymmetric_quantize_inputs")))),
            entry("TRANSPOSE_CONV", new Decoder("TransposeConvOptions", t -> new TfliteOptions.TransposeConv(padding(t),
                    t.int32("stride_w"), t.int32("stride_h"), activation(t)))),
            entry("AVERAGE_POOL_2D", pool()),
            entry("MAX_POOL_2D", pool()),
            entry("L2_POOL_2D", pool()),
            entry("ADD", new Decoder("AddOptions", t -> new TfliteOptions.AddSub(activation(t), t.bool("pot_scale_int16")))),
            entry("SUB", new Decoder("SubOptions", t -> new TfliteOptions.AddSub(activation(t), t.bool("pot_scale_int16")))),
            entry("MUL", new Decoder("MulOptions", t -> new TfliteOptions.Mul(activation(t)))),
            entry("MEAN", reducer()),
            entry("SUM", reducer()),
            entry("REDUCE_MAX", reducer()),
            entry("REDUCE_MIN", reducer()),
            entry("REDUCE_PROD", reducer()),
            entry("REDUCE_ANY", reducer()),
            entry("REDUCE_ALL", reducer()),
            entry("SOFTMAX", new Decoder("SoftmaxOptions", t -> new TfliteOptions.Softmax((float) t.floating("beta")))),
            entry("LEAKY_RELU", new Decoder("LeakyReluOptions", t -> new TfliteOptions.LeakyRelu((float) t.floating("alpha")))),
            entry("CONCATENATION", new Decoder("ConcatenationOptions", t -> new TfliteOptions.Concatenation(t.int32("axis"),
                    activation(t)))),
            entry("RESHAPE", new Decoder("ReshapeOptions", t -> new TfliteOptions.Reshape(list(t.ints("new_shape"))))),
            entry("SQUEEZE", new Decoder("SqueezeOptions", t -> {
                List<Integer> dims = list(t.ints("squeeze_dims"));
                return new TfliteOptions.Squeeze(dims == null ? List.of() : dims);
            })),
            entry("STRIDED_SLICE", new Decoder("StridedSliceOptions", t -> new TfliteOptions.StridedSlice(
                    t.int32("begin_mask"), t.int32("end_mask"), t.int32("ellipsis_mask"), t.int32("new_axis_mask"),
                    t.int32("shrink_axis_mask"), t.bool("offset")))));

    /** Operators read without options: whatever options table they carry is not looked at. */
    private static final Set<String> NO_OPTIONS = Set.of("PAD", "PADV2", "TRANSPOSE", "QUANTIZE", "DEQUANTIZE",
            "LOGISTIC", "TANH", "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "HARD_SWISH", "ABS", "NEG", "EXP",
            "LOG", "SQRT", "RSQRT", "SQUARE", "FLOOR", "CEIL", "ROUND", "SIN", "COS", "ELU", "PRELU", "MAXIMUM",
            "MINIMUM");

    private record Decoder(String table, Function<Table, TfliteOptions> read) {
    }

    private TfliteOptionsReader() {
    }

    static TfliteOptions read(FlatBuffer file, Table operator, String opName, String where) {
        if (NO_OPTIONS.contains(opName)) {
            return new TfliteOptions.None();
        }
        String type = operator.unionType("builtin_options");
        Decoder d = DECODED.get(opName);
        if (d == null) {
            return type == null ? new TfliteOptions.None() : new TfliteOptions.Undecoded(type);
        }
        if (type != null && !type.equals(d.table())) {
            throw new CompileException(where + " has builtin options of type " + type + ", expected " + d.table());
        }
        Table options = type == null
                ? file.defaults(TfliteSchema.SCHEMA.table(d.table()), where + " options")
                : operator.union("builtin_options");
        try {
            return d.read().apply(options);
        } catch (ValueException e) {
            throw new CompileException(where + ": " + e.getMessage());
        }
    }

    private static Decoder pool() {
        return new Decoder("Pool2DOptions", t -> new TfliteOptions.Pool2D(padding(t), t.int32("stride_w"),
                t.int32("stride_h"), t.int32("filter_width"), t.int32("filter_height"), activation(t)));
    }

    private static Decoder reducer() {
        return new Decoder("ReducerOptions", t -> new TfliteOptions.Reducer(t.bool("keep_dims")));
    }

    private static Padding padding(Table t) {
        return enumValue(Padding.values(), t.integer("padding"), t, "padding");
    }

    private static Activation activation(Table t) {
        return enumValue(Activation.values(), t.integer("fused_activation_function"), t, "fused_activation_function");
    }

    private static <E extends Enum<E>> E enumValue(E[] values, long v, Table t, String field) {
        if (v < 0 || v >= values.length) {
            throw new ValueException("unknown " + field + " " + v + " in its " + t.def().name() + " (at byte "
                    + t.position() + ")");
        }
        return values[(int) v];
    }

    private static List<Integer> list(int[] values) {
        return values == null ? null : Arrays.stream(values).boxed().toList();
    }
}
