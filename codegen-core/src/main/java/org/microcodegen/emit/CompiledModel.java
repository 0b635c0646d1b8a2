package org.microcodegen.emit;

import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.lower.Lowering;
import org.microcodegen.lower.RowBands;
import org.microcodegen.plan.TensorPlacement;

import java.util.Map;

/**
 * The compiler's result before any file is written: the final graph, how each node lowers, where
 * each tensor lives, and the totals the summary reports. {@code macs} are the model's own (without rows recomputed
 * by row bands); {@code rowBands} is what the compiler decided about row-band execution, null when no chain qualified
 * or it was turned off.
 */
public record CompiledModel(String name, String sourceFile, TargetTraits target, Graph graph, Map<Node, Lowering> lowerings,
                            TensorPlacement placement, long macs, long weightBytes, int kernelCalls, RowBands.Decision rowBands) {
    public long arenaBytes() {
        return placement.plan().arenaSize();
    }

    /**
     * Bytes of the per-channel requantization tables (multipliers and shifts) in the generated C code: each
     * distinct table once, as the C sources declare it (the row bands of a layer share their layer's tables).
     * Not part of {@link #weightBytes}.
     */
    public long requantizationTableBytes() {
        return lowerings.values().stream().filter(l -> !l.isView() && l.call().struct() != null)
                .flatMap(l -> l.call().struct().requantizationTables().stream()).distinct()
                .mapToLong(t -> (long) t.length() * t.elementType().byteSize()).sum();
    }

    /** Bytes of all graph inputs together. */
    public long inputBytes() {
        return graph.inputs().stream().mapToLong(t -> graph.type(t).byteSize()).sum();
    }

    /** The least arena any plan could reach, layers writing over their dying inputs where their kernels allow. */
    public long lowerBoundBytes() {
        return placement.lowerBound();
    }

    /** The bound when every live buffer has bytes of its own: what a planner without overlaps can reach at best. */
    public long layerByLayerBytes() {
        return placement.plan().lowerBound();
    }
}
