package org.microcodegen.e2e;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiling the same model twice gives byte-identical output folders (reproducible builds). */
class DeterminismTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "mobilenetv2"})
    void twoCompilesAreByteIdentical(String fixture) {
        Path model = E2E.fixture(fixture).model();
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        E2E.compile(model, a);
        E2E.compile(model, b);
        Map<String, byte[]> fa = E2E.folderContents(a);
        Map<String, byte[]> fb = E2E.folderContents(b);
        assertFalse(fa.isEmpty(), "no files generated");
        assertEquals(fa.keySet(), fb.keySet(), "different file names");
        for (String name : fa.keySet()) {
            assertTrue(Arrays.equals(fa.get(name), fb.get(name)), name + " differs between the two compiles");
        }
    }
}
