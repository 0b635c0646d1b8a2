package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `ops` lists ops with their dtypes, targets, kernels and limits; the firmware Makefile tracks headers. */
class OpsAndMakefileTest {
    @TempDir
    Path tmp;

    @Test
    void opsListsDtypesTargetsKernelsAndLimits() {
        E2E.CliResult r = E2E.cli("ops");
        assertEquals(0, r.exit(), r::toString);
        String out = r.out();
        String conv = block(out, "Conv2D");
        String weightsOnly = ", float32 with int8 weights, float32 with int16 weights, float32 with packed 4-bit weights";
        assertTrue(conv.contains("  host, c, cortex-m4, cortex-m7: float32" + weightsOnly + "\n"), conv);
        assertTrue(conv.contains("  java: float32" + weightsOnly + "\n"), conv);
        assertTrue(conv.matches("(?s).*mc_conv2d_k5s1_f32 +float32; not depthwise, kernel width 5, stride 1 along w.*"), conv);
        assertTrue(conv.matches("(?s).*mc_conv2d_compact_f32 +float32; any shape.*"), conv);
        assertTrue(conv.matches("(?s).*mc_conv2d_wq4_f32 +float32 with packed 4-bit weights; any shape.*"), conv);
        assertTrue(conv.startsWith("Conv2D  (4-D NCHW"), conv);
        assertTrue(block(out, "AdaptiveAvgPool2D").contains("must divide the input"), out);
        assertTrue(block(out, "Pad").contains("rank <= 6"), out);
        assertTrue(block(out, "Copy").matches("(?s).*mc_copy_8bit +int8, uint8, bool; any shape.*"), out);
        assertTrue(out.contains("Views (no kernel: they relabel memory), any dtype, every target: Reshape, Flatten, Squeeze, ExpandDims"), out);
        assertTrue(out.matches("(?s).*MindIR operators read: .*Conv2D.*"), out);
    }

    /** The lines of {@code op}'s block, up to the blank line after it. */
    private static String block(String out, String op) {
        int i = out.indexOf("\n" + op + "  (");
        assertTrue(i >= 0, "no block for " + op + " in\n" + out);
        int end = out.indexOf("\n\n", i + 1);
        return out.substring(i + 1, end < 0 ? out.length() : end + 1);
    }

    @Test
    void aModelWithSeveralUnsupportedOpsNamesThemAllInOneLine() {
        Path model = E2E.sharedDir().resolve("models/mindir/ms250_ops/test_ops_celu_cast_float_fp32_cnode_to_fp64_v2.mindir");
        E2E.requireSharedFile(model);
        Path out = tmp.resolve("out");
        String line = E2E.assertCleanFailure(E2E.cli("--model", model.toString(), "--output", out.toString()), "several unsupported ops");
        for (String op : List.of("NonZero at node", "Shape at node", "ScalarMul at node", "CeLU at node")) {
            assertTrue(line.contains(op), line);
        }
        assertTrue(line.contains("4 unsupported ops in all"), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void theFirmwareMakefileRebuildsWhatIncludesAnEditedHeader() {
        for (String tool : List.of("arm-none-eabi-gcc", "make")) {
            E2E.require(E2E.onPath(tool), "no " + tool + " on PATH (tools/test installs it with apt-get)");
        }
        E2E.Fixture lenet = E2E.fixture("lenet");
        Path dir = tmp.resolve("fw");
        E2E.CliResult c = E2E.cli("--model", lenet.model().toString(), "--target", "cortex-m4", "--name", "lenet", "--output", dir.toString());
        assertEquals(0, c.exit(), c::toString);
        E2E.ProcResult built = E2E.exec(dir, List.of("make"));
        assertEquals(0, built.exit(), built::toString);
        assertTrue(Files.isRegularFile(dir.resolve("build/main.d")), "no dependency file");
        E2E.ProcResult nothing = E2E.exec(dir, List.of("make", "-n"));
        assertFalse(nothing.output().contains(" -c "), "an up-to-date build compiles nothing: " + nothing);
        touchLater(dir.resolve("model/lenet.h"));
        E2E.ProcResult again = E2E.exec(dir, List.of("make", "-n"));
        assertTrue(again.output().contains("-o build/main.o") && again.output().contains("-o build/model/lenet.o"),
                "main.c and lenet.c include lenet.h and must be rebuilt: " + again);
        touchLater(dir.resolve("model/mc_conv2d.h"));
        E2E.ProcResult kernel = E2E.exec(dir, List.of("make", "-n"));
        assertTrue(kernel.output().contains("-o build/model/mc_conv2d.o"), "a kernel header rebuilds its kernel: " + kernel);
    }

    private static void touchLater(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
