package org.microcodegen.frontend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * A model format the compiler recognises but does not read yet, so that such a file gets an error that
 * says what it is. When the format's frontend lands, its test moves into that {@link Frontend} and the
 * signature leaves {@link Frontends}.
 *
 * @param name        the format's name, e.g. "TFLite"
 * @param description what the file is, for the error: "a TFLite model"
 * @param test        recognises the format from the head (see {@link Frontend#recognizes})
 */
public record FormatSignature(String name, String description, BiPredicate<byte[], Path> test) {

    public boolean recognizes(byte[] head, Path file) {
        return test.test(head, file);
    }

    /**
     * A FlatBuffers file whose schema declares a file_identifier: four ASCII bytes after the 4-byte root
     * table offset (TFLite "TFL3", MindSpore Lite "MSL2").
     */
    public static FormatSignature flatBuffer(String name, String description, String identifier) {
        byte[] id = identifier.getBytes(StandardCharsets.US_ASCII);
        return new FormatSignature(name, description,
                (head, file) -> head.length >= 8 && Arrays.equals(head, 4, 8, id, 0, 4));
    }

    /**
     * ONNX's ModelProto: written in field-number order, so it opens with ir_version (field 1, a varint,
     * 3 to 11 in published models), and the fields after it have ONNX's wire types (producer_name 2,
     * producer_version 3 and domain 4 strings, model_version 5 a varint, graph 7 and opset_import 8
     * messages). MindIR's ModelProto differs at the first byte: its field 1 is a string.
     */
    public static FormatSignature onnx() {
        Map<Integer, Integer> schema = Map.of(
                1, ProtobufFields.VARINT, 2, ProtobufFields.LENGTH_DELIMITED, 3, ProtobufFields.LENGTH_DELIMITED,
                4, ProtobufFields.LENGTH_DELIMITED, 5, ProtobufFields.VARINT, 6, ProtobufFields.LENGTH_DELIMITED,
                7, ProtobufFields.LENGTH_DELIMITED, 8, ProtobufFields.LENGTH_DELIMITED, 14, ProtobufFields.LENGTH_DELIMITED);
        return new FormatSignature("ONNX", "an ONNX model", (head, file) -> {
            ProtobufFields.Scan scan = ProtobufFields.scan(head);
            ProtobufFields.Field first = scan.first();
            return first != null && first.number() == 1 && first.wireType() == ProtobufFields.VARINT
                    && first.varint() >= 1 && first.varint() <= 100 && scan.fitsSchema(schema);
        });
    }
}
