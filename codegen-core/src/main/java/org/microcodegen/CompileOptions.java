package org.microcodegen;

import org.microcodegen.lower.Optimize;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.quant.Reference;

/**
 * The choices a user makes about one compile besides model and target.
 *
 * @param optimize which of several kernels that compute the same results to take (`--optimize`)
 * @param reference whose integer results the kernels reproduce bit for bit (`--rounding`): LiteRT's
 *                  reference kernels or TFLite Micro's default build; they round differently
 * @param quantize  post-training quantization of a float model (`--quantize`, `--config`), or none
 */
public record CompileOptions(Optimize optimize, Reference reference, QuantizeOptions quantize) {
    public static final CompileOptions DEFAULTS = new CompileOptions(Optimize.BALANCED, Reference.LITERT, QuantizeOptions.NONE);

    public CompileOptions {
        quantize = quantize == null ? QuantizeOptions.NONE : quantize;
    }

    public CompileOptions(Optimize optimize, Reference reference) {
        this(optimize, reference, QuantizeOptions.NONE);
    }

    public CompileOptions withOptimize(Optimize mode) {
        return new CompileOptions(mode, reference, quantize);
    }

    public CompileOptions withReference(Reference r) {
        return new CompileOptions(optimize, r, quantize);
    }

    public CompileOptions withQuantize(QuantizeOptions q) {
        return new CompileOptions(optimize, reference, q);
    }
}
