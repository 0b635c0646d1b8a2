package org.microcodegen.ptq;

import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A MindSpore Lite converter quantization config file (INI style), read into the same
 * {@link QuantizeOptions} the flags give. Sections and keys as MindSpore Lite spells them (matched against
 * its "Post Training Quantization" page, https://mindspore.cn/lite/docs/en/r1.10/use/post_training_quantization.html,
 * and r2.5.0's advanced/quantization.html):
 * <pre>
 * [common_quant_param]    quant_type=FULL_QUANT|WEIGHT_QUANT, bit_num, min_quant_weight_size, min_quant_weight_channel
 * [data_preprocess_param] calibrate_path=input_name:dir[,input_name:dir...], calibrate_size, input_type=BIN
 * [full_quant_param]      activation_quant_method=MAX_MIN|KL|REMOVAL_OUTLIER, bias_correction=true|false, per_channel=true
 * </pre>
 * What this compiler cannot honour (input_type=IMAGE and its preprocessing keys, mixed-bit or dynamic
 * quantization, full quantization at other than 8 bits, per-tensor weights) is refused with the key named,
 * never ignored. A relative calibrate_path folder is taken relative to the config file's folder. An input
 * name may contain ':' (MindIR's do): the folder is what follows the last one.
 */
public final class QuantConfigFile {
    private static final Map<String, Set<String>> KEYS = Map.of(
            "common_quant_param", Set.of("quant_type", "bit_num", "min_quant_weight_size", "min_quant_weight_channel"),
            "data_preprocess_param", Set.of("calibrate_path", "calibrate_size", "input_type"),
            "full_quant_param", Set.of("activation_quant_method", "bias_correction", "per_channel"));

    private QuantConfigFile() {
    }

    public static QuantizeOptions read(Path file, boolean floatIo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new CompileException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        String where = "config file " + file;
        Map<String, String> values = new LinkedHashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String at = where + " line " + (i + 1);
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                if (!KEYS.containsKey(section)) {
                    throw new CompileException(at + ": section [" + section + "] is not supported (supported: "
                            + String.join(", ", KEYS.keySet().stream().sorted().toList()) + ")");
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new CompileException(at + ": expected key=value or [section], got '" + line + "'");
            }
            if (section == null) {
                throw new CompileException(at + ": key outside a section");
            }
            String key = line.substring(0, eq).strip();
            if (!KEYS.get(section).contains(key)) {
                throw new CompileException(at + ": unknown or unsupported key " + key + " in [" + section + "] (supported: "
                        + String.join(", ", KEYS.get(section).stream().sorted().toList()) + ")");
            }
            values.put(key, line.substring(eq + 1).strip());
        }
        String type = values.get("quant_type");
        if (type == null) {
            throw new CompileException(where + ": [common_quant_param] quant_type is required (FULL_QUANT or WEIGHT_QUANT)");
        }
        QuantizeOptions.Mode mode = switch (type.toUpperCase(Locale.ROOT)) {
            case "FULL_QUANT" -> QuantizeOptions.Mode.INT8;
            case "WEIGHT_QUANT" -> QuantizeOptions.Mode.WEIGHTS;
            default -> throw new CompileException(where + ": quant_type '" + type + "' is not supported (FULL_QUANT or WEIGHT_QUANT)");
        };
        int bits = integer(values, "bit_num", 8, where);
        if (mode == QuantizeOptions.Mode.INT8 && bits != 8) {
            throw new CompileException(where + ": full quantization takes bit_num=8 only (the int8 kernels), got " + bits);
        }
        if (values.containsKey("input_type") && !values.get("input_type").equalsIgnoreCase("BIN")) {
            throw new CompileException(where + ": input_type '" + values.get("input_type") + "' is not supported: give BIN samples "
                    + "(raw float32 or .npy, already preprocessed)");
        }
        if (values.containsKey("per_channel") && !bool(values.get("per_channel"), "per_channel", where)) {
            throw new CompileException(where + ": per_channel=false is not supported: int8 weights are quantized per channel");
        }
        Map<String, Path> perInput = new LinkedHashMap<>();
        String paths = values.get("calibrate_path");
        if (paths != null) {
            Path base = file.toAbsolutePath().getParent();
            for (String item : paths.split(",")) {
                int colon = item.lastIndexOf(':');
                if (colon <= 0 || colon == item.length() - 1) {
                    throw new CompileException(where + ": calibrate_path item '" + item.strip() + "' is not input_name:folder");
                }
                perInput.put(item.substring(0, colon).strip(), base.resolve(item.substring(colon + 1).strip()));
            }
        }
        QuantizeOptions.Method method = values.containsKey("activation_quant_method")
                ? QuantizeOptions.Method.byMindSporeLiteName(values.get("activation_quant_method"), where) : QuantizeOptions.Method.MAX_MIN;
        boolean biasCorrection = !values.containsKey("bias_correction") || bool(values.get("bias_correction"), "bias_correction", where);
        return new QuantizeOptions(mode, null, perInput, integer(values, "calibrate_size", 0, where), method, biasCorrection, floatIo,
                bits, integer(values, "min_quant_weight_size", 0, where), integer(values, "min_quant_weight_channel", 16, where))
                .validated(where);
    }

    private static int integer(Map<String, String> values, String key, int absent, String where) {
        String v = values.get(key);
        if (v == null) {
            return absent;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CompileException(where + ": " + key + " '" + v + "' is not a whole number");
        }
    }

    private static boolean bool(String v, String key, String where) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new CompileException(where + ": " + key + " '" + v + "' is not true or false");
        };
    }
}
