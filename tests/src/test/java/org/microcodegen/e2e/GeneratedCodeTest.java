package org.microcodegen.e2e;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated folder is self-contained strict C99 for a microcontroller: it compiles on its own with
 * warnings as errors, uses no heap and no stdio, keeps weights in const (flash) arrays and exposes
 * {@code <name>_run(}.
 */
class GeneratedCodeTest {

    /** A file-scope array definition with an initializer, e.g. {@code const float x[10] ALIGN = {}. */
    private static final Pattern ARRAY_DEF =
            Pattern.compile("(?m)^([A-Za-z_][^;(=\\n]*?)\\b\\w+\\s*\\[[^\\]]*\\][^=;\\n]*=\\s*\\{");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "mobilenetv2"})
    void folderCompilesStrictlyAndIsMicrocontrollerFriendly(String fixture) {
        String name = fixture + "_net";
        Path out = tmp.resolve("out");
        E2E.compile(E2E.fixture(fixture).model(), out, "--name", name);

        List<Path> cFiles = E2E.filesEndingWith(out, ".c");
        List<Path> hFiles = E2E.filesEndingWith(out, ".h");
        assertFalse(cFiles.isEmpty(), "no .c files");

        for (Path p : concat(cFiles, hFiles)) {
            String src = E2E.read(p);
            assertFalse(src.contains("malloc"), p.getFileName() + " mentions malloc");
            assertFalse(src.contains("printf"), p.getFileName() + " mentions printf");
            assertFalse(src.contains("stdio.h"), p.getFileName() + " includes stdio.h");
        }

        Path header = out.resolve(name + ".h");
        assertTrue(E2E.read(header).contains(name + "_run("), header + " does not declare " + name + "_run(");

        List<Path> weights = E2E.filesEndingWith(out, "_weights.c");
        assertEquals(1, weights.size(), "expected one *_weights.c, got " + weights);
        Matcher m = ARRAY_DEF.matcher(E2E.read(weights.get(0)));
        int arrays = 0;
        while (m.find()) {
            arrays++;
            String decl = m.group(1);
            assertTrue(decl.matches("(static\\s+)?const\\s.*"), "weight array not const: " + m.group());
        }
        assertTrue(arrays > 0, "no weight arrays found in " + weights.get(0));

        E2E.requireCc();
        List<String> cmd = new ArrayList<>(List.of("cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c"));
        for (Path c : cFiles) {
            cmd.add(c.getFileName().toString());
        }
        E2E.ProcResult r = E2E.exec(out, cmd);
        assertEquals(0, r.exit(), () -> "strict C99 build failed: " + String.join(" ", cmd) + "\n" + r.output());
        assertEquals("", r.output().strip(), "the compiler printed diagnostics:\n" + r.output());
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
