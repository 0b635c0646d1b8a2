package org.microcodegen.frontend;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.ValueException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What the protobuf-based frontends (MindIR, ONNX) share around their own reading: parsing the file
 * within protobuf's limits with a one-line message for corrupt input, and the safety net that turns the
 * failures only malformed content can cause into a one-line error instead of an internal one.
 */
public final class ProtobufModelFile {
    /** Protobuf's own limit for one message; larger models keep weights in external files. */
    private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;

    /** A generated message's parser, e.g. {@code ModelProto::parseFrom}. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(CodedInputStream in) throws IOException;
    }

    private ProtobufModelFile() {
    }

    /** Parses {@code file} as a {@code format} model ("MindIR", "ONNX"), nesting at most {@code recursionLimit} deep. */
    public static <T> T parse(Path file, String format, int recursionLimit, Parser<T> parser) {
        ModelFile.requireRegularFile(file);
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new CompileException(file + ": empty file, not a " + format + " model");
            }
            if (size > MAX_MODEL_BYTES) {
                throw new CompileException(file + ": " + size + " bytes is larger than a " + format + " protobuf can be");
            }
            try (InputStream in = Files.newInputStream(file)) {
                CodedInputStream coded = CodedInputStream.newInstance(in);
                coded.setSizeLimit(Integer.MAX_VALUE);
                coded.setRecursionLimit(recursionLimit);
                return parser.parse(coded);
            }
        } catch (InvalidProtocolBufferException e) {
            // protobuf's own message is a paragraph; its first sentence says what went wrong.
            String why = String.valueOf(e.getMessage());
            int stop = why.indexOf(". ");
            throw new CompileException(file + ": not a valid " + format + " file (truncated or corrupt protobuf: "
                    + (stop > 0 ? why.substring(0, stop) : why) + ")");
        } catch (IOException e) {
            throw new CompileException(file + ": cannot read: " + ModelFile.reason(e), e);
        }
    }

    /**
     * Runs a loader on untrusted content. Its checks catch each known defect where it happens; as a
     * narrow safety net for the ones not found yet, the runtime failures that only malformed content can
     * cause inside a loader (an index, a null, an arithmetic overflow, a hostile size or nesting depth)
     * are reported as a malformed model rather than an internal error.
     */
    public static Graph guard(Path file, String format, Supplier<Graph> loader) {
        try {
            return loader.get();
        } catch (ValueException e) {
            throw new CompileException(file + ": " + e.getMessage(), e);
        } catch (IndexOutOfBoundsException | NullPointerException | ArithmeticException | NegativeArraySizeException
                 | ClassCastException | java.nio.BufferUnderflowException | java.nio.BufferOverflowException
                 | StackOverflowError e) {
            throw new CompileException(file + ": malformed " + format + " model: the loader failed on it ("
                    + e.getClass().getSimpleName().replace("Exception", "").replace("Error", "") + ")", e);
        } catch (OutOfMemoryError e) {
            // A hostile size and a large model are told apart only by the heap: say both, not "malformed".
            throw new CompileException(file + ": not enough memory to load the model (" + fileSize(file)
                    + "; the heap allows " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + " MiB): a size in the file is absurd, or the compiler needs a larger heap (JAVA_OPTS=-Xmx...)", e);
        }
    }

    private static String fileSize(Path file) {
        try {
            return Files.size(file) / (1024 * 1024) + " MiB file";
        } catch (IOException e) {
            return "size unknown";
        }
    }
}
