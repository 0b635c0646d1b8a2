package org.microcodegen.frontend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
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
}
