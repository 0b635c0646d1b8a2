package org.microcodegen.passes;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.GraphPrinter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code --dump-ir DIR}: the graph as text after each step, one file per step, numbered in pipeline
 * order ({@code 00-load.txt}, {@code 01-dead-code-elimination.txt}, ...). Files are written as the
 * passes run, so when a pass fails the last file is the graph that pass was given. Dumps of an earlier run
 * (files named like ours) are removed first, so the folder never mixes two runs; nothing else in it
 * is touched.
 */
public final class PassDumps implements PassManager.Listener {
    private static final String DUMP_FILES = "[0-9][0-9]-*.txt";

    private final Path dir;
    private boolean prepared;

    private PassDumps(Path dir) {
        this.dir = dir;
    }

    public static PassManager.Listener into(Path dir) {
        return dir == null ? PassManager.Listener.NONE : new PassDumps(dir);
    }

    public static String fileName(int step, String stage) {
        return String.format(Locale.ROOT, "%02d-%s.txt", step, stage);
    }

    @Override
    public void after(int step, String stage, Graph g) {
        Path file = dir.resolve(fileName(step, stage));
        try {
            if (!prepared) {
                Files.createDirectories(dir);
                try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, DUMP_FILES)) {
                    for (Path p : stale) {
                        Files.delete(p);
                    }
                }
                prepared = true;
            }
            Files.writeString(file, GraphPrinter.print(g), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CompileException("--dump-ir " + dir + ": cannot write " + file.getFileName() + ": " + reason(e), e);
        }
    }

    /** Why an I/O call failed, in words: NIO's messages are often just the path. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
            return "a file is in the way";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
