package org.microcodegen;

import org.microcodegen.lower.Optimize;
import org.microcodegen.quant.Reference;

/**
 * The choices a user makes about one compile besides model and target.
 *
 * @param optimize which of several kernels that compute the same results to take (`--optimize`)
 * @param reference whose integer results the kernels reproduce bit for bit (`--rounding`): LiteRT's
 *                  reference kernels or TFLite Micro's default build; they round differently
 */
public record CompileOptions(Optimize optimize, Reference reference) {
    public static final CompileOptions DEFAULTS = new CompileOptions(Optimize.BALANCED, Reference.LITERT);

    public CompileOptions withOptimize(Optimize mode) {
        return new CompileOptions(mode, reference);
    }

    public CompileOptions withReference(Reference r) {
        return new CompileOptions(optimize, r);
    }
}
