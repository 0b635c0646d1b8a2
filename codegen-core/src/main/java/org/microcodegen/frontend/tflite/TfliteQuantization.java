package org.microcodegen.frontend.tflite;

import java.util.List;

/**
 * Affine quantization, real = scale * (q - zero_point): one scale and zero point per tensor, or one per
 * slice along {@code quantizedDimension} (per-channel). The lists have equal, non-zero length. For a
 * per-tensor tensor {@code quantizedDimension} is whatever the file says (often 0) and means nothing.
 * A 1-D per-channel tensor's dimension is recorded as 0: converters copy the weights' axis (e.g. 3) into
 * bias tensors (person_detect does), and the only axis of a 1-D tensor is 0.
 */
public record TfliteQuantization(List<Float> scales, List<Long> zeroPoints, int quantizedDimension) {
    public TfliteQuantization {
        scales = List.copyOf(scales);
        zeroPoints = List.copyOf(zeroPoints);
    }

    public boolean isPerChannel() {
        return scales.size() > 1;
    }
}
