package org.microcodegen.frontend;

import org.microcodegen.frontend.mindir.MindIrFrontend;
import org.microcodegen.frontend.mslite.MsliteFrontend;
import org.microcodegen.frontend.onnx.OnnxFrontend;
import org.microcodegen.frontend.tflite.TfliteFrontend;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The formats the compiler reads, and the dispatch from a file to its reader by content. A file in a
 * format recognised but not read yet, or in no format at all, is a one-line error that says what the
 * file looks like and which formats are read.
 */
public final class Frontends {
    /** How much of a file detection looks at: enough for a protobuf's leading fields or a FlatBuffers header. */
    public static final int HEAD_BYTES = 4096;

    /** The readers, tried in order. Adding a format is one entry here plus its package. */
    private static final List<Frontend> READERS = List.of(new MindIrFrontend(), new TfliteFrontend(), new OnnxFrontend(),
            new MsliteFrontend());

    /** Recognised only to name them in the error; each moves into READERS when its frontend lands (all have). */
    private static final List<FormatSignature> NOT_READ_YET = List.of();

    private Frontends() {
    }

    /** Loads a model with the reader its content calls for. */
    public static Graph load(Path file) {
        byte[] head = head(file);
        for (Frontend f : READERS) {
            if (f.recognizes(head, file)) {
                return f.load(file);
            }
        }
        for (FormatSignature s : NOT_READ_YET) {
            if (s.recognizes(head, file)) {
                throw new CompileException(file + ": " + s.description() + "; this version reads " + readFormats(true) + " only");
            }
        }
        throw new CompileException(file + ": not a model this compiler reads (" + readFormats(false) + ")");
    }

    /** The name of the format a file's content shows ("MindIR", "TFLite", ...), read or not; empty if none. */
    public static Optional<String> detect(Path file) {
        byte[] head = head(file);
        for (Frontend f : READERS) {
            if (f.recognizes(head, file)) {
                return Optional.of(f.name());
            }
        }
        return NOT_READ_YET.stream().filter(s -> s.recognizes(head, file)).map(FormatSignature::name).findFirst();
    }

    /** "MindIR (.mindir)" or "MindIR": the formats read, for messages. */
    static String readFormats(boolean withExtensions) {
        return READERS.stream().map(f -> withExtensions ? f.name() + " (" + f.extension() + ")" : f.name())
                .collect(Collectors.joining(", "));
    }

    /** The first HEAD_BYTES of a regular, non-empty file. */
    private static byte[] head(Path file) {
        ModelFile.requireRegularFile(file);
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD_BYTES);
        } catch (IOException e) {
            throw new CompileException(file + ": cannot read: " + ModelFile.reason(e), e);
        }
        if (head.length == 0) {
            throw new CompileException(file + ": empty file, not a model this compiler reads (" + readFormats(false) + ")");
        }
        return head;
    }
}
