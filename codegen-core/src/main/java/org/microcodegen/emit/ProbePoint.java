package org.microcodegen.emit;

import org.microcodegen.ir.TensorType;

/**
 * One tensor a probe build reports: {@code mc_probe(index, ...)} is called right after schedule step
 * {@code step} (the node's index, as in report.json) of layer {@code layer} produced {@code tensor}.
 */
public record ProbePoint(int index, int step, String layer, String tensor, TensorType type) {
}
