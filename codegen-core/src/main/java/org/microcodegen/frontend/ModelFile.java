package org.microcodegen.frontend;

import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Checks every frontend makes on the model path before reading it, and readable I/O failure reasons. */
public final class ModelFile {
    private ModelFile() {
    }

    /**
     * Refuses a model path that is not a regular file, saying what it is instead: a folder or a FIFO
     * would otherwise be "missing", and opening a FIFO would block the compiler.
     */
    public static void requireRegularFile(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            boolean dangling = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            throw new CompileException(file + (dangling ? ": a symbolic link to a missing file" : ": no such model file"));
        } catch (IOException e) {
            throw new CompileException(file + ": cannot read: " + reason(e), e);
        }
        if (a.isDirectory()) {
            throw new CompileException(file + ": is a directory, not a model file");
        }
        if (!a.isRegularFile()) {
            throw new CompileException(file + ": is not a regular file (a FIFO, socket or device); give a model file");
        }
    }

    /** The largest model file read whole: byte arrays and ByteBuffer indices are int. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    /**
     * A regular model file's bytes, for formats read whole (FlatBuffers); {@code kind} names its files in
     * the message for one that is too large (e.g. "TFLite files").
     */
    public static byte[] readAll(Path file, String kind) {
        requireRegularFile(file);
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new CompileException(file + ": " + size + " bytes; " + kind + " over 2 GB are not supported");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CompileException(file + ": cannot read: " + reason(e), e);
        }
    }

    /** Why an I/O operation failed, in words and without exception class names. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
