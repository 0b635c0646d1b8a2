package org.microcodegen.frontend;

import org.microcodegen.ir.Graph;

import java.nio.file.Path;

/**
 * A reader for one model format: recognises its files by content and loads them into a Graph. The
 * format's op names, attribute spellings and quirks stay inside its package ({@code frontend/<format>});
 * {@link Frontends} picks the reader, so the rest of the compiler never asks which format a model was.
 */
public interface Frontend {
    /** The format as users know it, e.g. "MindIR"; messages list the formats read by this name. */
    String name();

    /** The file extension the format's files usually carry, e.g. ".mindir" (for messages; detection ignores it). */
    String extension();

    /**
     * Whether the file is in this format, judged by its content (a magic number, a file identifier, the
     * structure of its first bytes), never by its name: users rename files. {@code head} holds the first
     * {@link Frontends#HEAD_BYTES} bytes, or the whole file when it is shorter, and is never empty.
     * {@code file} is for formats that cannot tell from the head alone (a sidecar file, a folder).
     */
    boolean recognizes(byte[] head, Path file);

    /** Reads the file; bad input is a {@link org.microcodegen.ir.CompileException} naming the file. */
    Graph load(Path file);
}
