package org.microcodegen.emit;

import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a set of generated files so that a failure never leaves partial output: everything goes to
 * a temporary sibling folder first, which then replaces the generated files in the target folder.
 */
public final class OutputFolder {
    private static final String JAVA_RUNTIME_DIR = "org/microcodegen/runtime";

    private OutputFolder() {
    }

    public static void write(Path dir, Map<String, byte[]> files) {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new CompileException(dir + ": exists and is not a folder");
        }
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp");
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                // Names may have folders (the Java target writes a package tree).
                Path file = tmp.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
            if (!Files.exists(abs)) {
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                    tmp = null;
                    return;
                } catch (FileAlreadyExistsException raced) {
                    // Someone created it meanwhile: fall through and replace file by file.
                }
            }
            removeStaleRuntime(abs, files);
            for (String name : files.keySet()) {
                Path dest = abs.resolve(name);
                Files.createDirectories(dest.getParent());
                Files.move(tmp.resolve(name), dest, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CompileException("cannot write output to " + dir + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Runtime files from an earlier compile that this model no longer needs: we own the mc_ prefix (C)
     * and the runtime's Java package folder.
     */
    private static void removeStaleRuntime(Path dir, Map<String, byte[]> files) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith("mc_") && (n.endsWith(".c") || n.endsWith(".h")) && !files.containsKey(n)) {
                    Files.delete(p);
                }
            }
        }
        Path javaRuntime = dir.resolve(JAVA_RUNTIME_DIR);
        if (Files.isDirectory(javaRuntime)) {
            try (Stream<Path> s = Files.list(javaRuntime)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = JAVA_RUNTIME_DIR + "/" + p.getFileName();
                    if (n.endsWith(".java") && !files.containsKey(n)) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file is harmless.
                }
            });
        } catch (IOException ignored) {
            // Best effort.
        }
    }
}
