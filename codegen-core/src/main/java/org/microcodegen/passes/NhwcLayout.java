package org.microcodegen.passes;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Binary;
import org.microcodegen.ops.Concat;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.Flatten;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.Pool2DNhwc;
import org.microcodegen.ops.ReduceMean;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Softmax;
import org.microcodegen.ops.Transpose;
import org.microcodegen.ops.Unary;
import org.microcodegen.ops.Window2D;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a typed NCHW float graph (what MindIR and ONNX models give after the standard passes) into
 * the NHWC canonical ops the integer kernels implement (TFLite's layout): Conv2D becomes Conv2DNhwc or
 * its depthwise form, pooling Pool2DNhwc, a dense MatMul with constant weights FullyConnected, and the
 * layout-free ops (element-wise, ReduceMean over H and W, Softmax, Concat over channels) follow their
 * inputs into NHWC. Weights are transposed here, at compile time. The graph's inputs and outputs keep
 * their layout and names: the caller's interface does not change, so a transpose is inserted where an
 * NCHW input is first read and before an NCHW output is written (none when the tensor's C or H x W is 1,
 * where both layouts are the same bytes: a view). An op this pass does not convert keeps reading NCHW
 * (its 4-D inputs are transposed back), so the result is always the same function as the input graph.
 */
public final class NhwcLayout {
    private static final long[] TO_NHWC = {0, 2, 3, 1};
    private static final long[] TO_NCHW = {0, 3, 1, 2};
    /** NCHW axis -> NHWC axis. */
    private static final int[] AXIS = {0, 3, 1, 2};

    private final Graph in;
    private final String file;
    private final Map<String, Tensor> tensors;
    private final FreshNames names;
    private final List<Node> nodes = new ArrayList<>();
    /** Original tensor name -> the name holding its value in NHWC, for 4-D tensors that have one. */
    private final Map<String, String> nhwc = new HashMap<>();
    /** Original tensor name -> the name holding its value in the model's own layout, where one exists. */
    private final Map<String, String> nchw = new HashMap<>();
    /** A flatten output in NHWC order, read by one dense layer: NHWC position -> the model's position. */
    private final Map<String, int[]> flattenedNhwc = new HashMap<>();

    private NhwcLayout(Graph in, String file) {
        this.in = in;
        this.file = file;
        this.tensors = new LinkedHashMap<>(in.tensors());
        this.names = new FreshNames(tensors, in);
    }

    /** The same function over NHWC ops; {@code g} must be typed (after shape inference). */
    public static Graph run(Graph g, String modelFile) {
        return new NhwcLayout(g, modelFile).convert();
    }

    private Graph convert() {
        for (String t : in.tensors().keySet()) {
            if (in.producer(t) == null) {
                nchw.put(t, t);
            }
        }
        for (Node n : in.nodes()) {
            if (!convertNode(n)) {
                keep(n);
            }
        }
        List<String> outputs = new ArrayList<>();
        for (String t : in.outputs()) {
            outputs.add(modelLayout(t));
        }
        // weights replaced by their transposed copies are no longer referenced: drop them
        java.util.Set<String> referenced = new java.util.HashSet<>(in.inputs());
        referenced.addAll(outputs);
        for (Node n : nodes) {
            referenced.addAll(n.inputs());
            referenced.addAll(n.outputs());
        }
        Map<String, Tensor> used = new LinkedHashMap<>();
        tensors.forEach((t, v) -> {
            if (referenced.contains(t)) {
                used.put(t, v);
            }
        });
        return ShapeInference.run(new Graph(in.name(), used, nodes, in.inputs(), outputs), file);
    }

    // ---------------------------------------------------------------------------------------------- conversion

    private boolean convertNode(Node n) {
        Op op = Op.of(n);
        if (n.outputs().size() != 1) {
            return false;
        }
        OpContext ctx = OpContext.of(in, n, file);
        if (op instanceof Conv2D c) {
            return conv(n, c, ctx);
        }
        if (op instanceof Pool2D p) {
            return pool(n, p, ctx);
        }
        if (op instanceof MatMul m) {
            return dense(n, m, ctx);
        }
        if (op instanceof Unary && hasNhwc(n.input(0))) {
            emit(n, List.of(nhwcOf(n.input(0))), op);
            return true;
        }
        if (op instanceof Binary b) {
            return binary(n, b);
        }
        if (op instanceof ReduceMean r) {
            return mean(n, r, ctx);
        }
        if (op instanceof Softmax s && is4d(n.input(0)) && hasNhwc(n.input(0))) {
            int axis = ctx.shape(0).normalizeAxis(s.axis(), "softmax");
            emit(n, List.of(nhwcOf(n.input(0))), new Softmax(AXIS[axis], s.beta()));
            return true;
        }
        if (op instanceof Concat c && n.inputs().stream().allMatch(t -> is4d(t) && !isConst(t))
                && n.inputs().stream().anyMatch(this::hasNhwc)) {
            int axis = ctx.shape(0).normalizeAxis(c.axis(), "concat");
            emit(n, n.inputs().stream().map(this::nhwcOf).toList(), new Concat(AXIS[axis]));
            return true;
        }
        if ((op instanceof Flatten || op instanceof Reshape) && is4d(n.input(0)) && hasNhwc(n.input(0))
                && sameBytes(in.type(n.input(0)).shape())) {
            // [N,C,1,1] and [N,1,1,C] (or C = 1) are the same bytes: the view reads the NHWC tensor as it is
            List<String> inputs = new ArrayList<>(n.inputs());
            inputs.set(0, nhwcOf(n.input(0)));
            emitModelLayout(n, inputs, op);
            return true;
        }
        if ((op instanceof Flatten || op instanceof Reshape) && is4d(n.input(0)) && hasNhwc(n.input(0)) && feedsOnlyADenseLayer(n)
                && in.type(n.output()).shape().dim(0) == in.type(n.input(0)).shape().dim(0)) {
            flattenForDense(n, ctx);
            return true;
        }
        return false;
    }

    /** Whether a flatten's output is read by one dense layer only (whose weight columns can follow the NHWC order). */
    private boolean feedsOnlyADenseLayer(Node n) {
        List<Node> readers = in.consumers(n.output());
        return !in.isGraphOutput(n.output()) && readers.size() == 1 && Op.of(readers.get(0)) instanceof MatMul m
                && !m.transposeA() && readers.get(0).input(0).equals(n.output()) && !readers.get(0).input(1).equals(n.output())
                && isFloatConst(readers.get(0).input(1)) && in.type(n.output()).shape().rank() == 2;
    }

    /**
     * Flatten (or reshape) [N,C,H,W] into [N, C*H*W] read by a dense layer: the NHWC tensor is flattened as it lies, in
     * (h, w, c) order, and the dense layer's weight columns are permuted to match (at compile time),
     * so no transpose runs.
     */
    private void flattenForDense(Node n, OpContext ctx) {
        Shape s = ctx.shape(0);
        int c = s.dim(1);
        int h = s.dim(2);
        int w = s.dim(3);
        int[] perm = new int[c * h * w];   // NHWC position -> NCHW position
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    perm[(y * w + x) * c + ch] = (ch * h + y) * w + x;
                }
            }
        }
        tensors.put(n.output(), Tensor.value(n.output(), null));
        List<String> inputs = new ArrayList<>(n.inputs());   // a Reshape keeps its shape operand: [N, C*H*W] either way
        inputs.set(0, nhwcOf(n.input(0)));
        nodes.add(new Node(n.name(), n.opType(), inputs, List.of(n.output()), Op.of(n), n.scope(), n.exportedTypes()));
        flattenedNhwc.put(n.output(), perm);
    }

    private boolean conv(Node n, Conv2D c, OpContext ctx) {
        if (!isFloatConst(n.input(1)) || !is4d(n.input(0))) {
            return false;
        }
        Conv2D.Geometry g = c.geometry(ctx);
        boolean depthwise = g.depthwise();
        if (g.groups() != 1 && !depthwise) {
            return false;   // grouped convolution: no NHWC kernel; stays NCHW
        }
        Shape ws = ctx.shape(1);
        float[] w = in.tensor(n.input(1)).data().asFloats();
        int outC = ws.dim(0);
        int perGroup = ws.dim(1);
        int kh = ws.dim(2);
        int kw = ws.dim(3);
        float[] t = new float[w.length];
        Shape newShape;
        if (depthwise) {
            // [outC][1][kH][kW] -> [1][kH][kW][outC]: output channel o = input channel o / multiplier, as in NCHW groups
            for (int o = 0; o < outC; o++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        t[(y * kw + x) * outC + o] = w[(o * kh + y) * kw + x];
                    }
                }
            }
            newShape = Shape.of(1, kh, kw, outC);
        } else {
            // [outC][inC][kH][kW] -> [outC][kH][kW][inC]
            for (int o = 0; o < outC; o++) {
                for (int i = 0; i < perGroup; i++) {
                    for (int y = 0; y < kh; y++) {
                        for (int x = 0; x < kw; x++) {
                            t[((o * kh + y) * kw + x) * perGroup + i] = w[((o * perGroup + i) * kh + y) * kw + x];
                        }
                    }
                }
            }
            newShape = Shape.of(outC, kh, kw, perGroup);
        }
        List<String> inputs = new ArrayList<>();
        inputs.add(nhwcOf(n.input(0)));
        inputs.add(constant(n.input(1) + "_nhwc", ConstData.ofFloats(t), newShape, in.tensor(n.input(1)).sourceName()));
        if (n.inputs().size() == 3) {
            inputs.add(n.input(2));
        }
        emit(n, inputs, new Conv2DNhwc(depthwise, c.strides(), c.dilations(), c.padding(), c.activation()));
        return true;
    }

    private boolean pool(Node n, Pool2D p, OpContext ctx) {
        if (!is4d(n.input(0))) {
            return false;
        }
        Window2D w = p.window(ctx);
        if (p.countIncludePad() && p.kind() == Pool2D.Kind.AVERAGE && !w.unpadded()) {
            return false;   // NHWC averages count only the cells inside the input (TFLite's rule)
        }
        emit(n, List.of(nhwcOf(n.input(0))), new Pool2DNhwc(p.kind(), p.window(), p.strides(), p.padding(), null));
        return true;
    }

    /** A dense layer: 2-D activations times a constant float weight becomes FullyConnected with weight [N][K]. */
    private boolean dense(Node n, MatMul m, OpContext ctx) {
        if (m.transposeA() || !isFloatConst(n.input(1)) || ctx.shape(0).rank() != 2) {
            return false;
        }
        MatMul.Dims d = m.dims(ctx);
        String weight = n.input(1);
        int[] columns = flattenedNhwc.get(n.input(0));
        if (!m.transposeB() || columns != null) {
            float[] w = in.tensor(weight).data().asFloats();   // [K][N] or [N][K] -> [N][K], columns in the input's order
            float[] t = new float[w.length];
            for (int k = 0; k < d.k(); k++) {
                int from = columns == null ? k : columns[k];
                for (int j = 0; j < d.n(); j++) {
                    t[j * d.k() + k] = m.transposeB() ? w[j * d.k() + from] : w[from * d.n() + j];
                }
            }
            weight = constant(weight + (columns == null ? "_nk" : "_nhwc"), ConstData.ofFloats(t), Shape.of(d.n(), d.k()),
                    in.tensor(weight).sourceName());
        }
        String input = columns == null ? modelLayout(n.input(0)) : n.input(0);
        List<String> inputs = new ArrayList<>(List.of(input, weight));
        if (n.inputs().size() == 3) {
            inputs.add(n.input(2));
        }
        emitModelLayout(n, inputs, new FullyConnected(m.activation(), false));
        return true;
    }

    private boolean binary(Node n, Binary b) {
        String x = n.input(0);
        String y = n.input(1);
        boolean any = hasNhwc(x) || hasNhwc(y);
        if (!any) {
            return false;
        }
        Shape sx = in.type(x).shape();
        Shape sy = in.type(y).shape();
        List<String> inputs = new ArrayList<>();
        for (String t : List.of(x, y)) {
            Shape s = in.type(t).shape();
            if (s.rank() == 4 && !isConst(t)) {
                inputs.add(nhwcOf(t));
            } else if (isConst(t) && in.tensor(t).data().dtype() == DType.FLOAT32 && s.rank() <= 4
                    && Math.max(sx.rank(), sy.rank()) == 4) {
                inputs.add(constantToNhwc(t, s));
            } else if (s.elementCount() == 1) {
                inputs.add(t);
            } else {
                return false;
            }
        }
        emit(n, inputs, b);
        return true;
    }

    private boolean mean(Node n, ReduceMean r, OpContext ctx) {
        if (!is4d(n.input(0)) || !hasNhwc(n.input(0)) || (n.inputs().size() == 2 && !isConst(n.input(1)))) {
            return false;
        }
        long[] given = n.inputs().size() == 2 ? ctx.constantLongs(1, "axis")
                : r.axes() == null ? new long[0] : r.axes().stream().mapToLong(Long::longValue).toArray();
        if (given.length == 0) {
            return false;   // every axis: leave it to the model's layout
        }
        Shape s = ctx.shape(0);
        boolean[] reduced = new boolean[4];
        for (long a : given) {
            reduced[s.normalizeAxis(a, "reduce")] = true;
        }
        List<Long> axes = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            if (reduced[a]) {
                axes.add((long) AXIS[a]);
            }
        }
        axes.sort(null);
        ReduceMean m = new ReduceMean(axes, r.keepDims());
        if (r.keepDims()) {
            emit(n, List.of(nhwcOf(n.input(0))), m);
            return true;
        }
        if (reduced[2] && reduced[3]) {
            // H and W gone: what remains ([N, C], [C], [N] or a scalar) is in the same order in both layouts
            emitModelLayout(n, List.of(nhwcOf(n.input(0))), m);
            return true;
        }
        return false;
    }

    /** A node this pass does not convert: it reads its 4-D inputs in the model's layout. */
    private void keep(Node n) {
        List<String> inputs = n.inputs().stream().map(this::modelLayout).toList();
        nodes.add(n.withInputs(inputs));
        for (String o : n.outputs()) {
            nchw.put(o, o);
        }
    }

    // ---------------------------------------------------------------------------------------------- tensors

    /** The converted node, writing its output in NHWC (renamed when the model's output must keep the name). */
    private void emit(Node n, List<String> inputs, Op op) {
        String out = n.output();
        String name = in.isGraphOutput(out) ? names.tensor(out + "_nhwc") : out;
        TensorType old = in.type(out);
        tensors.put(name, Tensor.value(name, null));
        nodes.add(new Node(n.name(), n.opType(), inputs, List.of(name), op, n.scope(), List.of()));
        nhwc.put(out, name);
        if (old.shape().rank() != 4) {
            nchw.put(out, name);   // not a 4-D tensor: both layouts are the same
        }
    }

    /** The converted node, writing a tensor whose layout is the model's (rank other than 4, or the same bytes). */
    private void emitModelLayout(Node n, List<String> inputs, Op op) {
        tensors.put(n.output(), Tensor.value(n.output(), null));
        nodes.add(new Node(n.name(), n.opType(), inputs, List.of(n.output()), op, n.scope(), n.exportedTypes()));
        nchw.put(n.output(), n.output());
    }

    private boolean hasNhwc(String t) {
        return nhwc.containsKey(t);
    }

    private boolean is4d(String t) {
        return in.type(t).shape().rank() == 4;
    }

    private boolean isConst(String t) {
        return in.tensor(t).isConstant();
    }

    private boolean isFloatConst(String t) {
        return isConst(t) && in.tensor(t).data().dtype() == DType.FLOAT32;
    }

    /** Whether a 4-D NCHW shape and its NHWC transpose lay out the same bytes (C = 1 or H x W = 1). */
    private static boolean sameBytes(Shape nchwShape) {
        return nchwShape.dim(1) == 1 || (long) nchwShape.dim(2) * nchwShape.dim(3) == 1;
    }

    /** The NHWC version of a 4-D tensor, made from its model-layout version on first use. */
    private String nhwcOf(String t) {
        String have = nhwc.get(t);
        if (have != null) {
            return have;
        }
        Shape s = in.type(t).shape();
        String name = names.tensor(t + "_nhwc");
        relayout(nchw.get(t), name, s, Shape.of(s.dim(0), s.dim(2), s.dim(3), s.dim(1)), TO_NHWC);
        nhwc.put(t, name);
        return name;
    }

    /** The model-layout version of a tensor, made from its NHWC version on first use. */
    private String modelLayout(String t) {
        String have = nchw.get(t);
        if (have != null) {
            return have;
        }
        // a graph output keeps its name (its NHWC producer was given another one, see emit)
        String name = in.isGraphOutput(t) ? t : names.tensor(t + "_nchw");
        relayout(nhwc.get(t), name, in.type(t).shape(), in.type(t).shape(), TO_NCHW);
        nchw.put(t, name);
        return name;
    }

    /** {@code to} = {@code from} permuted by {@code perm}: a view where both layouts are the same bytes. */
    private void relayout(String from, String to, Shape nchwShape, Shape outShape, long[] perm) {
        tensors.put(to, Tensor.value(to, null));
        String scope = "layout/" + to;
        if (sameBytes(nchwShape)) {
            String shape = constant(to + "_shape", ConstData.ofLongs(java.util.Arrays.stream(outShape.dims()).asLongStream().toArray()),
                    Shape.of(4), to + "_shape");
            nodes.add(new Node(names.node("layout_" + to), "Reshape", List.of(from, shape), List.of(to), new Reshape(), scope, List.of()));
        } else {
            String p = constant(perm == TO_NHWC ? "layout_perm_to_nhwc" : "layout_perm_to_nchw", ConstData.ofLongs(perm), Shape.of(4), null);
            nodes.add(new Node(names.node("layout_" + to), "Transpose", List.of(from, p), List.of(to), new Transpose(), scope, List.of()));
        }
    }

    /** A constant operand permuted from NCHW (right-aligned to 4 axes) to NHWC. */
    private String constantToNhwc(String t, Shape s) {
        int[] d = new int[4];
        java.util.Arrays.fill(d, 1);
        for (int i = 0; i < s.rank(); i++) {
            d[4 - s.rank() + i] = s.dim(i);
        }
        float[] v = in.tensor(t).data().asFloats();
        float[] out = new float[v.length];
        for (int n = 0; n < d[0]; n++) {
            for (int c = 0; c < d[1]; c++) {
                for (int h = 0; h < d[2]; h++) {
                    for (int w = 0; w < d[3]; w++) {
                        out[((n * d[2] + h) * d[3] + w) * d[1] + c] = v[((n * d[1] + c) * d[2] + h) * d[3] + w];
                    }
                }
            }
        }
        return constant(t + "_nhwc", ConstData.ofFloats(out), Shape.of(d[0], d[2], d[3], d[1]), in.tensor(t).sourceName());
    }

    private String constant(String wanted, ConstData data, Shape shape, String source) {
        if (tensors.containsKey(wanted) && tensors.get(wanted).isConstant() && tensors.get(wanted).data().equals(data)) {
            return wanted;
        }
        String name = names.tensor(wanted);
        DType dtype = data.dtype();
        tensors.put(name, new Tensor(name, TensorType.of(dtype, shape), data, source == null ? name : source));
        return name;
    }

}
