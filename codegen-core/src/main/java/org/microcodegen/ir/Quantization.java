package org.microcodegen.ir;

import java.util.List;

/**
 * Affine quantisation of a tensor: real = scale * (q - zeroPoint). Per-tensor when the lists hold one
 * entry, per-channel along {@code axis} otherwise. The fp32 pipeline carries none yet; the type exists
 * so that int8 support extends TensorType instead of reshaping the IR.
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
}
