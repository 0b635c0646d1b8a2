package org.microcodegen.passes;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ops.Refused;

import java.util.ArrayList;
import java.util.List;

/**
 * The supported-ops check: a model with ops the compiler does not know fails with one line naming
 * them all (up to {@link #NAMED}, then how many more), so the user learns the whole gap in one run
 * instead of one op per attempt.
 */
final class SupportedOps {
    /** Nodes named in the line; the rest are counted. */
    static final int NAMED = 4;

    private SupportedOps() {
    }

    static void require(Graph g) {
        List<Node> unsupported = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Refused r && r.unsupported()) {
                unsupported.add(n);
            }
        }
        if (unsupported.isEmpty()) {
            return;
        }
        // the first keeps its frontend's full message (op, node, file); the others are named after it
        String first = ((Refused) unsupported.get(0).op()).message();
        if (unsupported.size() == 1) {
            throw new CompileException(first);
        }
        List<String> others = unsupported.subList(1, Math.min(NAMED, unsupported.size())).stream().map(Node::describe).toList();
        int more = unsupported.size() - NAMED;
        throw new CompileException(first + "; " + unsupported.size() + " unsupported ops in all, also " + String.join(", ", others)
                + (more > 0 ? " and " + more + " more" : ""));
    }
}
