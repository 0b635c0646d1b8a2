package org.microcodegen;

import org.junit.jupiter.api.Test;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.lower.RowBands;
import org.microcodegen.ops.Concat;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.RowJoin;
import org.microcodegen.ops.RowWindow;
import org.microcodegen.plan.BufferRequest;
import org.microcodegen.plan.MemoryPlan;
import org.microcodegen.plan.MemoryPlans;
import org.microcodegen.plan.TensorPlacement;
import org.microcodegen.target.Board;
import org.microcodegen.target.Target;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row-band decision and its memory plan on small float NHWC graphs (MobileNet-like heads): the compiler fuses
 * a leading chain only when the arena shrinks, every band is placed where its rows belong, the verifier rejects a
 * band buffer moved onto a live tensor, and {@code withRowBands(OFF)} leaves the graph whole. That the banded
 * layers compute the same bytes is shown end to end against LiteRT (tests module, RowBandsTest).
 */
class RowBandsTest {
    private static final String FILE = "m.tflite";

    /** Builds a float NHWC graph one layer at a time. */
    private static final class Builder {
        final Map<String, Tensor> tensors = new LinkedHashMap<>();
        final List<Node> nodes = new ArrayList<>();
        String last = "x";
        int channels;

        Builder(int h, int w, int c) {
            tensors.put("x", Tensor.value("x", TensorType.f32(1, h, w, c)));
            channels = c;
        }

        Builder conv(int k, int stride, int outC, boolean depthwise) {
            int n = nodes.size();
            String w = "w" + n;
            String b = "b" + n;
            int weights = depthwise ? k * k * channels : outC * k * k * channels;
            float[] values = new float[weights];
            for (int i = 0; i < weights; i++) {
                values[i] = ((i * 7 + n) % 11 - 5) / 8f;
            }
            TensorType wt = depthwise ? TensorType.f32(1, k, k, channels) : TensorType.f32(outC, k, k, channels);
            tensors.put(w, new Tensor(w, wt, ConstData.ofFloats(values), w));
            int biasC = depthwise ? channels : outC;
            tensors.put(b, new Tensor(b, TensorType.f32(biasC), ConstData.ofFloats(new float[biasC]), b));
            String y = "y" + n;
            Conv2DNhwc op = new Conv2DNhwc(depthwise, Pair.of(stride), Pair.of(1), new Padding.Same(), FusedActivation.RELU6);
            add(new Node("n" + n, depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D", List.of(last, w, b), List.of(y), op, "net/layer" + n + "/op", List.of()));
            channels = biasC;
            return this;
        }

        Builder concatConstant(int extraChannels, int h, int w) {
            String c = "c" + nodes.size();
            tensors.put(c, new Tensor(c, TensorType.f32(1, h, w, extraChannels), ConstData.ofFloats(new float[h * w * extraChannels]), c));
            String y = "y" + nodes.size();
            add(new Node("n" + nodes.size(), "CONCATENATION", List.of(last, c), List.of(y), new Concat(3), "net/concat/op", List.of()));
            channels += extraChannels;
            return this;
        }

        private void add(Node n) {
            nodes.add(n);
            Graph partial = new Graph("g", tensors, nodes, List.of("x"), List.of(n.input(0)));
            TensorType out = Op.of(n).inferOutputs(n, org.microcodegen.ops.OpContext.of(partial, n, FILE)).get(0);
            tensors.put(n.output(), Tensor.value(n.output(), out));
            last = n.output();
        }

        Graph graph() {
            return new Graph("g", tensors, nodes, List.of("x"), List.of(last));
        }
    }

    /** Stem conv 3x3/2, depthwise 3x3, pointwise x2, depthwise 3x3/2, pointwise: the big tensors come first. */
    private static Graph mobileNetHead(int size) {
        return new Builder(size, size, 1).conv(3, 2, 8, false).conv(3, 1, 0, true).conv(1, 1, 16, false)
                .conv(3, 2, 0, true).conv(1, 1, 8, false).graph();
    }

    private static CompiledModel compile(Graph g, boolean rowBands) {
        return compile(g, rowBands ? RowBands.Policy.ON : RowBands.Policy.OFF, null);
    }

    private static CompiledModel compile(Graph g, RowBands.Policy policy, Board board) {
        return Compiler.lower(g, "m", FILE, Target.byName(board == null ? "host" : "cortex-m4"),
                CompileOptions.DEFAULTS.withRowBands(policy).withBoard(board));
    }

    /** The RAM a board needs for {@code g} with an arena of {@code arena} bytes: FitCheck's figure, computed here by hand. */
    private static long ramFor(Graph g, long arena, Board board) {
        long outputs = g.outputs().stream().mapToLong(t -> org.microcodegen.plan.Align.up(g.type(t).byteSize(), 8)).sum();
        return board.stackSize() + org.microcodegen.plan.Align.up(arena, 8) + outputs;
    }

    @Test
    void autoBandsOnlyWhenTheModelDoesNotFitTheBoardWithout() {
        Graph g = mobileNetHead(96);
        Board m4 = Board.byName("mps2-an386");
        CompiledModel asked = compile(g, RowBands.Policy.ON, m4);
        RowBands.Decision on = asked.rowBands();
        assertTrue(on.fused());
        assertEquals(RowBands.Rule.ASKED, on.rule());
        long whole = ramFor(g, on.arenaBefore(), m4);
        long banded = ramFor(g, on.arenaAfter(), m4);
        assertTrue(banded < whole);

        RowBands.Decision fits = compile(g, RowBands.Policy.AUTO, m4.withMemory(whole, null)).rowBands();
        assertFalse(fits.fused(), "the layer-by-layer plan fits exactly: the faster plan stays");
        assertEquals(RowBands.Rule.FITS, fits.rule());
        assertEquals(on.arenaAfter(), fits.arenaAfter(), "the saving bands would give is still reported");
        assertEquals(on.extraMacs(), fits.extraMacs());

        CompiledModel needed = compile(g, RowBands.Policy.AUTO, m4.withMemory(whole - 1, null));
        assertTrue(needed.rowBands().fused(), "one byte short of the layer-by-layer plan: bands");
        assertEquals(RowBands.Rule.NEEDED, needed.rowBands().rule());
        assertEquals(asked.arenaBytes(), needed.arenaBytes());

        RowBands.Decision neither = compile(g, RowBands.Policy.AUTO, m4.withMemory(banded - 1, null)).rowBands();
        assertFalse(neither.fused());
        assertEquals(RowBands.Rule.NEITHER_FITS, neither.rule());

        RowBands.Decision host = compile(g, RowBands.Policy.AUTO, null).rowBands();
        assertFalse(host.fused());
        assertEquals(RowBands.Rule.NO_BOARD, host.rule());
        assertNull(compile(g, RowBands.Policy.OFF, m4.withMemory(banded, null)).rowBands(), "off never bands");
    }

    @Test
    void fusesTheLeadingChainWhenItLowersTheArena() {
        Graph g = mobileNetHead(96);
        CompiledModel whole = compile(g, false);
        CompiledModel banded = compile(g, true);
        assertNull(whole.rowBands());
        assertFalse(whole.graph().nodes().stream().anyMatch(n -> n.op() instanceof RowWindow));

        RowBands.Decision d = banded.rowBands();
        assertNotNull(d);
        assertTrue(d.fused(), "the head's 48x48x16 tensor dominates the arena: bands must be chosen");
        assertEquals(whole.arenaBytes(), d.arenaBefore());
        assertEquals(banded.arenaBytes(), d.arenaAfter());
        assertTrue(banded.arenaBytes() < whole.arenaBytes(), banded.arenaBytes() + " vs " + whole.arenaBytes());
        assertTrue(d.extraMacs() > 0, "3x3 windows share rows between bands: some are recomputed");
        assertTrue(d.extraMacs() <= Compiler.MAX_RECOMPUTED_MACS * whole.macs(), d.extraMacs() + " MACs recomputed");
        assertEquals(whole.macs(), banded.macs(), "the model's MACs are reported without the recomputed rows");
        RowBands.Fusion f = d.fusion();
        assertEquals(f.layers().size() - 1, f.bandBytes().size());
        long joins = banded.graph().nodes().stream().filter(n -> n.op() instanceof RowJoin).count();
        long windows = banded.graph().nodes().stream().filter(n -> n.op() instanceof RowWindow).count();
        assertEquals(1, joins);
        assertEquals(f.bands(), windows);
    }

    @Test
    void bandsSitWhereTheirRowsBelongAndPaddingOnlyAtTheBorders() {
        Graph g = mobileNetHead(32);
        List<Node> chain = RowBands.chain(g);
        assertEquals(5, chain.size());
        RowBands.Banded b = RowBands.banded(g, chain, 3, 4, FILE);
        Graph fused = b.graph();
        // layer 3 (pointwise) has 16 output rows: 4 bands of 4; the 3x3/2 stem needs input rows [0, 17) for the first
        Node join = fused.nodes().stream().filter(n -> n.op() instanceof RowJoin).findFirst().orElseThrow();
        assertEquals(4, join.inputs().size());
        List<Node> stems = fused.nodes().stream().filter(n -> n.name().startsWith("n0.band")).toList();
        assertEquals(4, stems.size());
        Padding.Explicit first = (Padding.Explicit) ((Conv2DNhwc) stems.get(0).op()).padding();
        Padding.Explicit middle = (Padding.Explicit) ((Conv2DNhwc) stems.get(1).op()).padding();
        Padding.Explicit last = (Padding.Explicit) ((Conv2DNhwc) stems.get(3).op()).padding();
        // SAME 3x3/2 over 32 rows pads 0 on top and 1 at the bottom; bands inside pad nothing vertically
        assertEquals(0, first.top());
        assertEquals(0, first.bottom());
        assertEquals(0, middle.top() + middle.bottom());
        assertEquals(1, last.bottom());
        assertEquals(first.left(), middle.left());
        CompiledModel m = Compiler.lower(fused, "m", FILE, Target.byName("host"), CompileOptions.DEFAULTS.withRowBands(RowBands.Policy.OFF));
        TensorPlacement p = m.placement();
        String out = join.output();
        long rowBytes = fused.type(out).byteSize() / fused.type(out).shape().dim(1);
        long row = 0;
        for (String band : join.inputs()) {
            TensorPlacement.Storage s = p.of(band);
            assertEquals(p.of(out).anchor(), s.anchor(), band + " lives in the joined tensor's buffer");
            assertEquals(p.of(out).within() + row * rowBytes, s.within(), band + " starts at its first row");
            row += fused.type(band).shape().dim(1);
        }
        assertEquals(16, row);
    }

    @Test
    void verifierRejectsABandBufferMovedOntoALiveTensor() {
        // the chain's output feeds a concatenation, so it lives in the arena while the bands are computed
        Graph g = new Builder(96, 96, 1).conv(3, 2, 8, false).conv(3, 1, 0, true).conv(1, 1, 16, false)
                .conv(3, 2, 0, true).conv(1, 1, 8, false).concatConstant(1, 24, 24).conv(1, 1, 4, false).graph();
        CompiledModel m = compile(g, true);
        assertTrue(m.rowBands().fused());
        TensorPlacement p = m.placement();
        List<BufferRequest> requests = p.requests();
        MemoryPlan plan = p.plan();
        MemoryPlans.verify(requests, p.overlaps(), plan);
        // a band of an intermediate tensor (not the joined output) and a buffer live with it that no overlap rule pairs it with
        BufferRequest band = null;
        BufferRequest other = null;
        for (BufferRequest r : requests) {
            boolean intermediateBand = r.name().contains(".band")
                    && m.graph().consumers(r.name()).stream().noneMatch(c -> c.op() instanceof RowJoin);
            for (BufferRequest o : requests) {
                if (intermediateBand && other == null && o != r && o.livesWith(r) && p.overlaps().stream()
                        .noneMatch(ov -> List.of(ov.output(), ov.input()).containsAll(List.of(r.name(), o.name())))) {
                    band = r;
                    other = o;
                }
            }
        }
        assertNotNull(band, "some band buffer lives while another buffer does: " + requests);
        BufferRequest moving = band;
        Map<String, Long> offsets = new HashMap<>(plan.offsets());
        offsets.put(moving.name(), plan.offsetOf(other.name()));
        long arena = offsets.entrySet().stream().mapToLong(e -> e.getValue() + requests.stream()
                .filter(r -> r.name().equals(e.getKey())).findFirst().orElseThrow().size()).max().orElseThrow();
        MemoryPlan moved = new MemoryPlan(offsets, org.microcodegen.plan.Align.up(arena, plan.alignment()), plan.lowerBound(), plan.alignment());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MemoryPlans.verify(requests, p.overlaps(), moved));
        assertTrue(e.getMessage().contains(moving.name()) && e.getMessage().contains("overlap"), e.getMessage());
    }

    @Test
    void declinesWhenBandsWouldNotLowerTheArena() {
        // the arena peaks at the concatenation after the chain (its output is 8x8x130 floats): bands cannot help
        Graph g = new Builder(8, 8, 2).conv(3, 1, 2, false).conv(3, 1, 0, true).concatConstant(128, 8, 8)
                .conv(1, 1, 4, false).graph();
        assertEquals(2, RowBands.chain(g).size());
        CompiledModel m = compile(g, true);
        RowBands.Decision d = m.rowBands();
        assertNotNull(d);
        assertFalse(d.fused());
        assertNull(d.fusion());
        assertEquals(d.arenaBefore(), m.arenaBytes());
        assertTrue(d.arenaAfter() >= d.arenaBefore());
        assertEquals(RowBands.Rule.NO_SAVING, d.rule());
        assertFalse(m.graph().nodes().stream().anyMatch(n -> n.op() instanceof RowWindow || n.op() instanceof RowJoin));
        assertEquals(compile(g, false).arenaBytes(), m.arenaBytes());
    }
}
