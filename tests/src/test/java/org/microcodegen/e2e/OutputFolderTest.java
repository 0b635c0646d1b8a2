package org.microcodegen.e2e;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The output folder belongs to the user; the compiler owns only the files it wrote there (listed in its
 * manifest). A compile into a folder that held another model leaves exactly the new model's files plus the
 * user's own; a failed compile changes nothing and creates no folders; bad --output values are one-line
 * errors that say why; new files and folders get the permissions the umask gives.
 */
class OutputFolderTest {

    @TempDir
    Path tmp;

    private static Path model(String fixture) {
        return E2E.fixture(fixture).model();
    }

    /** Compiles with the given options and asserts exit 0. */
    private static void compile(Path model, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--output", out.toString()));
        args.addAll(List.of(extra));
        E2E.CliResult r = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, r.exit(), () -> "compile failed: " + r);
    }

    /** A compile of {@code model} into {@code reused} must leave exactly what a compile into a fresh folder gives. */
    private void assertSameAsFreshCompile(Path model, Path reused, String... extra) {
        Path fresh = tmp.resolve("fresh");
        compile(model, fresh, extra);
        assertSameContents(E2E.folderContents(fresh), E2E.folderContents(reused));
        assertEquals(folders(fresh), folders(reused), "folders differ from a fresh compile's");
    }

    private static void assertSameContents(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "files differ");
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), actual.get(name), name + " differs");
        }
    }

    /** Every folder under {@code dir}, relative and sorted. */
    private static List<String> folders(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isDirectory).map(p -> dir.relativize(p).toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------- ownership

    @Test
    void usersOwnFilesSurviveARecompile() throws IOException {
        Path out = tmp.resolve("out");
        compile(model("lenet"), out);
        Files.writeString(out.resolve("mc_helpers.c"), "int helper(void) { return 1; }\n");
        Files.writeString(out.resolve("notes.txt"), "mine\n");
        compile(model("mlp"), out);
        assertEquals("int helper(void) { return 1; }\n", Files.readString(out.resolve("mc_helpers.c")));
        assertEquals("mine\n", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    void anotherModelReplacesTheEarlierModelsCFiles() {
        Path out = tmp.resolve("out");
        compile(model("lenet"), out, "--name", "lenet");
        compile(model("mlp"), out, "--name", "mlp");
        assertSameAsFreshCompile(model("mlp"), out, "--name", "mlp");
    }

    @Test
    void javaWithAnotherPackageLeavesNoOldPackageTree() {
        Path out = tmp.resolve("out");
        compile(model("lenet"), out, "--target", "java", "--package", "com.acme.vision");
        compile(model("mlp"), out, "--target", "java", "--package", "org.example.audio");
        assertFalse(Files.exists(out.resolve("com")), "the old package tree survived");
        assertSameAsFreshCompile(model("mlp"), out, "--target", "java", "--package", "org.example.audio");
    }

    @Test
    void hostCompileIntoAFirmwareProjectLeavesNoFirmwareFiles() {
        Path out = tmp.resolve("out");
        compile(model("lenet"), out, "--target", "cortex-m4");
        compile(model("lenet"), out, "--target", "host");
        assertFalse(Files.exists(out.resolve("board")), "board/ survived");
        assertFalse(Files.exists(out.resolve("model")), "model/ survived");
        assertSameAsFreshCompile(model("lenet"), out, "--target", "host");
    }

    @Test
    void aFolderWithoutManifestKeepsEverythingButTheGeneratedNames() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("mc_relu.c"), "/* mine, or from an older compiler: not provably ours */\n");
        Files.writeString(out.resolve("mlp.c"), "/* a file with a generated name */\n");
        compile(model("mlp"), out, "--name", "mlp");
        assertTrue(Files.exists(out.resolve("mc_relu.c")), "a file the compiler did not write was removed");
        assertFalse(Files.readString(out.resolve("mlp.c")).contains("a file with a generated name"), "mlp.c not overwritten");
    }

    // ------------------------------------------------------------- failures change nothing

    @Test
    void failedCompileLeavesTheOldFolderByteIdentical() throws IOException {
        Path out = tmp.resolve("out");
        compile(model("lenet"), out);
        // A user folder where the next compile must write a file: it cannot, and must say so before touching anything.
        Files.createDirectories(out.resolve("mlp_weights.c/keep"));
        Files.writeString(out.resolve("mlp_weights.c/keep/file"), "x");
        Map<String, byte[]> before = E2E.folderContents(out);
        List<String> foldersBefore = folders(out);

        E2E.CliResult r = E2E.cli("--model", model("mlp").toString(), "--output", out.toString(), "--name", "mlp");
        String line = E2E.assertCleanFailure(r, "generated name taken by a folder");
        assertTrue(line.contains("mlp_weights.c"), line);
        assertSameContents(before, E2E.folderContents(out));
        assertEquals(foldersBefore, folders(out), "folders changed");
    }

    @Test
    void failedCompileCreatesNoParentFolders() {
        Path out = tmp.resolve("new/deeper").resolve("x".repeat(300));   // longer than any file system allows
        E2E.CliResult r = E2E.cli("--model", model("mlp").toString(), "--output", out.toString());
        String line = E2E.assertCleanFailure(r, "file name too long");
        assertTrue(line.toLowerCase().contains("too long"), "the cause is lost: " + line);
        assertFalse(Files.exists(tmp.resolve("new")), "parent folders left behind");
    }

    // ------------------------------------------------------------- bad --output values

    @Test
    void emptyOutputIsRefused() {
        String name = "zz_empty_output_probe";
        E2E.CliResult r = E2E.cli("--model", model("mlp").toString(), "--output", "", "--name", name);
        try {
            String line = E2E.assertCleanFailure(r, "--output \"\"");
            assertTrue(line.contains("--output"), line);
        } finally {
            assertFalse(Files.exists(Path.of(name + ".h")), "wrote into the current folder");
        }
    }

    @Test
    void rootOutputIsRefused() {
        String line = E2E.assertCleanFailure(E2E.cli("--model", model("mlp").toString(), "--output", "/"), "--output /");
        assertTrue(line.contains("cannot write output to /:"), line);
    }

    @Test
    void parentThatIsAFileIsNamedWithTheCause() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain.txt"), "x");
        String line = E2E.assertCleanFailure(E2E.cli("--model", model("mlp").toString(),
                "--output", file.resolve("out").toString()), "parent is a file");
        assertTrue(line.contains("cannot write output to " + file.resolve("out")) && line.contains(file + " is not a folder"), line);
    }

    /** chmod means nothing to root (CAP_DAC_OVERRIDE), so these tests need an ordinary user. */
    private static void makeReadOnly(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.isWritable(dir)) {
            System.out.println("SKIPPED: running as root: a read-only folder is still writable");
            Assumptions.abort("running as root: a read-only folder is still writable");
        }
    }

    @Test
    void readOnlyParentIsNamedWithTheCause() throws IOException {
        Path parent = Files.createDirectories(tmp.resolve("ro"));
        makeReadOnly(parent);
        try {
            String line = E2E.assertCleanFailure(E2E.cli("--model", model("mlp").toString(),
                    "--output", parent.resolve("a/out").toString()), "read-only parent");
            assertTrue(line.contains("permission denied on " + parent), line);
        } finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void writableOutputFolderInAReadOnlyParentIsUpdated() throws IOException {
        Path parent = Files.createDirectories(tmp.resolve("ro"));
        Path out = tmp.resolve("ro/out");
        compile(model("lenet"), out);
        makeReadOnly(parent);
        try {
            compile(model("mlp"), out);
            assertSameAsFreshCompile(model("mlp"), out);
        } finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    // ------------------------------------------------------------- permissions

    @Test
    void newFoldersAndFilesGetTheUmasksPermissions() throws IOException {
        // What this process's umask gives a new folder and a new file (0755 and 0644 under umask 022).
        Set<PosixFilePermission> folder = Files.getPosixFilePermissions(Files.createDirectory(tmp.resolve("reference")));
        Set<PosixFilePermission> file = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("reference.txt")));
        Path out = tmp.resolve("made/by/compiler");
        compile(model("lenet"), out, "--target", "java", "--package", "com.acme", "--name", "lenet");
        for (Path p : List.of(tmp.resolve("made"), tmp.resolve("made/by"), out, out.resolve("com/acme"))) {
            assertEquals(PosixFilePermissions.toString(folder), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
        for (Path p : List.of(out.resolve("com/acme/LenetModel.java"), out.resolve("com/acme/LenetModel.weights"))) {
            assertEquals(PosixFilePermissions.toString(file), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }

    // ------------------------------------------------------------- the README's arena snippet

    /** The README's "Into a vendor project" C snippet, which uses the model named lenet. */
    private static String readmeSnippet() {
        Matcher m = Pattern.compile("```c\\n(#include \"lenet.h\".*?)```", Pattern.DOTALL)
                .matcher(E2E.read(E2E.projectRoot().resolve("README.md")));
        assertTrue(m.find(), "README.md has no ```c snippet starting with #include \"lenet.h\"");
        return m.group(1);
    }

    @Test
    void readmeArenaSnippetIsValidC99EvenForAZeroArena() throws IOException {
        String snippet = readmeSnippet();
        for (String fixture : List.of("ops/reshape", "lenet")) {
            String name = fixture.replace("ops/", "") + "_net";
            Path out = tmp.resolve(name);
            E2E.CliResult r = E2E.compile(model(fixture), out, "--name", name);
            assertTrue(!fixture.equals("ops/reshape") || r.out().contains("arena    0 bytes"), "expected a zero arena: " + r.out());
            Files.writeString(out.resolve("snippet.c"), snippet.replace("lenet", name).replace("LENET", name.toUpperCase()),
                    StandardCharsets.UTF_8);
            E2E.requireCc();
            List<String> cmd = List.of("cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", "snippet.c");
            E2E.ProcResult cc = E2E.exec(out, cmd);
            assertEquals(0, cc.exit(), () -> name + ": the README snippet does not compile:\n" + cc.output());
        }
    }
}
