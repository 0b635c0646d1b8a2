package org.microcodegen;

import org.microcodegen.lower.Optimize;
import org.microcodegen.lower.RowBands;
import org.microcodegen.ptq.QuantizeOptions;
import org.microcodegen.quant.Reference;
import org.microcodegen.quant.WeightQuant;
import org.microcodegen.target.Board;

/**
 * The choices a user makes about one compile besides model and target.
 *
 * @param optimize    which of several kernels that compute the same results to take (`--optimize`)
 * @param reference   whose integer results the kernels reproduce bit for bit (`--rounding`): LiteRT's
 *                    reference kernels or TFLite Micro's default build; they round differently
 * @param quantize    full int8 post-training quantization of a float model (`--quantize int8`, `--config`), or none
 * @param weightQuant weights-only quantization of the float layers (`--quantize weights`, `quant_type=WEIGHT_QUANT`),
 *                    or null for none
 * @param rowBands    when the compiler computes the first layers in row bands ({@link RowBands}, `--row-bands`)
 * @param board       the board whose RAM the model must fit (with --ram applied), which `--row-bands auto` decides
 *                    by; null for targets without one
 */
public record CompileOptions(Optimize optimize, Reference reference, QuantizeOptions quantize, WeightQuant weightQuant,
                             RowBands.Policy rowBands, Board board) {
    public static final CompileOptions DEFAULTS = new CompileOptions(Optimize.BALANCED, Reference.LITERT);

    public CompileOptions {
        quantize = quantize == null ? QuantizeOptions.NONE : quantize;
    }

    public CompileOptions(Optimize optimize, Reference reference) {
        this(optimize, reference, QuantizeOptions.NONE, null, RowBands.Policy.AUTO, null);
    }

    public CompileOptions withOptimize(Optimize mode) {
        return new CompileOptions(mode, reference, quantize, weightQuant, rowBands, board);
    }

    public CompileOptions withReference(Reference r) {
        return new CompileOptions(optimize, r, quantize, weightQuant, rowBands, board);
    }

    public CompileOptions withQuantize(QuantizeOptions q) {
        return new CompileOptions(optimize, reference, q, weightQuant, rowBands, board);
    }

    /**
     * Weights-only quantization: Conv2D and dense layers with more than {@code minSize} weights and more
     * than {@code minChannels} output channels keep their weights as {@code bits}-bit integers (2..16) with
     * one float scale per output channel ({@link WeightQuant}).
     */
    public CompileOptions withWeightQuant(int bits, int minSize, int minChannels) {
        return new CompileOptions(optimize, reference, quantize, new WeightQuant(bits, minSize, minChannels), rowBands, board);
    }

    /** These options with another row-band policy. */
    public CompileOptions withRowBands(RowBands.Policy policy) {
        return new CompileOptions(optimize, reference, quantize, weightQuant, policy, board);
    }

    /** These options for a model that must fit {@code board}'s RAM (null: no board). */
    public CompileOptions withBoard(Board b) {
        return new CompileOptions(optimize, reference, quantize, weightQuant, rowBands, b);
    }
}
