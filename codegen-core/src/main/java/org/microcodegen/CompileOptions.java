package org.microcodegen;

import org.microcodegen.lower.Optimize;
import org.microcodegen.quant.Reference;
import org.microcodegen.quant.WeightQuant;

/**
 * The choices a user makes about one compile besides model and target.
 *
 * @param optimize    which of several kernels that compute the same results to take (`--optimize`)
 * @param reference   whose integer results the kernels reproduce bit for bit (`--rounding`): LiteRT's
 *                    reference kernels or TFLite Micro's default build; they round differently
 * @param weightQuant weights-only quantization of the float layers (`quant_type=WEIGHT_QUANT`), or null for none
 */
public record CompileOptions(Optimize optimize, Reference reference, WeightQuant weightQuant) {
    public static final CompileOptions DEFAULTS = new CompileOptions(Optimize.BALANCED, Reference.LITERT, null);

    public CompileOptions(Optimize optimize, Reference reference) {
        this(optimize, reference, null);
    }

    public CompileOptions withOptimize(Optimize mode) {
        return new CompileOptions(mode, reference, weightQuant);
    }

    public CompileOptions withReference(Reference r) {
        return new CompileOptions(optimize, r, weightQuant);
    }

    /**
     * Weights-only quantization: Conv2D and dense layers with more than {@code minSize} weights and more
     * than {@code minChannels} output channels keep their weights as {@code bits}-bit integers (2..16) with
     * one float scale per output channel ({@link WeightQuant}).
     */
    public CompileOptions withWeightQuant(int bits, int minSize, int minChannels) {
        return new CompileOptions(optimize, reference, new WeightQuant(bits, minSize, minChannels));
    }
}
