package org.microcodegen.lower;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.OpContext;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pool2DNhwc;
import org.microcodegen.ops.RowJoin;
import org.microcodegen.ops.RowWindow;
import org.microcodegen.ops.SlidingWindow;
import org.microcodegen.ops.Window2D;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row-band fused execution of a chain of NHWC sliding-window layers (the MCUNetV2 idea): the chain's
 * last output is computed a band of full-width rows at a time, and every intermediate tensor exists only
 * as the band of rows the next layer needs for that band. A full-width band of a batch-1 NHWC tensor is
 * contiguous, so each band layer is an ordinary layer (same op, same weights) over fewer rows, with the
 * original top padding in the first band, the bottom padding in the last and none in between: the
 * kernels compute exactly the rows of the whole layer. Rows that two neighbouring bands both need (the
 * halo of a window taller than its stride) are computed again for each band rather than kept: every band
 * is then independent, needs no state between bands and no kernel change.
 *
 * <p>The rewrite is a graph: a {@link RowWindow} view gives the first layer its input rows, one node per
 * layer and band computes the band, and a {@link RowJoin} view places the last layer's bands in the
 * chain's output tensor, so lowering, the memory planner and its verifier treat band buffers like any
 * other tensor. Whether it pays is the compiler's call: it plans both and keeps the smaller arena.
 */
public final class RowBands {
    private RowBands() {
    }

    /**
     * A chain computed in bands: the original layers (node names), the rows of the last one's output, the rows
     * each band computes, and per intermediate tensor (all layers but the last) the bytes of its largest band.
     */
    public record Fusion(List<String> layers, int outputRows, int bandRows, List<Long> bandBytes) {
        public Fusion {
            layers = List.copyOf(layers);
            bandBytes = List.copyOf(bandBytes);
        }

        public int bands() {
            return (outputRows + bandRows - 1) / bandRows;
        }
    }

    /** A graph with a chain in bands, and what was fused. */
    public record Banded(Graph graph, Fusion fusion) {
    }

    /** When the compiler computes layers in row bands (`--row-bands`). */
    public enum Policy {
        /** Only when the model does not fit the board's RAM layer by layer and does in bands: the fastest plan that fits. */
        AUTO,
        /** Whenever bands lower the arena (within the recomputation budget): the smallest arena. */
        ON,
        /** Never. */
        OFF;

        public static Policy byName(String name) {
            for (Policy p : values()) {
                if (p.name().toLowerCase(java.util.Locale.ROOT).equals(name)) {
                    return p;
                }
            }
            throw new org.microcodegen.ir.CompileException("unknown --row-bands '" + name + "': expected auto, on or off");
        }
    }

    /** Which rule decided. */
    public enum Rule {
        /** No banding within the recomputation budget lowers the arena. */
        NO_SAVING,
        /** `--row-bands on`: the smallest arena. */
        ASKED,
        /** auto: the arena fits the board's RAM layer by layer, so the faster plan stays. */
        FITS,
        /** auto: only the banded arena fits the board's RAM. */
        NEEDED,
        /** auto: neither arena fits the board's RAM (the fit check then refuses the model). */
        NEITHER_FITS,
        /** auto without a board (host, library, Java target): no RAM to fit, so the faster plan stays. */
        NO_BOARD
    }

    /**
     * What the compiler decided for the fusable chain at the start of the graph: {@code fusion} is null when it
     * kept layer-by-layer execution; {@code arenaAfter} and {@code extraMacs} are the best banding's arena and
     * the MACs recomputing its halo rows costs, whether or not it was taken ({@code rule} says why).
     */
    public record Decision(List<String> chain, Fusion fusion, long arenaBefore, long arenaAfter, long extraMacs, Rule rule) {
        public Decision {
            chain = List.copyOf(chain);
        }

        public boolean fused() {
            return fusion != null;
        }
    }

    /**
     * The longest run of layers that can be fused, from the first sliding-window layer of the schedule:
     * NHWC convolutions, depthwise convolutions and pools over a batch-1 4-D tensor with constant weights,
     * each read only by the next (no other reader, not a graph output). Fewer than two layers: empty.
     */
    public static List<Node> chain(Graph g) {
        List<Node> nodes = g.nodes();
        int start = 0;
        while (start < nodes.size() && !fusable(g, nodes.get(start))) {
            start++;
        }
        List<Node> chain = new ArrayList<>();
        for (int i = start; i < nodes.size() && fusable(g, nodes.get(i)); i++) {
            Node n = nodes.get(i);
            if (!chain.isEmpty()) {
                Node prev = chain.get(chain.size() - 1);
                if (!n.input(0).equals(prev.output()) || g.consumers(prev.output()).size() != 1 || g.isGraphOutput(prev.output())) {
                    break;
                }
            }
            chain.add(n);
        }
        return chain.size() >= 2 ? List.copyOf(chain) : List.of();
    }

    private static boolean fusable(Graph g, Node n) {
        if (!(n.op() instanceof Conv2DNhwc || n.op() instanceof Pool2DNhwc) || n.outputs().size() != 1) {
            return false;
        }
        for (int i = 1; i < n.inputs().size(); i++) {
            if (!g.tensor(n.input(i)).isConstant()) {
                return false;
            }
        }
        TensorType in = g.type(n.input(0));
        return in.shape().rank() == 4 && in.shape().dim(0) == 1 && g.type(n.output()).shape().dim(0) == 1;
    }

    /**
     * {@code g} with the first {@code length} layers of {@code chain} computed {@code bandRows} rows of the
     * last one's output at a time, or null when some band of some layer would read no input row at all
     * (only padding: such a band cannot be a layer of its own).
     */
    public static Banded banded(Graph g, List<Node> chain, int length, int bandRows, String file) {
        List<Node> fused = chain.subList(0, length);
        Node last = fused.get(length - 1);
        int outRows = g.type(last.output()).shape().dim(1);
        List<Window2D> windows = new ArrayList<>();
        for (Node n : fused) {
            windows.add(((SlidingWindow) n.op()).window(OpContext.of(g, n, file)));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(g.tensors());
        for (Node n : fused.subList(0, length - 1)) {
            tensors.remove(n.output());
        }
        long[] bandBytes = new long[length - 1];
        List<Node> bandNodes = new ArrayList<>();
        List<String> bandOutputs = new ArrayList<>();
        int band = 0;
        for (int y0 = 0; y0 < outRows; y0 += bandRows, band++) {
            int[][] rows = new int[length + 1][];
            Padding.Explicit[] pads = new Padding.Explicit[length];
            rows[length] = new int[] {y0, Math.min(outRows, y0 + bandRows)};
            for (int i = length - 1; i >= 0; i--) {
                Window2D w = windows.get(i);
                int inRows = g.type(fused.get(i).input(0)).shape().dim(1);
                int u0 = rows[i + 1][0] * w.strideH() - w.padTop();
                int u1 = (rows[i + 1][1] - 1) * w.strideH() - w.padTop() + (w.kH() - 1) * w.dilationH() + 1;
                int r0 = Math.max(0, u0);
                int r1 = Math.min(inRows, u1);
                if (r1 <= r0) {
                    return null;
                }
                rows[i] = new int[] {r0, r1};
                pads[i] = new Padding.Explicit(r0 - u0, u1 - r1, w.padLeft(), w.padRight());
            }
            String input = fresh(tensors, fused.get(0).input(0) + ".band" + band);
            tensors.put(input, Tensor.value(input, bandType(g, fused.get(0).input(0), rows[0])));
            bandNodes.add(new Node(fused.get(0).name() + ".rows" + band, "ROW_WINDOW", List.of(fused.get(0).input(0)), List.of(input),
                    new RowWindow(rows[0][0], rows[0][1] - rows[0][0]), bandScope(fused.get(0).scope(), "rows" + band), List.of()));
            for (int i = 0; i < length; i++) {
                Node n = fused.get(i);
                String out = fresh(tensors, n.output() + ".band" + band);
                TensorType type = bandType(g, n.output(), rows[i + 1]);
                tensors.put(out, Tensor.value(out, type));
                if (i < length - 1) {
                    bandBytes[i] = Math.max(bandBytes[i], type.byteSize());
                }
                List<String> inputs = new ArrayList<>(n.inputs());
                inputs.set(0, input);
                bandNodes.add(new Node(n.name() + ".band" + band, n.opType(), inputs, List.of(out), withPadding(n, pads[i]),
                        bandScope(n.scope(), "band" + band), List.of()));
                input = out;
            }
            bandOutputs.add(input);
        }
        bandNodes.add(new Node(last.name() + ".join", "ROW_JOIN", bandOutputs, List.of(last.output()), new RowJoin(),
                bandScope(last.scope(), "bands"), List.of()));
        List<Node> nodes = new ArrayList<>();
        int first = g.nodes().indexOf(fused.get(0));
        nodes.addAll(g.nodes().subList(0, first));
        nodes.addAll(bandNodes);
        nodes.addAll(g.nodes().subList(first + length, g.nodes().size()));
        List<Long> bytes = java.util.Arrays.stream(bandBytes).boxed().toList();
        return new Banded(g.withNodes(nodes, tensors), new Fusion(fused.stream().map(Node::scope).toList(), outRows, bandRows, bytes));
    }

    /**
     * The band heights worth trying for a chain output of {@code outRows} rows, fewest bands first: one per
     * distinct band count from two bands on, as tall as that count allows, at most {@code maxBandLayers / length}
     * bands (each band is a call per layer: code and parameter objects grow with the count).
     */
    public static List<Integer> bandHeights(int outRows, int length, int maxBandLayers) {
        List<Integer> heights = new ArrayList<>();
        for (int bands = 2; bands <= outRows && bands * length <= maxBandLayers; bands++) {
            int h = (outRows + bands - 1) / bands;
            if (heights.isEmpty() || heights.get(heights.size() - 1) != h) {
                heights.add(h);
            }
        }
        return heights;
    }

    private static TensorType bandType(Graph g, String tensor, int[] rows) {
        TensorType t = g.type(tensor);
        return t.withShape(org.microcodegen.ir.Shape.of(1, rows[1] - rows[0], t.shape().dim(2), t.shape().dim(3)));
    }

    /** The layer's op with explicit padding (the band's own top and bottom, the layer's left and right). */
    private static Op withPadding(Node n, Padding.Explicit pads) {
        if (n.op() instanceof Conv2DNhwc c) {
            return new Conv2DNhwc(c.depthwise(), c.strides(), c.dilations(), pads, c.activation());
        }
        Pool2DNhwc p = (Pool2DNhwc) n.op();
        return new Pool2DNhwc(p.kind(), p.window(), p.strides(), pads, p.activation());
    }

    /** The layer's scope with its module marked by {@code tag} ("band3"), so each band layer has a name of its own. */
    private static String bandScope(String scope, String tag) {
        int slash = scope.lastIndexOf('/');
        return slash < 0 ? scope + "_" + tag + "/" + scope : scope.substring(0, slash) + "_" + tag + scope.substring(slash);
    }

    private static String fresh(Map<String, Tensor> tensors, String base) {
        String name = base;
        for (int i = 2; tensors.containsKey(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
