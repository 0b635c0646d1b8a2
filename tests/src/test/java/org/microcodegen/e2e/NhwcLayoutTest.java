package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.microcodegen.frontend.Frontends;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.passes.NhwcLayout;
import org.microcodegen.passes.PassDumps;
import org.microcodegen.passes.PassManager;
import org.microcodegen.ptq.GraphInterpreter;
import org.microcodegen.quant.Reference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout pass (NCHW float graph -> NHWC canonical ops) computes the same function: every MindIR
 * fixture, rewritten to NHWC and run on the Java kernels, gives MindSpore's outputs within the tolerance
 * every fixture is held to ({@link E2E#compare}). The main networks must come out with no NCHW
 * convolution or pooling left and layout changes only at the graph's edges.
 */
class NhwcLayoutTest {
    /** Ops that are NCHW-only: none may remain in a main network after the pass. */
    private static final Set<String> NCHW_OPS = Set.of("Conv2D", "MaxPool2D", "AvgPool2D", "MatMul");

    static Graph nhwc(Path model) {
        Graph g = PassManager.standard(model.toString()).run(Frontends.load(model), PassDumps.into(null));
        return NhwcLayout.run(g, model.toString());
    }

    static Graph standard(Path model) {
        return PassManager.standard(model.toString()).run(Frontends.load(model), PassDumps.into(null));
    }

    @TestFactory
    Stream<DynamicTest> everyMindIrFixtureGivesMindSporesOutputsInNhwc() {
        return E2E.supportedFixtures().stream().filter(f -> f.model().toString().endsWith(".mindir"))
                .map(f -> DynamicTest.dynamicTest(f.name(), () -> {
                    f.requireModel();
                    Graph g = nhwc(f.model());
                    List<Object> inputs = new ArrayList<>();
                    for (Path in : f.inputs()) {
                        inputs.add(E2E.readFloats(in));
                    }
                    Map<String, Object> values = new GraphInterpreter(g, Reference.LITERT, f.model().toString()).run(inputs, null);
                    for (int i = 0; i < g.outputs().size(); i++) {
                        float[] ref = E2E.readFloats(f.references().get(i));
                        E2E.Comparison c = E2E.compare(ref, (float[]) values.get(g.outputs().get(i)));
                        assertTrue(c.ok(), c.describe(f.name() + " output " + i));
                    }
                }));
    }

    @Test
    void mainNetworksRunOnNhwcOpsWithLayoutChangesOnlyAtTheEdges() {
        for (String name : E2E.MAIN_FIXTURES) {
            E2E.Fixture f = E2E.fixture(name);
            Graph before = standard(f.model());
            Graph g = NhwcLayout.run(before, f.model().toString());
            List<String> left = g.nodes().stream().map(n -> n.op().opName()).filter(NCHW_OPS::contains).toList();
            assertTrue(left.isEmpty(), name + ": NCHW ops left: " + left);
            assertEquals(before.inputs(), g.inputs(), name + ": inputs renamed");
            assertEquals(before.outputs(), g.outputs(), name + ": outputs renamed");
            for (int i = 0; i < g.inputs().size(); i++) {
                assertEquals(before.type(before.inputs().get(i)), g.type(g.inputs().get(i)), name + ": input type changed");
            }
            for (Node n : g.nodes()) {
                if (n.op().opName().equals("Transpose")) {
                    boolean edge = g.isGraphInput(n.input(0)) || g.isGraphOutput(n.output());
                    assertTrue(edge, name + ": a layout transpose inside the graph: " + n.name());
                }
            }
            Set<String> ops = g.nodes().stream().map(n -> n.op().opName()).collect(Collectors.toSet());
            assertTrue(ops.contains("FullyConnected"), name + ": no dense layer became FullyConnected: " + ops);
        }
    }
}
