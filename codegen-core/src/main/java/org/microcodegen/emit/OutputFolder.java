package org.microcodegen.emit;

import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes generated files into the user's output folder. The folder belongs to the user; the compiler owns
 * only the files it wrote there, and lists them in a manifest ({@value #MANIFEST}) so that the next compile
 * removes exactly the ones it does not write again (an earlier model's files never survive, a user's own
 * {@code mc_helpers.c} always does). Generated names are always written, replacing whatever file had that name.
 *
 * <p>A compile (1) checks that every file can go where it belongs; (2) writes all files into a staging folder
 * inside the output folder, so that they can be renamed into place on the same file system and a read-only
 * parent does not matter; (3) renames them into place, removes the previous compile's files it did not
 * write, then the folders that this leaves empty, and writes the new manifest. A failure in (1) or (2) leaves
 * the folder as it was and removes every folder the compile created. Folders and files are created with the
 * platform's default permissions, so the user's umask applies.
 */
public final class OutputFolder {
    /** The manifest's file name: a hidden file, so {@code cc *.c} and IDEs ignore it. */
    public static final String MANIFEST = ".micro-codegen-manifest";
    private static final String MANIFEST_MARK = "# micro-codegen manifest";
    private static final String MANIFEST_HEADER = MANIFEST_MARK
            + ": the files the last compile wrote here; the next compile removes those it does not write again";
    private static final long MANIFEST_MAX_BYTES = 1 << 20;
    private static final String STAGING_PREFIX = ".micro-codegen-staging-";

    private OutputFolder() {
    }

    /**
     * Checks, before anything is compiled, that {@code dir} can be the output folder: not a file system root,
     * a folder or creatable, and writable.
     *
     * @return the absolute, normalised folder
     */
    public static Path checkWritable(Path dir) {
        if (dir.toString().isEmpty()) {
            throw new CompileException("the output folder's name is empty (use . for the current folder)");
        }
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            throw refuse(dir, abs + " is a file system root; name a folder in it");
        }
        Path existing = nearestExisting(abs);
        if (!Files.isDirectory(existing)) {
            throw refuse(dir, existing + (existing.equals(abs) ? " exists and" : "") + " is not a folder");
        }
        if (!Files.isWritable(existing)) {
            throw refuse(dir, "permission denied on " + existing);
        }
        return abs;
    }

    /** Writes {@code files} (relative path with '/' -> contents) into {@code dir}, as the class comment says. */
    public static void write(Path dir, Map<String, byte[]> files) {
        Path abs = checkWritable(dir);
        SortedSet<String> names = new TreeSet<>(files.keySet());
        for (String name : names) {
            if (!isOwnName(name)) {
                throw new IllegalArgumentException("not a relative file name the output folder can own: " + name);
            }
        }
        Deque<Path> created = new ArrayDeque<>();
        Path staging = null;
        boolean committing = false;
        boolean done = false;
        try {
            createFolders(abs, created);
            staging = Files.createTempDirectory(abs, STAGING_PREFIX);
            for (String name : names) {
                Path file = staging.resolve(name);
                Files.createDirectories(file.getParent());
                Files.write(file, files.get(name));
            }
            Path real = abs.toRealPath();
            checkDestinations(dir, abs, real, names);
            SortedSet<String> previous = readManifest(abs);
            SortedSet<String> previousAndNew = new TreeSet<>(previous);
            previousAndNew.addAll(names);
            // Listing both first means an interrupted commit still knows every file it may own.
            writeManifest(abs, staging, previousAndNew);
            committing = true;
            for (String name : names) {
                Path dest = abs.resolve(name);
                Files.createDirectories(dest.getParent());
                Files.move(staging.resolve(name), dest, StandardCopyOption.REPLACE_EXISTING);
            }
            previous.removeAll(names);
            removeStale(abs, real, previous);
            writeManifest(abs, staging, names);
            done = true;
        } catch (IOException e) {
            throw refuse(dir, cause(e));
        } finally {
            deleteTree(staging);
            if (!done && !committing) {
                removeEmptyFolders(created);
            }
        }
    }

    /** Creates {@code abs} and its missing parents, outermost first, recording each in {@code created}. */
    private static void createFolders(Path abs, Deque<Path> created) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = abs; !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p);
            } catch (NoSuchFileException refused) {
                // What Linux says for a folder in /proc, whose parent does exist.
                throw new FileSystemException(p.toString(), null, "cannot be created there");
            }
            created.push(p);
        }
    }

    /** Refuses, before anything changes, a generated name taken by a folder or reached through a link out of the folder. */
    private static void checkDestinations(Path dir, Path abs, Path real, SortedSet<String> names) throws IOException {
        List<String> all = new ArrayList<>(names);
        all.add(MANIFEST);
        for (String name : all) {
            Path dest = abs.resolve(name);
            for (Path p = dest.getParent(); !p.equals(abs); p = p.getParent()) {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
                    throw refuse(dir, p + " is not a folder (the compile writes " + name + ")");
                }
            }
            if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                throw refuse(dir, dest + " is a folder (the compile writes a file of that name)");
            }
            Path parent = nearestExisting(dest.getParent());
            if (!parent.toRealPath().startsWith(real)) {
                throw refuse(dir, parent + " leads out of the output folder (a symbolic link); the compile writes " + name);
            }
        }
    }

    /** {@code p} or its nearest ancestor that exists (the root does, so this ends). */
    private static Path nearestExisting(Path p) {
        while (!Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    /**
     * The previous compile's files, from its manifest; none if there is no manifest or it is not ours. Names
     * that could leave the folder are dropped: the folder may come from someone else (a downloaded project).
     */
    private static SortedSet<String> readManifest(Path abs) throws IOException {
        SortedSet<String> names = new TreeSet<>();
        Path manifest = abs.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS) || Files.size(manifest) > MANIFEST_MAX_BYTES) {
            return names;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (CharacterCodingException notOurs) {
            return names;
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(MANIFEST_MARK)) {
            return names;
        }
        for (String line : lines.subList(1, lines.size())) {
            if (isOwnName(line)) {
                names.add(line);
            }
        }
        return names;
    }

    private static void writeManifest(Path abs, Path staging, SortedSet<String> names) throws IOException {
        StringBuilder text = new StringBuilder(MANIFEST_HEADER).append('\n');
        for (String name : names) {
            text.append(name).append('\n');
        }
        Path file = staging.resolve(MANIFEST);
        Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        Files.move(file, abs.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Removes the previous compile's files this one did not write, and the folders that leaves empty. Only
     * regular files inside the folder: never a link, never through a link that leads elsewhere.
     */
    private static void removeStale(Path abs, Path real, SortedSet<String> stale) throws IOException {
        for (String name : stale) {
            Path file = abs.resolve(name);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !file.getParent().toRealPath().startsWith(real)) {
                continue;
            }
            Files.delete(file);
            Deque<Path> parents = new ArrayDeque<>();
            for (Path p = file.getParent(); !p.equals(abs); p = p.getParent()) {
                parents.addLast(p);
            }
            removeEmptyFolders(parents);
        }
    }

    /** Removes each folder in order while it is an empty folder (not a link); stops at the first that is not. */
    private static void removeEmptyFolders(Deque<Path> innermostFirst) {
        for (Path p : innermostFirst) {
            try {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    return;
                }
                Files.delete(p);
            } catch (IOException notEmptyOrGone) {
                return;
            }
        }
    }

    /** A relative path of forward-slash segments that stays inside the folder and is not ours to manage. */
    static boolean isOwnName(String name) {
        if (name.isEmpty() || name.equals(MANIFEST) || name.startsWith(STAGING_PREFIX)) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return false;
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static CompileException refuse(Path dir, String cause) {
        return new CompileException("cannot write output to " + dir + ": " + cause);
    }

    /** The reason of a file system error in words, naming the file it concerns. */
    static String cause(IOException e) {
        String file = e instanceof FileSystemException f ? f.getFile() : null;
        if (file == null) {
            return String.valueOf(e.getMessage());
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + file;
        }
        if (e instanceof NoSuchFileException) {
            return file + " does not exist";
        }
        if (e instanceof NotDirectoryException) {
            return file + " is not a folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return file + " already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return file + " is a folder that is not empty";
        }
        String reason = ((FileSystemException) e).getReason();
        return file + (reason == null ? ": cannot be written" : ": " + reason);
    }

    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
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
