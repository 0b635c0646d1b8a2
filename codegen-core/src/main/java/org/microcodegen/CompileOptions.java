package org.microcodegen;

import org.microcodegen.lower.Optimize;
import org.microcodegen.quant.Rounding;

/**
 * The choices a user makes about one compile besides model and target.
 *
 * @param optimize which of several kernels that compute the same results to take (`--optimize`)
 * @param rounding how integer kernels round when they requantize (`--rounding`): LiteRT's reference
 *                 (single) or TFLite Micro's default build (double)
 */
public record CompileOptions(Optimize optimize, Rounding rounding) {
    public static final CompileOptions DEFAULTS = new CompileOptions(Optimize.BALANCED, Rounding.SINGLE);

    public CompileOptions withOptimize(Optimize mode) {
        return new CompileOptions(mode, rounding);
    }

    public CompileOptions withRounding(Rounding r) {
        return new CompileOptions(optimize, r);
    }
}
