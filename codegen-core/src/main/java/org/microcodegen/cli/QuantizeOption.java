package org.microcodegen.cli;

import org.microcodegen.CompileOptions;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ptq.QuantConfigFile;
import org.microcodegen.ptq.QuantizeOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The post-training quantization options, shared by compiling and {@code run}: flags or a MindSpore Lite config file. */
final class QuantizeOption {
    @Option(names = "--quantize", paramLabel = "MODE",
            description = {"int8: full int8 post-training quantization of a float model (needs --calibration);",
                    "weights: weights-only quantization (--weight-bits)."})
    String mode;

    @Option(names = "--calibration", paramLabel = "DIR",
            description = {"With --quantize int8: calibration samples, raw little-endian float32 files of the input's exact size or",
                    ".npy (float32, C order), taken in file-name order; for a model with several inputs a folder per input, named after it."})
    Path calibration;

    @Option(names = "--calibration-size", paramLabel = "N", description = "Use the first N samples (default: all; fewer than N is an error).")
    Integer calibrationSize;

    @Option(names = "--calibration-method", paramLabel = "M", description = {"max-min, kl or percentile (default: max-min): how an activation's",
            "range is chosen (MindSpore Lite's MAX_MIN, KL, REMOVAL_OUTLIER)."})
    String method;

    @Option(names = "--bias-correction", paramLabel = "on|off", description = "Correct each layer's bias for its weights' quantization error (default: on).")
    String biasCorrection;

    @Option(names = "--io", paramLabel = "float|int8", description = {"With --quantize int8: the model's inputs and outputs stay float32, quantized",
            "and dequantized inside (float, default), or become int8 (their scale and zero point in the header)."})
    String io;

    @Option(names = "--weight-bits", paramLabel = "N", description = "With --quantize weights: bits per weight, 2 to 16 (default 8).")
    Integer weightBits;

    @Option(names = "--min-quant-weight-size", paramLabel = "S", description = "With --quantize weights: layers with fewer weights stay float (default 0).")
    Long minWeightSize;

    @Option(names = "--min-quant-weight-channel", paramLabel = "C",
            description = "With --quantize weights: layers with fewer output channels stay float (default 16).")
    Integer minWeightChannel;

    @Option(names = "--config", paramLabel = "FILE", description = {"A MindSpore Lite converter quantization config file ([common_quant_param]",
            "quant_type, bit_num ...; [data_preprocess_param] calibrate_path, calibrate_size; [full_quant_param]",
            "activation_quant_method, bias_correction) instead of the flags above (--io may be added)."})
    Path config;

    /** The quantization the user asked for (flags or config file), checked. */
    QuantizeOptions options() {
        boolean floatIo = switch (io == null ? "float" : io) {
            case "float" -> true;
            case "int8" -> false;
            default -> throw new CompileException("--io '" + io + "': expected float or int8");
        };
        if (config != null) {
            if (mode != null || calibration != null || calibrationSize != null || method != null || biasCorrection != null
                    || weightBits != null || minWeightSize != null || minWeightChannel != null) {
                throw new CompileException("--config sets the quantization: give either it or the --quantize flags, not both");
            }
            return QuantConfigFile.read(config, floatIo);
        }
        if (mode == null) {
            if (calibration != null || calibrationSize != null || method != null || biasCorrection != null || io != null
                    || weightBits != null || minWeightSize != null || minWeightChannel != null) {
                throw new CompileException("the quantization options apply with --quantize int8 or --quantize weights only");
            }
            return QuantizeOptions.NONE;
        }
        QuantizeOptions.Mode m = switch (mode) {
            case "int8" -> QuantizeOptions.Mode.INT8;
            case "weights" -> QuantizeOptions.Mode.WEIGHTS;
            default -> throw new CompileException("--quantize '" + mode + "': expected int8 or weights");
        };
        if (m == QuantizeOptions.Mode.INT8 && (weightBits != null || minWeightSize != null || minWeightChannel != null)) {
            throw new CompileException("--weight-bits, --min-quant-weight-size and --min-quant-weight-channel apply with --quantize weights");
        }
        if (m == QuantizeOptions.Mode.WEIGHTS && (calibration != null || calibrationSize != null || method != null || biasCorrection != null || io != null)) {
            throw new CompileException("--calibration, --calibration-size, --calibration-method, --bias-correction and --io apply with --quantize int8");
        }
        boolean correct = switch (biasCorrection == null ? "on" : biasCorrection) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new CompileException("--bias-correction '" + biasCorrection + "': expected on or off");
        };
        if (calibrationSize != null && calibrationSize < 1) {
            throw new CompileException("--calibration-size must be at least 1, got " + calibrationSize);
        }
        return new QuantizeOptions(m, calibration, Map.of(), calibrationSize == null ? 0 : calibrationSize,
                method == null ? QuantizeOptions.Method.MAX_MIN : QuantizeOptions.Method.byFlag(method), correct, floatIo,
                weightBits == null ? 8 : weightBits, minWeightSize == null ? 0 : minWeightSize, minWeightChannel == null ? 16 : minWeightChannel)
                .validated("--quantize");
    }

    /**
     * {@code choices} with the quantization added: full int8 as the options record (calibration runs in
     * the compile), weights-only as the weights pass's settings. A minimum weight size beyond int range
     * keeps every real layer float, as the larger number would.
     */
    CompileOptions apply(CompileOptions choices) {
        QuantizeOptions q = options();
        if (q.mode() == QuantizeOptions.Mode.WEIGHTS) {
            int minSize = (int) Math.min(Integer.MAX_VALUE, q.minQuantWeightSize());
            return choices.withWeightQuant(q.weightBits(), minSize, q.minQuantWeightChannel());
        }
        return choices.withQuantize(q);
    }
}
