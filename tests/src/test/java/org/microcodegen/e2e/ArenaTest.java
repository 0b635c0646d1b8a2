package org.microcodegen.e2e;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compile summary reports the arena size and the lower bound (the most bytes of activations alive at
 * any step); the arena can never be below the bound, and for the simple chains (lenet, mlp) it must hit it.
 */
class ArenaTest {

    private static final Pattern ARENA =
            Pattern.compile("(?m)^\\s*arena\\s+([\\d,]+) bytes; lower bound ([\\d,]+) bytes");

    @TempDir
    Path tmp;

    /** {arena, lower bound} parsed from the summary printed by compile. */
    static long[] arena(String fixture, Path out) {
        E2E.CliResult r = E2E.compile(E2E.fixture(fixture).model(), out);
        Matcher m = ARENA.matcher(r.out());
        if (!m.find()) {
            fail(fixture + ": no 'arena N bytes; lower bound M bytes' line in the summary:\n" + r.out());
        }
        return new long[] {Long.parseLong(m.group(1).replace(",", "")), Long.parseLong(m.group(2).replace(",", ""))};
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "mlp", "mobilenetv2", "dscnn", "resnet8"})
    void arenaIsAtLeastTheLowerBound(String fixture) {
        long[] a = arena(fixture, tmp.resolve("out"));
        assertTrue(a[1] > 0, fixture + ": lower bound " + a[1] + " must be positive");
        assertTrue(a[0] >= a[1], fixture + ": arena " + a[0] + " below the lower bound " + a[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet", "mlp"})
    void arenaIsAtTheLowerBoundForChains(String fixture) {
        long[] a = arena(fixture, tmp.resolve("out"));
        assertEquals(a[1], a[0], fixture + ": arena should equal the lower bound");
    }
}
