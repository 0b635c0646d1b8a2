package org.microcodegen.emit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest: what it lists, and that no manifest can make the compiler remove anything it did not write. */
class OutputFolderTest {

    @TempDir
    Path tmp;

    private static Map<String, byte[]> files(String... names) {
        Map<String, byte[]> m = new TreeMap<>();
        for (String n : names) {
            m.put(n, ("/* " + n + " */\n").getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    private static List<String> manifestEntries(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(OutputFolder.MANIFEST));
        assertTrue(lines.get(0).startsWith("# micro-codegen manifest"), lines.get(0));
        return lines.subList(1, lines.size());
    }

    @Test
    void manifestListsTheWrittenFilesSorted() throws IOException {
        Path out = tmp.resolve("out");
        OutputFolder.write(out, files("z.c", "a/b/x.java", "m.h"));
        assertEquals(List.of("a/b/x.java", "m.h", "z.c"), manifestEntries(out));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(".micro-codegen-manifest", "a", "m.h", "z.c"),
                    s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()), "staging folder left behind?");
        }
    }

    @Test
    void manifestEntriesThatLeaveTheFolderRemoveNothing() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("victim.txt"), "keep");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.createSymbolicLink(out.resolve("link"), outside);
        Files.createSymbolicLink(out.resolve("file-link.c"), victim);
        Files.writeString(out.resolve(OutputFolder.MANIFEST), String.join("\n",
                "# micro-codegen manifest: planted", "../outside/victim.txt", victim.toString(), "link/victim.txt",
                "file-link.c", "./x/../../outside/victim.txt", "") );
        OutputFolder.write(out, files("a.c"));
        assertEquals("keep", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(out.resolve("file-link.c")), "a link is never the compiler's file");
        assertEquals(List.of("a.c"), manifestEntries(out));
    }

    @Test
    void aFileThatIsNotOurManifestIsIgnored() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("user.c"), "mine");
        Files.writeString(out.resolve(OutputFolder.MANIFEST), "user.c\n");
        OutputFolder.write(out, files("a.c"));
        assertEquals("mine", Files.readString(out.resolve("user.c")));
    }

    @Test
    void generatedNamesThatCouldLeaveTheFolderAreABug() {
        for (String bad : List.of("", "../x.c", "/x.c", "a//b.c", "a/./b.c", "a\\b.c", "a\nb.c", OutputFolder.MANIFEST)) {
            assertFalse(OutputFolder.isOwnName(bad), bad);
        }
        assertTrue(OutputFolder.isOwnName("org/microcodegen/runtime/Conv2d.java"));
    }
}
