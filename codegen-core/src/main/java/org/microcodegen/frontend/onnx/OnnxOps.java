package org.microcodegen.frontend.onnx;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ir.ValueException;
import org.microcodegen.ops.BatchNorm;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.Concat;
import org.microcodegen.ops.LogSoftmax;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.Pad;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.ReduceMean;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Softmax;
import org.microcodegen.ops.Squeeze;
import org.microcodegen.ops.StridedSlice;
import org.microcodegen.ops.Transpose;
import org.microcodegen.ops.Unary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongBinaryOperator;

/**
 * ONNX operators to canonical ops, with each opset's semantics: every ONNX op name, attribute spelling
 * and version difference (Clip's bounds as attributes before opset 11 and inputs after, Softmax's 2-D
 * coercion before 13, axes as attributes or inputs ...) is read here and nowhere else. Inputs' shapes
 * are static and known while translating, so layout questions (auto_pad, Reshape's 0, Flatten) are
 * answered here, and integer shape computations fold to constants.
 */
final class OnnxOps {
    @FunctionalInterface
    private interface Translation {
        void translate(OnnxNodeContext n);
    }

    private static final Map<String, Translation> TABLE = Map.ofEntries(
            Map.entry("Constant", OnnxOps::constant),
            Map.entry("Identity", n -> {
                n.attrs().requireOnlyKnown(Set.of());
                n.requireInputs(1, 1);
                n.alias(0);
            }),
            Map.entry("Dropout", OnnxOps::dropout),
            Map.entry("Cast", OnnxOps::cast),
            Map.entry("Shape", OnnxOps::shape),
            Map.entry("Gather", OnnxOps::gather),
            Map.entry("Unsqueeze", OnnxOps::unsqueeze),
            Map.entry("Squeeze", OnnxOps::squeeze),
            Map.entry("Reshape", OnnxOps::reshape),
            Map.entry("Flatten", OnnxOps::flatten),
            Map.entry("Concat", OnnxOps::concat),
            Map.entry("Slice", OnnxOps::slice),
            Map.entry("Transpose", OnnxOps::transpose),
            Map.entry("Add", binary(Binary.Function.ADD, Math::addExact)),
            Map.entry("Sub", binary(Binary.Function.SUB, Math::subtractExact)),
            Map.entry("Mul", binary(Binary.Function.MUL, Math::multiplyExact)),
            Map.entry("Div", binary(Binary.Function.DIV, OnnxOps::divide)),
            Map.entry("Relu", unary(Unary.Function.RELU)),
            Map.entry("Sigmoid", unary(Unary.Function.SIGMOID)),
            Map.entry("Tanh", unary(Unary.Function.TANH)),
            Map.entry("HardSwish", unary(Unary.Function.HARD_SWISH)),
            Map.entry("LeakyRelu", OnnxOps::leakyRelu),
            Map.entry("Clip", OnnxOps::clip),
            Map.entry("HardSigmoid", OnnxOps::hardSigmoid),
            Map.entry("Softmax", n -> softmax(n, false)),
            Map.entry("LogSoftmax", n -> softmax(n, true)),
            Map.entry("Conv", OnnxOps::conv),
            Map.entry("Gemm", OnnxOps::gemm),
            Map.entry("MatMul", OnnxOps::matMul),
            Map.entry("MaxPool", n -> pool(n, Pool2D.Kind.MAX)),
            Map.entry("AveragePool", n -> pool(n, Pool2D.Kind.AVERAGE)),
            Map.entry("GlobalAveragePool", OnnxOps::globalAveragePool),
            Map.entry("BatchNormalization", OnnxOps::batchNorm),
            Map.entry("Pad", OnnxOps::pad),
            Map.entry("QuantizeLinear", Qdq::quantizeLinear),
            Map.entry("DequantizeLinear", Qdq::dequantizeLinear),
            Map.entry("ReduceMean", OnnxOps::reduceMean));

    private OnnxOps() {
    }

    /** The ONNX operators the frontend reads, sorted: for `micro-codegen ops` and the README. */
    static List<String> supportedNames() {
        return List.copyOf(new TreeSet<>(TABLE.keySet()));
    }

    static boolean supports(String opType) {
        return TABLE.containsKey(opType);
    }

    static void translate(OnnxNodeContext n) {
        Translation t = TABLE.get(n.opType());
        String fused = n.groups().fusedElsewhere(n.proto());
        if (fused != null) {
            throw n.error("between DequantizeLinear and QuantizeLinear ONNX Runtime runs it as " + fused
                    + ", whose integer arithmetic the compiler does not reproduce yet");
        }
        try {
            t.translate(n);
        } catch (ValueException | ArithmeticException e) {
            // helper errors (an axis out of range, an overflow in shape math) do not know the node
            throw n.error(e.getMessage());
        }
    }

    // ---- values and shape subgraphs

    private static void constant(OnnxNodeContext n) {
        n.requireInputs(0, 0);
        String form = n.attrs().onlyOneOf(List.of("value", "value_float", "value_floats", "value_int", "value_ints"));
        switch (form) {
            case "value" -> {
                OnnxTensors tensors = n.tensors();
                var t = n.attrs().getTensor("value").getT();
                n.fold(0, tensors.typeOf(t, "Constant at node " + n.name()), tensors.dataOf(t, "Constant at node " + n.name()));
            }
            case "value_float" -> n.fold(0, TensorType.of(DType.FLOAT32, Shape.scalar()), ConstData.ofFloats(n.attrs().getFloat(form, 0)));
            case "value_floats" -> {
                float[] v = n.attrs().getFloats(form);
                n.fold(0, TensorType.of(DType.FLOAT32, Shape.of(v.length)), ConstData.ofFloats(v));
            }
            case "value_int" -> n.fold(0, TensorType.of(DType.INT64, Shape.scalar()), ConstData.ofLongs(n.attrs().getInt(form, 0)));
            default -> {
                long[] v = n.attrs().getInts(form);
                n.fold(0, TensorType.of(DType.INT64, Shape.of(v.length)), ConstData.ofLongs(v));
            }
        }
    }

    /** Dropout passes its input through at inference; a training-mode Dropout or its mask output is refused. */
    private static void dropout(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("ratio", "seed", "is_test"));
        n.requireInputs(1, 3);
        n.requireOutputsAtMost(1, "Dropout's mask is not computed at inference");
        if (n.hasInput(2) && (!n.isConstant(2) || n.constantLongs(2, "training_mode")[0] != 0)) {
            throw n.error("training_mode must be a constant false: a training-mode Dropout cannot run on a device");
        }
        n.alias(0);
    }

    private static void cast(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("to", "saturate"));
        n.requireInputs(1, 1);
        DType to = OnnxTensors.dtypeOf((int) n.attrs().getInt("to", 0), "Cast at node " + n.name() + "'s target", n.file());
        if (n.isConstant(0)) {
            n.fold(0, TensorType.of(to, n.shape(0)), ConstantFolding.cast(n.constant(0, "input"), to));
        } else if (n.type(0).dtype() == to) {
            n.alias(0);
        } else {
            throw n.error("a cast of run-time data from " + n.type(0).dtype().displayName() + " to " + to.displayName()
                    + " is not supported");
        }
    }

    private static void shape(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("start", "end"));
        n.requireInputs(1, 1);
        int[] dims = n.shape(0).dims();
        int rank = dims.length;
        int start = clampAxis(n.attrs().getInt("start", 0), rank);
        int end = n.attrs().has("end") ? clampAxis(n.attrs().getInt("end", rank), rank) : rank;
        long[] out = new long[Math.max(0, end - start)];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims[start + i];
        }
        n.fold(0, TensorType.of(DType.INT64, Shape.of(out.length)), ConstData.ofLongs(out));
    }

    /** Shape's start/end: negative counts from the end, then clamped to [0, rank]. */
    private static int clampAxis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return (int) Math.max(0, Math.min(rank, a));
    }

    /** Gather with constant indices: folded when the data is constant too, else a slice of run-time data. */
    private static void gather(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("axis"));
        n.requireInputs(2, 2);
        Shape data = n.shape(0);
        int axis = data.normalizeAxis(n.attrs().getInt("axis", 0), "gather");
        long[] indices = n.constantLongs(1, "indices").clone();
        Shape indexShape = n.shape(1);
        for (int i = 0; i < indices.length; i++) {
            long idx = indices[i] < 0 ? indices[i] + data.dim(axis) : indices[i];
            if (idx < 0 || idx >= data.dim(axis)) {
                throw n.error("index " + indices[i] + " is out of range for axis " + axis + " of " + data);
            }
            indices[i] = idx;
        }
        int[] outDims = new int[data.rank() - 1 + indexShape.rank()];
        int k = 0;
        for (int i = 0; i < axis; i++) {
            outDims[k++] = data.dim(i);
        }
        for (int d : indexShape.dims()) {
            outDims[k++] = d;
        }
        for (int i = axis + 1; i < data.rank(); i++) {
            outDims[k++] = data.dim(i);
        }
        Shape out = Shape.of(outDims);
        if (n.isConstant(0)) {
            n.fold(0, n.type(0).withShape(out), ConstantFolding.gather(n.constant(0, "data"), data, axis, indices));
            return;
        }
        // Run-time data: a scalar index or an evenly spaced run of indices is a strided slice.
        if (indexShape.rank() > 1 || indices.length == 0) {
            throw n.error("gathering run-time data needs a scalar or 1-D list of constant indices, found " + indexShape);
        }
        long step = indices.length > 1 ? indices[1] - indices[0] : 1;
        for (int i = 1; i < indices.length; i++) {
            if (indices[i] - indices[i - 1] != step || step == 0) {
                throw n.error("gathering run-time data needs evenly spaced indices, found " + Arrays.toString(indices));
            }
        }
        int rank = data.rank();
        long[] begin = new long[rank];
        long[] end = new long[rank];
        long[] strides = new long[rank];
        for (int i = 0; i < rank; i++) {
            end[i] = data.dim(i);
            strides[i] = 1;
        }
        begin[axis] = indices[0];
        strides[axis] = step;
        long last = indices[indices.length - 1] + (step > 0 ? 1 : -1);
        // a negative end below 0 means "before the first element" in slice semantics: spell it -dim-1
        end[axis] = last < 0 ? -(long) data.dim(axis) - 1 : last;
        long shrink = indexShape.rank() == 0 ? 1L << axis : 0;
        n.emitOutput(new StridedSlice(0, 0, shrink), List.of(n.input(0), n.longs("begin", begin), n.longs("end", end),
                n.longs("strides", strides)));
    }

    /** Unsqueeze: axes as an attribute before opset 13, as input 1 from 13. */
    private static void unsqueeze(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(n.opset() < 13 ? Set.of("axes") : Set.of());
        long[] axes = axesOf(n, 13, true);
        Shape in = n.shape(0);
        int rank = in.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int axis = Shape.normalizeAxis(a, rank, "unsqueeze");
            if (inserted[axis]) {
                throw n.error("axis " + a + " is listed twice");
            }
            inserted[axis] = true;
        }
        int[] out = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : in.dim(j++);
        }
        reshapeTo(n, Shape.of(out));
    }

    private static void squeeze(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(n.opset() < 13 ? Set.of("axes") : Set.of());
        long[] axes = axesOf(n, 13, false);
        Shape in = n.shape(0);
        List<Long> normalized = new ArrayList<>();
        for (long a : axes) {
            normalized.add((long) in.normalizeAxis(a, "squeeze"));
        }
        if (n.isConstant(0)) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < in.rank(); i++) {
                boolean drop = normalized.isEmpty() ? in.dim(i) == 1 : normalized.contains((long) i);
                if (drop && in.dim(i) != 1) {
                    throw n.error("cannot squeeze axis " + i + " of " + in + ": its size is not 1");
                }
                if (!drop) {
                    out.add(in.dim(i));
                }
            }
            n.fold(0, n.type(0).withShape(Shape.of(out.stream().mapToInt(Integer::intValue).toArray())), n.constant(0, "data"));
            return;
        }
        n.emitOutput(new Squeeze(normalized), List.of(n.input(0)));
    }

    /**
     * The axes of Unsqueeze, Squeeze or ReduceMean: the attribute before {@code inputFrom}, the optional
     * input 1 from it on ({@code required}: Unsqueeze must have them).
     */
    private static long[] axesOf(OnnxNodeContext n, int inputFrom, boolean required) {
        long[] axes;
        if (n.opset() < inputFrom) {
            n.requireInputs(1, 1);
            axes = n.attrs().getInts("axes");
        } else {
            n.requireInputs(1, 2);
            axes = n.hasInput(1) ? n.constantLongs(1, "axes") : null;
        }
        if (axes == null && required) {
            throw n.error("has no axes");
        }
        return axes == null ? new long[0] : axes;
    }

    /** Output 0 is input 0 under another shape: folded for a constant, a Reshape view otherwise. */
    private static void reshapeTo(OnnxNodeContext n, Shape out) {
        if (n.shape(0).elementCount() != out.elementCount()) {
            throw n.error("cannot reshape " + n.shape(0) + " to " + out);
        }
        if (n.isConstant(0)) {
            n.fold(0, n.type(0).withShape(out), n.constant(0, "data"));
        } else {
            n.emitOutput(new Reshape(), List.of(n.input(0), n.longs("shape", toLongs(out.dims()))));
        }
    }

    private static long[] toLongs(int[] dims) {
        return Arrays.stream(dims).asLongStream().toArray();
    }

    /** Reshape: 0 copies the input's dimension unless allowzero (opset 14) says it is a real 0; one -1 is inferred. */
    private static void reshape(OnnxNodeContext n) {
        long[] target;
        if (n.opset() < 5) {
            // opset 1-4: the shape is an attribute
            n.attrs().requireOnlyKnown(Set.of("shape"));
            n.requireInputs(1, 1);
            target = n.attrs().getInts("shape");
            if (target == null) {
                throw n.error("has no shape");
            }
        } else {
            n.attrs().requireOnlyKnown(Set.of("allowzero"));
            n.requireInputs(2, 2);
            target = n.constantLongs(1, "shape").clone();
        }
        boolean allowZero = n.attrs().getInt("allowzero", 0) != 0;
        Shape in = n.shape(0);
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0 && !allowZero) {
                if (i >= in.rank()) {
                    throw n.error("0 at position " + i + " of the target shape has no input dimension to copy");
                }
                target[i] = in.dim(i);
            }
            if (target[i] == 0) {
                throw n.error("the target shape " + Arrays.toString(target) + " has a 0 dimension (an empty tensor)");
            }
            if (target[i] == -1) {
                if (inferred >= 0) {
                    throw n.error("the target shape has more than one -1");
                }
                inferred = i;
            } else if (target[i] < -1 || target[i] > Shape.MAX_ELEMENTS) {
                throw n.error("invalid dimension " + target[i] + " in the target shape");
            } else {
                known = Math.multiplyExact(known, target[i]);
            }
        }
        if (inferred >= 0) {
            if (in.elementCount() % known != 0) {
                throw n.error("cannot reshape " + in + " to " + Arrays.toString(target));
            }
            target[inferred] = in.elementCount() / known;
        }
        reshapeTo(n, Shape.ofLongs(target));
    }

    /** Flatten: a 2-D view [d0 * ... * d(axis-1), d(axis) * ...]; axis may equal the rank. */
    private static void flatten(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("axis"));
        n.requireInputs(1, 1);
        Shape in = n.shape(0);
        long axis = n.attrs().getInt("axis", 1);
        int a = (int) (axis < 0 ? axis + in.rank() : axis);
        if (a < 0 || a > in.rank()) {
            throw n.error("axis " + axis + " is out of range for rank " + in.rank());
        }
        reshapeTo(n, Shape.ofLongs(in.product(0, a), in.product(a, in.rank())));
    }

    private static void concat(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("axis"));
        if (n.inputCount() < 1) {
            throw n.error("has no inputs");
        }
        if (!n.attrs().has("axis")) {
            throw n.error("has no axis");
        }
        long axis = n.attrs().getInt("axis", 0);
        List<String> inputs = new ArrayList<>();
        boolean allConstant = true;
        for (int i = 0; i < n.inputCount(); i++) {
            inputs.add(n.input(i));
            allConstant &= n.isConstant(i);
        }
        if (!allConstant) {
            n.emitOutput(new Concat(axis), inputs);
            return;
        }
        Shape first = n.shape(0);
        int a = first.normalizeAxis(axis, "concat");
        List<ConstData> parts = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        int[] out = first.dims();
        out[a] = 0;
        for (int i = 0; i < n.inputCount(); i++) {
            Shape s = n.shape(i);
            boolean fits = s.rank() == first.rank() && n.type(i).dtype() == n.type(0).dtype();
            for (int d = 0; fits && d < s.rank(); d++) {
                fits = d == a || s.dim(d) == first.dim(d);
            }
            if (!fits) {
                throw n.error("input " + i + " " + n.type(i) + " cannot be joined to " + n.type(0) + " along axis " + a);
            }
            out[a] += s.dim(a);
            parts.add(n.constant(i, "input"));
            shapes.add(s);
        }
        n.fold(0, n.type(0).withShape(Shape.of(out)), ConstantFolding.concat(parts, shapes, a));
    }

    /** Slice: starts/ends/axes as attributes in opset 1-9, as inputs (with steps) from 10. */
    private static void slice(OnnxNodeContext n) {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (n.opset() < 10) {
            n.attrs().requireOnlyKnown(Set.of("starts", "ends", "axes"));
            n.requireInputs(1, 1);
            starts = n.attrs().getInts("starts");
            ends = n.attrs().getInts("ends");
            axes = n.attrs().getInts("axes");
        } else {
            n.attrs().requireOnlyKnown(Set.of());
            n.requireInputs(3, 5);
            starts = n.constantLongs(1, "starts");
            ends = n.constantLongs(2, "ends");
            axes = n.hasInput(3) ? n.constantLongs(3, "axes") : null;
            steps = n.hasInput(4) ? n.constantLongs(4, "steps") : null;
        }
        Shape in = n.shape(0);
        int rank = in.rank();
        if (starts == null || ends == null || starts.length != ends.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw n.error("starts, ends, axes and steps must have one value per sliced axis");
        }
        long[] begin = new long[rank];
        long[] step = new long[rank];
        long[] length = new long[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            step[i] = 1;
            length[i] = in.dim(i);
        }
        for (int j = 0; j < starts.length; j++) {
            int a = in.normalizeAxis(axes == null ? j : axes[j], "slice");
            if (seen[a]) {
                throw n.error("axis " + a + " is sliced twice");
            }
            seen[a] = true;
            long st = steps == null ? 1 : steps[j];
            if (st == 0) {
                throw n.error("step 0 on axis " + a);
            }
            long dim = in.dim(a);
            // ONNX's clamping: starts to [0, dim] (or [0, dim-1] stepping back), ends to [-1, dim]
            long s = starts[j] < 0 ? saturatingAdd(starts[j], dim) : starts[j];
            long e = ends[j] < 0 ? saturatingAdd(ends[j], dim) : ends[j];
            if (st > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
            } else {
                s = Math.max(0, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
            }
            long count = st > 0 ? (e - s + st - 1) / st : (s - e + (-st) - 1) / (-st);
            if (count <= 0) {
                throw n.error("the slice of axis " + a + " is empty");
            }
            begin[a] = s;
            step[a] = st;
            length[a] = count;
        }
        int[] outDims = new int[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = (int) length[i];
        }
        if (n.isConstant(0)) {
            n.fold(0, n.type(0).withShape(Shape.of(outDims)), ConstantFolding.slice(n.constant(0, "data"), in, begin, step, length));
            return;
        }
        long[] end = new long[rank];
        for (int i = 0; i < rank; i++) {
            long last = begin[i] + (length[i] - 1) * step[i];
            end[i] = step[i] > 0 ? last + 1 : (last - 1 < 0 ? -(long) in.dim(i) - 1 : last - 1);
        }
        n.emitOutput(new StridedSlice(0, 0, 0), List.of(n.input(0), n.longs("begin", begin), n.longs("end", end),
                n.longs("strides", step)));
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    private static void transpose(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("perm"));
        n.requireInputs(1, 1);
        long[] perm = n.attrs().getInts("perm");
        if (perm == null) {
            int rank = n.shape(0).rank();
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        n.emitOutput(new Transpose(), List.of(n.input(0), n.longs("perm", perm)));
    }

    // ---- element-wise

    private static Translation unary(Unary.Function f) {
        return n -> {
            n.attrs().requireOnlyKnown(Set.of());
            n.requireInputs(1, 1);
            n.emitOutput(new Unary(f), List.of(n.input(0)));
        };
    }

    /**
     * Add, Sub, Mul, Div: integer constants fold (shape math); everything else is a Binary with NumPy
     * broadcasting. Before opset 7 broadcasting was explicit: without broadcast=1 the shapes must be
     * equal, and with it B's dimensions line up with A's from {@code axis} on (default: the last ones).
     */
    private static Translation binary(Binary.Function f, LongBinaryOperator integer) {
        return n -> {
            n.attrs().requireOnlyKnown(n.opset() < 7 ? Set.of("broadcast", "axis") : Set.of());
            n.requireInputs(2, 2);
            String b = n.opset() < 7 ? legacyBroadcastOperand(n) : n.input(1);
            Shape sb = n.opset() < 7 ? n.graphType(b).shape() : n.shape(1);
            boolean integers = !n.type(0).dtype().isFloatingPoint() && !n.type(1).dtype().isFloatingPoint();
            if (n.isConstant(0) && n.isConstant(1) && integers) {
                if (n.type(0).dtype() != n.type(1).dtype()) {
                    throw n.error("operands of different types: " + n.type(0) + " and " + n.type(1));
                }
                Shape out = broadcast(n, n.shape(0), sb);
                n.fold(0, n.type(0).withShape(out), ConstantFolding.integerBinary(n.constant(0, "a"), n.shape(0),
                        n.constant(1, "b"), sb, out, integer));
                return;
            }
            n.emitOutput(new Binary(f), List.of(n.input(0), b));
        };
    }

    /** Opset 1-6: B as NumPy broadcasting sees it (trailing 1s added after the axes from {@code axis}). */
    private static String legacyBroadcastOperand(OnnxNodeContext n) {
        Shape a = n.shape(0);
        Shape b = n.shape(1);
        if (n.attrs().getInt("broadcast", 0) == 0) {
            if (!a.equals(b)) {
                throw n.error("shapes " + a + " and " + b + " differ and broadcast is not set");
            }
            return n.input(1);
        }
        long axis = n.attrs().has("axis") ? n.attrs().getInt("axis", 0) : a.rank() - b.rank();
        int start = (int) (axis < 0 ? axis + a.rank() : axis);
        if (start < 0 || start + b.rank() > a.rank()) {
            throw n.error("B " + b + " does not fit A " + a + " from axis " + axis);
        }
        int[] dims = new int[a.rank() - start];
        Arrays.fill(dims, 1);
        for (int i = 0; i < b.rank(); i++) {
            dims[i] = b.dim(i);
        }
        Shape aligned = Shape.of(dims);
        if (aligned.equals(b)) {
            return n.input(1);
        }
        if (n.isConstant(1)) {
            return n.constant("b", n.type(1).withShape(aligned), n.constant(1, "B"));
        }
        return n.emit(new Reshape(), List.of(n.input(1), n.longs("b_shape", toLongs(dims))));
    }

    /** Integer Div as ONNX defines it (C's truncation); a zero divisor is an error, not a crash. */
    private static long divide(long a, long b) {
        if (b == 0) {
            throw new ValueException("integer division by zero in a constant expression");
        }
        return a / b;
    }

    private static Shape broadcast(OnnxNodeContext n, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int ia = a.rank() - rank + i;
            int ib = b.rank() - rank + i;
            int da = ia < 0 ? 1 : a.dim(ia);
            int db = ib < 0 ? 1 : b.dim(ib);
            if (da != db && da != 1 && db != 1) {
                throw n.error("shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return Shape.of(out);
    }

    private static void leakyRelu(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("alpha"));
        n.requireInputs(1, 1);
        n.emitOutput(new Unary(Unary.Function.LEAKY_RELU, n.attrs().getFloat("alpha", 0.01f)), List.of(n.input(0)));
    }

    /**
     * Clip: bounds as attributes before opset 11 (float min/max), optional constant inputs 1 and 2 from
     * 11. [0, 6] is ReLU6 and [0, none] ReLU; other bounds are a Maximum and a Minimum with a scalar
     * (ONNX: when min > max every value becomes max, as min(max(x, lo), hi) gives).
     */
    private static void clip(OnnxNodeContext n) {
        Float lo = null;
        Float hi = null;
        if (n.opset() < 11) {
            n.attrs().requireOnlyKnown(Set.of("min", "max"));
            n.requireInputs(1, 1);
            lo = n.attrs().has("min") ? n.attrs().getFloat("min", 0) : null;
            hi = n.attrs().has("max") ? n.attrs().getFloat("max", 0) : null;
        } else {
            n.attrs().requireOnlyKnown(Set.of());
            n.requireInputs(1, 3);
            lo = n.hasInput(1) ? (float) n.constantScalar(1, "min") : null;
            hi = n.hasInput(2) ? (float) n.constantScalar(2, "max") : null;
        }
        if (n.type(0).dtype() != DType.FLOAT32) {
            throw n.error("Clip of " + n.type(0).dtype().displayName() + " data is not supported (float32 only)");
        }
        if (lo != null && lo == 0f && hi != null && hi == 6f) {
            n.emitOutput(new Unary(Unary.Function.RELU6), List.of(n.input(0)));
        } else if (lo != null && lo == 0f && hi == null) {
            n.emitOutput(new Unary(Unary.Function.RELU), List.of(n.input(0)));
        } else if (lo == null && hi == null) {
            n.alias(0);
        } else if (hi == null) {
            n.emitOutput(new Binary(Binary.Function.MAXIMUM), List.of(n.input(0), n.scalar("min", lo)));
        } else if (lo == null) {
            n.emitOutput(new Binary(Binary.Function.MINIMUM), List.of(n.input(0), n.scalar("max", hi)));
        } else {
            String low = n.emit(new Binary(Binary.Function.MAXIMUM), List.of(n.input(0), n.scalar("min", lo)));
            n.emitOutput(new Binary(Binary.Function.MINIMUM), List.of(low, n.scalar("max", hi)));
        }
    }

    /** HardSigmoid max(0, min(1, alpha * x + beta)) with ONNX's alpha and beta (0.2, 0.5), step by step. */
    private static void hardSigmoid(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("alpha", "beta"));
        n.requireInputs(1, 1);
        float alpha = n.attrs().getFloat("alpha", 0.2f);
        float beta = n.attrs().getFloat("beta", 0.5f);
        String scaled = n.emit(new Binary(Binary.Function.MUL), List.of(n.input(0), n.scalar("alpha", alpha)));
        String shifted = n.emit(new Binary(Binary.Function.ADD), List.of(scaled, n.scalar("beta", beta)));
        String upper = n.emit(new Binary(Binary.Function.MINIMUM), List.of(shifted, n.scalar("one", 1f)));
        n.emitOutput(new Binary(Binary.Function.MAXIMUM), List.of(upper, n.scalar("zero", 0f)));
    }

    /**
     * Softmax and LogSoftmax: from opset 13 along one axis (default -1); before 13 the input is coerced to 2-D at
     * {@code axis} (default 1) and normalised over everything from it, done as a Reshape around a
     * row-wise (Log)Softmax unless the axis is already the last.
     */
    private static void softmax(OnnxNodeContext n, boolean log) {
        n.attrs().requireOnlyKnown(Set.of("axis"));
        n.requireInputs(1, 1);
        Shape in = n.shape(0);
        if (n.opset() >= 13) {
            n.emitOutput(normalise(n.attrs().getInt("axis", -1), log), List.of(n.input(0)));
            return;
        }
        int axis = in.normalizeAxis(n.attrs().getInt("axis", 1), "softmax");
        if (axis == in.rank() - 1) {
            n.emitOutput(normalise(-1, log), List.of(n.input(0)));
            return;
        }
        String rows = n.emit(new Reshape(), List.of(n.input(0), n.longs("rows", in.product(0, axis), in.product(axis, in.rank()))));
        String normalised = n.emit(normalise(1, log), List.of(rows));
        n.emitOutput(new Reshape(), List.of(normalised, n.longs("shape", toLongs(in.dims()))));
    }

    private static org.microcodegen.ops.Op normalise(long axis, boolean log) {
        return log ? new LogSoftmax(axis) : new Softmax(axis);
    }

    // ---- layers

    private static void conv(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"));
        n.requireInputs(2, 3);
        Shape x = n.shape(0);
        Shape w = n.shape(1);
        if (x.rank() != 4 || w.rank() != 4) {
            throw n.error("only 2-D convolution (4-D input and weight) is supported, found " + x + " and " + w);
        }
        long[] kernel = n.attrs().getInts("kernel_shape");
        if (kernel != null && (kernel.length != 2 || kernel[0] != w.dim(2) || kernel[1] != w.dim(3))) {
            throw n.error("kernel_shape " + Arrays.toString(kernel) + " does not match the weight " + w);
        }
        Pair strides = pair(n, "strides");
        Pair dilations = pair(n, "dilations");
        int[] pads = windowPads(n, x, w.dim(2), w.dim(3), strides, dilations, false);
        long group = n.attrs().getInt("group", 1);
        if (group < 1 || group > Shape.MAX_ELEMENTS) {
            throw n.error("group " + group + " is out of range");
        }
        if (n.quantized()) {
            Qdq.conv(n, strides, dilations, pads, group);
            return;
        }
        List<String> inputs = new ArrayList<>(List.of(n.input(0), n.input(1)));
        if (n.hasInput(2)) {
            inputs.add(n.input(2));
        }
        n.emitOutput(new Conv2D(strides, dilations, new Padding.Explicit(pads[0], pads[1], pads[2], pads[3]), (int) group), inputs);
    }

    /** A 2-element attribute (strides, dilations), 1 when absent. */
    private static Pair pair(OnnxNodeContext n, String name) {
        long[] v = n.attrs().getInts(name);
        if (v == null) {
            return Pair.of(1);
        }
        if (v.length != 2) {
            throw n.error(name + " " + Arrays.toString(v) + " must have 2 values (2-D windows only)");
        }
        for (long x : v) {
            if (x < 1 || x > Shape.MAX_ELEMENTS) {
                throw n.error(name + " " + Arrays.toString(v) + " must be positive");
            }
        }
        return new Pair((int) v[0], (int) v[1]);
    }

    /**
     * The padding {top, bottom, left, right} of a 2-D window from auto_pad (NOTSET: the pads attribute,
     * ONNX order [top, left, bottom, right]; VALID; SAME_UPPER with the extra cell at the end; SAME_LOWER
     * at the start), computed from the known input size. With {@code ceilMode} the bottom/right padding
     * grows so that a last, partial window exists, unless it would start in the padding (ONNX drops it).
     * Returns a fifth value: the cells added for ceil_mode.
     */
    private static int[] windowPads(OnnxNodeContext n, Shape x, int kH, int kW, Pair strides, Pair dilations, boolean ceilMode) {
        String autoPad = n.attrs().getString("auto_pad", "NOTSET");
        int[] in = {x.dim(2), x.dim(3)};
        int[] k = {kH, kW};
        int[] s = {strides.h(), strides.w()};
        int[] d = {dilations.h(), dilations.w()};
        long[] begin = new long[2];
        long[] end = new long[2];
        int added = 0;
        switch (autoPad) {
            case "NOTSET" -> {
                long[] pads = n.attrs().getInts("pads");
                if (pads != null && pads.length != 4) {
                    throw n.error("pads " + Arrays.toString(pads) + " must have 4 values (2-D windows only)");
                }
                for (int i = 0; i < 2; i++) {
                    begin[i] = pads == null ? 0 : pads[i];
                    end[i] = pads == null ? 0 : pads[i + 2];
                    if (begin[i] < 0 || end[i] < 0 || begin[i] > Shape.MAX_ELEMENTS || end[i] > Shape.MAX_ELEMENTS) {
                        throw n.error("pads " + Arrays.toString(pads) + " must be 0 or more");
                    }
                }
            }
            case "VALID" -> {
                // no padding
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < 2; i++) {
                    long out = (in[i] + s[i] - 1L) / s[i];
                    long total = Math.max(0, (out - 1) * s[i] + (long) (k[i] - 1) * d[i] + 1 - in[i]);
                    begin[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    end[i] = total - begin[i];
                }
            }
            default -> throw n.error("auto_pad '" + autoPad + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
        if (ceilMode && !autoPad.startsWith("SAME")) {
            for (int i = 0; i < 2; i++) {
                long effective = (long) (k[i] - 1) * d[i] + 1;
                long span = in[i] + begin[i] + end[i] - effective;
                if (span < 0) {
                    continue; // the window does not fit; the op reports it
                }
                long out = (span + s[i] - 1) / s[i] + 1;
                if ((out - 1) * s[i] >= in[i] + begin[i]) {
                    out--;
                }
                long extra = Math.max(0, (out - 1) * s[i] + effective - (in[i] + begin[i] + end[i]));
                end[i] += extra;
                added += (int) extra;
            }
        }
        return new int[] {(int) begin[0], (int) end[0], (int) begin[1], (int) end[1], added};
    }

    /**
     * Gemm: alpha * A' * B' + beta * C. With alpha = beta = 1 and a C of N elements it is one MatMul with
     * a bias; otherwise the product is scaled and C (scaled by beta) added with broadcasting.
     */
    private static void gemm(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("alpha", "beta", "transA", "transB"));
        n.requireInputs(n.opset() < 11 ? 3 : 2, 3);
        float alpha = n.attrs().getFloat("alpha", 1f);
        float beta = n.attrs().getFloat("beta", 1f);
        MatMul product = new MatMul(n.attrs().getInt("transA", 0) != 0, n.attrs().getInt("transB", 0) != 0);
        if (n.quantized()) {
            if (product.transposeA() || alpha != 1f || (n.hasInput(2) && beta != 1f)) {
                throw n.error("an integer Gemm takes transA 0, alpha 1 and beta 1 (ONNX Runtime's QGemm of other forms is not reproduced)");
            }
            Qdq.fullyConnected(n, product.transposeB(), n.hasInput(2));
            return;
        }
        List<String> operands = List.of(n.input(0), n.input(1));
        if (!n.hasInput(2) || beta == 0f) {
            if (alpha == 1f) {
                n.emitOutput(product, operands);
            } else {
                n.emitOutput(new Binary(Binary.Function.MUL), List.of(n.emit(product, operands), n.scalar("alpha", alpha)));
            }
            return;
        }
        Shape b = n.shape(1);
        if (b.rank() != 2) {
            throw n.error("B must be 2-D, found " + b);
        }
        long columns = product.transposeB() ? b.dim(0) : b.dim(1);
        Shape c = n.shape(2);
        boolean biasRow = c.elementCount() == columns && (c.rank() == 1 || (c.rank() == 2 && c.dim(0) == 1));
        if (alpha == 1f && beta == 1f && biasRow) {
            n.emitOutput(product, List.of(n.input(0), n.input(1), n.input(2)));
            return;
        }
        String p = n.emit(product, operands);
        if (alpha != 1f) {
            p = n.emit(new Binary(Binary.Function.MUL), List.of(p, n.scalar("alpha", alpha)));
        }
        String bias = n.input(2);
        if (beta != 1f) {
            bias = n.emit(new Binary(Binary.Function.MUL), List.of(bias, n.scalar("beta", beta)));
        }
        n.emitOutput(new Binary(Binary.Function.ADD), List.of(p, bias));
    }

    private static void matMul(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of());
        n.requireInputs(2, 2);
        if (n.shape(0).rank() != 2 || n.shape(1).rank() != 2) {
            throw n.error("only 2-D MatMul is supported, found " + n.shape(0) + " x " + n.shape(1)
                    + " (batched and 1-D products are not)");
        }
        if (n.quantized()) {
            Qdq.fullyConnected(n, false, false);
            return;
        }
        n.emitOutput(new MatMul(false, false), List.of(n.input(0), n.input(1)));
    }

    /**
     * MaxPool and AveragePool over H and W of an NCHW input: pads, auto_pad, strides, ceil_mode (as extra
     * bottom/right padding that no average counts), count_include_pad; dilations other than 1, storage
     * order with indices, and MaxPool's Indices output are refused.
     */
    private static void pool(OnnxNodeContext n, Pool2D.Kind kind) {
        n.attrs().requireOnlyKnown(kind == Pool2D.Kind.MAX
                ? Set.of("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides")
                : Set.of("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"));
        n.requireInputs(1, 1);
        n.requireOutputsAtMost(1, "MaxPool's Indices output is not computed");
        Shape x = n.shape(0);
        if (x.rank() != 4) {
            throw n.error("only 2-D pooling (a 4-D NCHW input) is supported, found " + x);
        }
        long[] kernel = n.attrs().getInts("kernel_shape");
        if (kernel == null || kernel.length != 2 || kernel[0] < 1 || kernel[1] < 1 || kernel[0] > Shape.MAX_ELEMENTS
                || kernel[1] > Shape.MAX_ELEMENTS) {
            throw n.error("kernel_shape " + (kernel == null ? "is missing" : Arrays.toString(kernel) + " must be 2 positive values"));
        }
        Pair dilations = pair(n, "dilations");
        if (dilations.h() != 1 || dilations.w() != 1) {
            throw n.error("dilated pooling (dilations " + dilations + ") is not supported");
        }
        Pair strides = pair(n, "strides");
        boolean ceil = n.attrs().getInt("ceil_mode", 0) != 0;
        boolean includePad = n.attrs().getInt("count_include_pad", 0) != 0;
        int[] pads = windowPads(n, x, (int) kernel[0], (int) kernel[1], strides, dilations, ceil);
        if (pads[4] > 0 && includePad && kind == Pool2D.Kind.AVERAGE) {
            throw n.error("ceil_mode with count_include_pad is not supported (the partial last window's divisor)");
        }
        if (n.quantized()) {
            Qdq.maxPool(n, new Pair((int) kernel[0], (int) kernel[1]), strides, pads);
            return;
        }
        n.emitOutput(new Pool2D(kind, new Pair((int) kernel[0], (int) kernel[1]), strides,
                new Padding.Explicit(pads[0], pads[1], pads[2], pads[3]), includePad), List.of(n.input(0)));
    }

    private static void globalAveragePool(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of());
        n.requireInputs(1, 1);
        int rank = n.shape(0).rank();
        if (rank < 3) {
            throw n.error("expects an input of rank 3 or more, found " + n.shape(0));
        }
        List<Long> axes = new ArrayList<>();
        for (long a = 2; a < rank; a++) {
            axes.add(a);
        }
        n.emitOutput(new ReduceMean(axes, true), List.of(n.input(0)));
    }

    /** Inference-mode BatchNormalization; training mode (an attribute from opset 14) and its extra outputs are refused. */
    private static void batchNorm(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(Set.of("epsilon", "momentum", "spatial", "training_mode"));
        n.requireInputs(5, 5);
        if (n.attrs().getInt("training_mode", 0) != 0) {
            throw n.error("training_mode BatchNormalization cannot run on a device; export the model in eval mode");
        }
        if (n.attrs().getInt("spatial", 1) != 1) {
            throw n.error("spatial=0 (per-element statistics) is not supported");
        }
        n.requireOutputsAtMost(1, "running statistics are training outputs");
        n.emitOutput(new BatchNorm(n.attrs().getFloat("epsilon", 1e-5f)),
                List.of(n.input(0), n.input(1), n.input(2), n.input(3), n.input(4)));
    }

    /**
     * Pad, mode constant: pads as an attribute (with the float value) before opset 11; from 11 the pads
     * input, an optional constant_value input, and from 18 an optional axes input. ONNX lists all
     * befores, then all afters.
     */
    private static void pad(OnnxNodeContext n) {
        Shape in = n.shape(0);
        int rank = in.rank();
        long[] pads;
        long[] axes = null;
        String mode = n.attrs().getString("mode", "constant");
        if (!mode.equals("constant")) {
            throw n.error("pad mode '" + mode + "' is not supported (constant only)");
        }
        float value;
        if (n.opset() < 11) {
            n.attrs().requireOnlyKnown(Set.of("mode", "pads", "value"));
            n.requireInputs(1, 1);
            pads = n.attrs().getInts("pads");
            if (pads == null) {
                throw n.error("has no pads");
            }
            value = n.attrs().getFloat("value", 0f);
        } else {
            n.attrs().requireOnlyKnown(Set.of("mode"));
            n.requireInputs(2, 4);
            pads = n.constantLongs(1, "pads");
            value = n.hasInput(2) ? (float) n.constantScalar(2, "constant_value") : 0f;
            axes = n.hasInput(3) ? n.constantLongs(3, "axes") : null;
        }
        int listed = axes == null ? rank : axes.length;
        if (pads.length != 2 * listed) {
            throw n.error("pads " + Arrays.toString(pads) + " must have 2 values per padded axis (" + listed + ")");
        }
        long[] full = new long[2 * rank];
        for (int j = 0; j < listed; j++) {
            int a = axes == null ? j : in.normalizeAxis(axes[j], "pad");
            full[a] = pads[j];
            full[rank + a] = pads[listed + j];
        }
        if (n.type(0).dtype() != DType.FLOAT32) {
            throw n.error("Pad of " + n.type(0).dtype().displayName() + " data is not supported (float32 only)");
        }
        n.emitOutput(new Pad(null, false, false), List.of(n.input(0), n.longs("pads", full), n.scalar("value", value)));
    }

    /** ReduceMean: axes as an attribute before opset 18, as input 1 from 18 (with noop_with_empty_axes); keepdims default 1. */
    private static void reduceMean(OnnxNodeContext n) {
        n.attrs().requireOnlyKnown(n.opset() < 18 ? Set.of("axes", "keepdims") : Set.of("keepdims", "noop_with_empty_axes"));
        long[] axes = axesOf(n, 18, false);
        boolean keepDims = n.attrs().getInt("keepdims", 1) != 0;
        if (axes.length == 0 && n.attrs().getInt("noop_with_empty_axes", 0) != 0) {
            n.alias(0);
            return;
        }
        List<Long> list = new ArrayList<>();
        for (long a : axes) {
            list.add(a);
        }
        n.emitOutput(new ReduceMean(list, keepDims), List.of(n.input(0)));
    }
}
