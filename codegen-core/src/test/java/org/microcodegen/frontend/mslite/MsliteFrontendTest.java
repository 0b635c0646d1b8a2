package org.microcodegen.frontend.mslite;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.Pool2DNhwc;
import org.microcodegen.ops.ReduceMean;
import org.microcodegen.ops.Reshape;
import org.microcodegen.ops.Transpose;
import org.microcodegen.ops.Unary;
import org.microcodegen.ops.ExpandDims;
import org.microcodegen.ops.Binary;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared .ms models translated into canonical ops with MindSpore Lite's semantics. */
class MsliteFrontendTest {
    @Test
    void lenetMapsToNhwcOps() {
        Graph g = new MsliteFrontend().load(SharedMsModels.model(SharedMsModels.LENET));
        List<Object> ops = g.nodes().stream().map(n -> (Object) n.op()).toList();
        Conv2DNhwc conv = new Conv2DNhwc(false, Pair.of(1), Pair.of(1), Padding.none(), FusedActivation.NONE);
        Pool2DNhwc pool = new Pool2DNhwc(Pool2D.Kind.MAX, Pair.of(2), Pair.of(2), Padding.none(), FusedActivation.NONE);
        Unary relu = new Unary(Unary.Function.RELU);
        FullyConnected fc = new FullyConnected(FusedActivation.NONE, true);
        assertEquals(List.of(conv, relu, pool, conv, relu, pool, new Transpose(), new Reshape(), fc, relu, fc, relu, fc), ops);
        assertEquals(List.of("t0"), g.inputs());
        assertEquals(List.of("t26"), g.outputs());
        Node first = g.nodes().get(0);
        assertEquals(List.of("t0", "t1"), first.inputs());
        assertEquals("Default/network-WithLossCell/_backbone-LeNet5/conv1-Conv2d/Conv2D-op91", first.scope());
        assertEquals(List.of("t12", "t13", "t15"), g.nodes().get(8).inputs());
    }

    @Test
    void parallelMapsSamePaddingAndStackAsExpandDims() {
        Graph g = new MsliteFrontend().load(SharedMsModels.model(SharedMsModels.PARALLEL));
        long convs = g.nodes().stream().filter(n -> n.op() instanceof Conv2DNhwc c && c.padding() instanceof Padding.Same).count();
        assertEquals(7, convs);
        assertTrue(g.nodes().stream().anyMatch(n -> n.op().equals(new ReduceMean(null, true))));
        assertTrue(g.nodes().stream().anyMatch(n -> n.op().equals(new Binary(Binary.Function.ADD))));
        Node stack = g.nodes().stream().filter(n -> n.op() instanceof ExpandDims).findFirst().orElseThrow();
        assertEquals(2, stack.inputs().size());
        assertTrue(g.tensors().get(stack.inputs().get(1)).isConstant());
        assertEquals(List.of("t24", "t21", "t17"), g.outputs());
    }

    @Test
    void trainingGraphIsRefusedNamingABackwardOp() {
        var file = SharedMsModels.model(SharedMsModels.TRAINING);
        String m = assertThrows(CompileException.class, () -> new MsliteFrontend().load(file)).getMessage();
        assertEquals(file + ": a training graph (backward op node 6 'Gradients/Default/network-WithLossCell/_backbone-SingleLayer/"
                + "gradFlatten/FlattenGrad-op67' (FlattenGrad)); only inference graphs are compiled: export the inference graph", m);
    }
}
