package org.microcodegen.frontend.tflite;

import org.microcodegen.frontend.flatbuffers.FbsSchema;

/** Our TFLite schema (resources/microcodegen/schema/tflite.fbs), loaded once, and names from its enums. */
final class TfliteSchema {
    static final FbsSchema SCHEMA = FbsSchema.load("/microcodegen/schema/tflite.fbs");
    private static final FbsSchema.EnumDef BUILTIN_OPERATOR = SCHEMA.enumDef("BuiltinOperator");

    private TfliteSchema() {
    }

    /** TFLite's name of a builtin operator code, e.g. 3 -> "CONV_2D"; null for a code the schema lacks. */
    static String builtinName(long code) {
        return BUILTIN_OPERATOR.nameOf(code);
    }
}
