package org.microcodegen.ptq;

import org.microcodegen.ir.CompileException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What post-training quantization the user asked for, from the flags or a MindSpore Lite config file
 * ({@link QuantConfigFile}): both fill this one record, so they cannot drift apart.
 *
 * @param mode             none, full int8 or weights only
 * @param calibration      the calibration folder (one input: its files are the samples; several inputs: a
 *                         folder per input, named after it), or null when {@code perInput} names them
 * @param perInput         input name -> its sample folder (a config file's calibrate_path), in the config's order
 * @param calibrationSize  how many samples to use (the first ones by file name), or 0 for all in the folder
 * @param method           how an activation's range is chosen from the calibration data
 * @param biasCorrection   whether each layer's bias absorbs the mean error its quantized weights cause
 * @param floatIo          whether the compiled model keeps float32 inputs and outputs (quantizing at the edges)
 * @param weightBits       weights-only quantization: bits per weight (2..16)
 * @param minQuantWeightSize    weights-only: layers with fewer weights stay float
 * @param minQuantWeightChannel weights-only: layers with fewer output channels stay float
 */
public record QuantizeOptions(Mode mode, Path calibration, Map<String, Path> perInput, int calibrationSize, Method method,
                              boolean biasCorrection, boolean floatIo, int weightBits, long minQuantWeightSize,
                              int minQuantWeightChannel) {
    public static final QuantizeOptions NONE = new QuantizeOptions(Mode.NONE, null, Map.of(), 0, Method.MAX_MIN, true, true, 8, 0, 0);

    public QuantizeOptions {
        perInput = perInput == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perInput));
    }

    public enum Mode { NONE, INT8, WEIGHTS }

    /** Activation range methods; the names are the flag's and MindSpore Lite's activation_quant_method's. */
    public enum Method {
        MAX_MIN("max-min", "MAX_MIN"), KL("kl", "KL"), PERCENTILE("percentile", "REMOVAL_OUTLIER");

        private final String flag;
        private final String mindsporeLite;

        Method(String flag, String mindsporeLite) {
            this.flag = flag;
            this.mindsporeLite = mindsporeLite;
        }

        public String flag() {
            return flag;
        }

        public static Method byFlag(String s) {
            for (Method m : values()) {
                if (m.flag.equals(s)) {
                    return m;
                }
            }
            throw new CompileException("--calibration-method '" + s + "': expected " + names(false));
        }

        public static Method byMindSporeLiteName(String s, String where) {
            for (Method m : values()) {
                if (m.mindsporeLite.equals(s.toUpperCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new CompileException(where + ": activation_quant_method '" + s + "': expected " + names(true));
        }

        private static String names(boolean mindsporeLite) {
            return String.join(", ", java.util.Arrays.stream(values()).map(m -> mindsporeLite ? m.mindsporeLite : m.flag).toList());
        }
    }

    public boolean quantizes() {
        return mode != Mode.NONE;
    }

    /** Checks what both sources must satisfy; {@code where} names the source in messages ("--quantize", a config file). */
    public QuantizeOptions validated(String where) {
        if (mode == Mode.INT8 && calibration == null && perInput.isEmpty()) {
            throw new CompileException(where + ": full int8 quantization needs calibration data (--calibration DIR or calibrate_path)");
        }
        if (calibrationSize < 0) {
            throw new CompileException(where + ": the calibration size must be at least 1, got " + calibrationSize);
        }
        if (mode == Mode.WEIGHTS && (weightBits < 2 || weightBits > 16)) {
            throw new CompileException(where + ": weight bits must be 2 to 16, got " + weightBits);
        }
        if (minQuantWeightSize < 0 || minQuantWeightChannel < 0) {
            throw new CompileException(where + ": min_quant_weight_size and min_quant_weight_channel must not be negative");
        }
        if (mode == Mode.NONE && (calibration != null || !perInput.isEmpty())) {
            throw new CompileException(where + ": calibration data applies with --quantize int8 only");
        }
        return this;
    }

    /** The input names of {@code perInput} in order, for messages. */
    public List<String> namedInputs() {
        return List.copyOf(perInput.keySet());
    }
}
