package org.microcodegen.frontend.tflite;

/**
 * One entry of the model's operator code table. {@code builtinCode} is the larger of
 * deprecated_builtin_code and builtin_code (TFLite's rule: old files set only the first, new files set
 * the first to 127 for codes above it); {@code builtinName} is TFLite's spelling, e.g. "CONV_2D".
 * {@code customCode} is set for CUSTOM operators only.
 */
public record TfliteOperatorCode(int builtinCode, String builtinName, String customCode, int version) {
    public boolean isCustom() {
        return "CUSTOM".equals(builtinName);
    }

    /** "CONV_2D", or "CUSTOM(name)" for a custom operator. */
    public String displayName() {
        return isCustom() ? "CUSTOM(" + customCode + ")" : builtinName;
    }
}
