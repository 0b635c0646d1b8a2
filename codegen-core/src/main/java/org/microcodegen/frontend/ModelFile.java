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
import java.nio.file.InvalidPathException;
import java.nio.file.StandardOpenOption;
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteBuffer;
import org.microcodegen.ir.Printable;

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

    /**
     * Reads a tensor's external data (MindIR and ONNX keep large weights in files next to the model), confined
     * to the model's folder. The location is untrusted: it is resolved
     * to a real path (every symlink followed) and must stay inside the real path of the model's folder,
     * name a regular file (never a FIFO, device or folder, which could block or leak) with one link only
     * (a hard link is another name for a file that may live anywhere), and is opened without following a
     * symlink, so the file read is the one checked. {@code expected} bytes are read, never more.
     */
    public static byte[] readExternal(Path modelFile, String location, long offset, long length, long expected, String what) {
        if (location.isEmpty() || Printable.hasUnsafe(location)) {
            throw new CompileException(modelFile + ": " + what + " refers to external data '" + Printable.escape(location)
                    + "', " + (location.isEmpty() ? "an empty name" : "a name with control characters") + ": refused");
        }
        Path target = confinedFile(modelFile, location, what);
        try (SeekableByteChannel f = Files.newByteChannel(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = f.size();
            if (offset < 0 || length < 0 || offset > size || length > size - offset) {
                throw new CompileException(modelFile + ": external data for " + what + " (offset " + offset
                        + ", length " + length + ") lies outside " + target + " (" + size + " bytes)");
            }
            if (length != expected) {
                throw new CompileException(modelFile + ": " + what + " should hold " + expected
                        + " bytes of data but its external data has " + length + " (truncated or corrupt weights)");
            }
            if (length > Integer.MAX_VALUE - 8) {
                throw new CompileException(modelFile + ": external data for " + what + " (" + length + " bytes) is too large");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) length);
            f.position(offset);
            while (buf.hasRemaining() && f.read(buf) >= 0) {
                // read until full or end of file
            }
            if (buf.hasRemaining()) {
                throw new CompileException(modelFile + ": external data file " + target + " for " + what + " ended early");
            }
            return buf.array();
        } catch (IOException e) {
            throw new CompileException(modelFile + ": cannot read external data " + target + " for " + what + ": "
                    + reason(e), e);
        }
    }

    /** The real path of {@code location} if it is a regular, singly linked file inside the model's real folder. */
    private static Path confinedFile(Path modelFile, String location, String what) {
        String refused = modelFile + ": " + what + " refers to external data '" + location + "'";
        Path folder;
        Path target;
        try {
            folder = modelFile.toAbsolutePath().getParent().toRealPath();
            Path named = folder.resolve(location).normalize();
            if (!named.startsWith(folder)) {
                throw new CompileException(refused + " outside the model's folder: refused");
            }
            if (!Files.exists(named, LinkOption.NOFOLLOW_LINKS)) {
                throw new CompileException(modelFile + ": external data file " + named + " for " + what + " is missing");
            }
            target = named.toRealPath();
            if (!target.startsWith(folder) || !target.equals(named)) {
                throw new CompileException(refused + ", which is or passes through a symbolic link: refused");
            }
            BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                throw new CompileException(refused + ", which is not a regular file: refused");
            }
            if (linkCount(target) > 1) {
                throw new CompileException(refused + ", a file with several hard links (it may live outside the model's folder): refused");
            }
        } catch (InvalidPathException e) {
            throw new CompileException(refused + ", which is not a valid path: refused");
        } catch (IOException e) {
            throw new CompileException(refused + ", which cannot be resolved: " + reason(e), e);
        }
        return target;
    }

    /** The number of hard links to a file, or 1 where the file system does not say (not a POSIX system). */
    private static int linkCount(Path p) throws IOException {
        try {
            return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }
}
