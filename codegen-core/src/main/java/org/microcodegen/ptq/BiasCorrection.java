package org.microcodegen.ptq;

import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.passes.ShapeInference;
import org.microcodegen.quant.Reference;
import org.microcodegen.quant.WeightQuantizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bias correction (MindSpore Lite's bias_correction, on by default): quantizing a layer's weights shifts
 * the mean of its output per channel, E[(W - Wq) x], which a ReLU or the next layer does not average away.
 * That shift is measured on the calibration data (each layer fed its float input, so the layers' errors do
 * not mix) and added to the float bias before the bias is quantized: the int8 layer's output then has the
 * float layer's mean. The weight quantization is the very one {@code QuantizeInt8} applies.
 */
final class BiasCorrection {

    private final Graph g;
    private final Map<Node, Probe> probes = new LinkedHashMap<>();

    /** Probes for every convolution and dense layer of {@code g} (an NHWC float graph). */
    BiasCorrection(Graph g, Reference reference, String file) {
        this.g = g;
        for (Node n : g.nodes()) {
            Op op = Op.of(n);
            if ((op instanceof Conv2DNhwc || op instanceof FullyConnected) && g.tensor(n.input(1)).isConstant()) {
                probes.put(n, new Probe(g, n, reference, file));
            }
        }
    }

    /** One calibration sample: every tensor of the float graph's run, by name. */
    void add(Map<String, Object> values) {
        for (Map.Entry<Node, Probe> e : probes.entrySet()) {
            e.getValue().add((float[]) values.get(e.getKey().input(0)));
        }
    }

    /** The graph with every probed layer's bias corrected by the mean shift measured so far. */
    Graph apply() {
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Probe p = probes.get(n);
            if (p == null) {
                nodes.add(n);
                continue;
            }
            double[] shift = p.meanPerChannel();
            float[] bias = n.inputs().size() == 3 ? g.tensor(n.input(2)).data().asFloats() : new float[shift.length];
            float[] corrected = new float[bias.length];
            for (int c = 0; c < bias.length; c++) {
                corrected[c] = (float) (bias[c] + shift[c]);
            }
            String name = (n.inputs().size() == 3 ? n.input(2) : n.input(1) + "_bias") + "_corrected";
            while (tensors.containsKey(name)) {
                name = name + "_";
            }
            String source = n.inputs().size() == 3 ? g.tensor(n.input(2)).sourceName() : name;
            tensors.put(name, new Tensor(name, TensorType.f32(bias.length), ConstData.ofFloats(corrected), source));
            nodes.add(n.withInputs(List.of(n.input(0), n.input(1), name)));
        }
        return new Graph(g.name(), tensors, nodes, g.inputs(), g.outputs());
    }

    /** One layer run with W - Wq and no bias or activation: its output's mean per channel is the shift. */
    private static final class Probe {
        private final GraphInterpreter layer;
        private final String out;
        private final double[] sum;
        private long count;

        Probe(Graph g, Node n, Reference reference, String file) {
            Op op = Op.of(n);
            Tensor w = g.tensor(n.input(1));
            int[] dims = w.type().shape().dims();
            int axis = op instanceof Conv2DNhwc c && c.depthwise() ? 3 : 0;
            float[] weight = w.data().asFloats();
            float[] dq = WeightQuantizer.symmetric(weight, dims, axis, 8).dequantized(dims, axis);
            float[] delta = new float[weight.length];
            for (int i = 0; i < delta.length; i++) {
                delta[i] = weight[i] - dq[i];
            }
            Op bare = op instanceof Conv2DNhwc c ? new Conv2DNhwc(c.depthwise(), c.strides(), c.dilations(), c.padding(), FusedActivation.NONE)
                    : new FullyConnected(FusedActivation.NONE, ((FullyConnected) op).keepNumDims());
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("x", Tensor.value("x", g.type(n.input(0))));
            t.put("w", new Tensor("w", w.type(), ConstData.ofFloats(delta), "w"));
            t.put("y", Tensor.value("y", null));
            Node probe = new Node("probe", n.opType(), List.of("x", "w"), List.of("y"), bare, n.scope(), List.of());
            Graph one = ShapeInference.run(new Graph("probe", t, List.of(probe), List.of("x"), List.of("y")), file);
            this.layer = new GraphInterpreter(one, reference, file);
            this.out = "y";
            Shape s = one.type("y").shape();
            this.sum = new double[s.dim(s.rank() - 1)];
        }

        void add(float[] input) {
            float[] y = (float[]) layer.run(List.of(input), null).get(out);
            int c = sum.length;
            for (int i = 0; i < y.length; i++) {
                sum[i % c] += y[i];
            }
            count += y.length / c;
        }

        double[] meanPerChannel() {
            double[] m = new double[sum.length];
            for (int c = 0; c < m.length; c++) {
                m[c] = count == 0 ? 0 : sum[c] / count;
            }
            return m;
        }
    }
}
