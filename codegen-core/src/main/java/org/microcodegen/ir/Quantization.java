package org.microcodegen.ir;

import java.util.List;

/**
 * Affine quantisation of a tensor: real = scale * (q - zeroPoint). Per-tensor when the lists hold one
 * entry, per-channel along {@code axis} otherwise. Frontends set it from the model file (MindIR's
 * quant_params); float tensors carry none. Kernels for quantised dtypes read it from TensorType.
 */
public record Quantization(List<Float> scales, List<Integer> zeroPoints, int axis) {
    public Quantization {
        scales = List.copyOf(scales);
        zeroPoints = List.copyOf(zeroPoints);
        if (scales.isEmpty() || scales.size() != zeroPoints.size()) {
            throw new IllegalArgumentException("scales and zero points must be non-empty and of equal length");
        }
    }

    public boolean perChannel() {
        return scales.size() > 1;
    }

    /** "q(scale 0.5, zero 3)" or "q(16 channels along axis 0)": for comments and --dump-ir. */
    @Override
    public String toString() {
        return perChannel() ? "q(" + scales.size() + " channels along axis " + axis + ")"
                : "q(scale " + scales.get(0) + ", zero " + zeroPoints.get(0) + ")";
    }
}
