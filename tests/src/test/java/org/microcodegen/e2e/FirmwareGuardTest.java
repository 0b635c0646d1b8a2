package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.target.Board;
import org.microcodegen.target.QemuRunner;
import org.microcodegen.target.Target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The firmware's guard bytes around the arena and the output buffers (firmware.stg), under QEMU: a
 * memory plan or a kernel that writes past its memory fails the run, and the checking build
 * ({@code make LAYER_CHECK=1}) names the layer. The defects are planted in a copy of LeNet's generated
 * sources. That every normal fixture passes with the guards on is CortexMTest's conformance run.
 */
class FirmwareGuardTest {
    private static final Board MPS2 = Board.byName("mps2-an386");

    @TempDir
    Path tmp;

    private static Map<String, byte[]> lenet() throws IOException {
        E2E.Fixture f = E2E.fixture("lenet");
        CompiledModel m = Compiler.compile(f.model(), "lenet", Target.CORTEX_M4);
        return new LinkedHashMap<>(FirmwareEmitter.render(m, MPS2.firmware(), List.of(Files.readAllBytes(f.inputs().get(0)))));
    }

    /** Replaces {@code from} (which must occur once) in one generated file. */
    private static Map<String, byte[]> patched(Map<String, byte[]> project, String file, String from, String to) {
        String text = new String(project.get(file), StandardCharsets.UTF_8);
        assertEquals(1, text.split(java.util.regex.Pattern.quote(from), -1).length - 1, file + " changed shape; no single '" + from + "' in:\n" + text);
        project.put(file, text.replace(from, to).getBytes(StandardCharsets.UTF_8));
        return project;
    }

    @Test
    void theCheckingBuildOfACorrectModelPasses() throws IOException {
        E2E.requireCortexMTools();
        QemuRunner.Execution e = checkingRun(lenet(), "clean");
        assertTrue(e.succeeded(), e.failure());
    }

    /** A schedule that puts fc2's output 4 bytes before the arena's end: 332 bytes land past it. */
    @Test
    void aWritePastTheArenaFailsTheRunAndTheCheckingBuildNamesTheLayer() throws IOException {
        E2E.requireCortexMTools();
        Map<String, byte[]> project = patched(lenet(), "model/lenet.c", "fc2_out = (float *)(mem + 18056)",
                "fc2_out = (float *)(mem + LENET_ARENA_SIZE - 4)");
        QemuRunner.Execution plain = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("plain"), QemuRunner.RUN_TIMEOUT).execution();
        System.out.println("arena overflow, normal build: " + plain.failure());
        assertFalse(plain.succeeded());
        assertTrue(plain.guardBroken(), plain.log());
        assertEquals(4, plain.exitStatus(), plain.log());
        assertTrue(plain.failure().contains("after the arena overwritten during inference"), plain.failure());
        assertTrue(plain.outputs().isEmpty(), "a run with a broken guard reported outputs");

        QemuRunner.Execution check = checkingRun(project, "check");
        System.out.println("arena overflow, checking build: " + check.failure());
        assertTrue(check.guardBroken(), check.log());
        assertTrue(check.failure().contains("after the arena overwritten by layer 6 (fc2: MatMul"), check.failure());
    }

    /** A last layer that computes one output too many writes one float past the output buffer. */
    @Test
    void aWritePastAnOutputBufferNamesTheOutputAndTheLayer() throws IOException {
        E2E.requireCortexMTools();
        Map<String, byte[]> project = patched(lenet(), "model/lenet.c", "output, 1, 84, 10, MC_ACT_NONE)", "output, 1, 84, 11, MC_ACT_NONE)");
        QemuRunner.Execution check = checkingRun(project, "check");
        System.out.println("output overflow, checking build: " + check.failure());
        assertTrue(check.guardBroken(), check.log());
        assertTrue(check.failure().contains("after output 0 overwritten by layer 7 (fc3: MatMul"), check.failure());
    }

    /** Builds and runs the checking build (guards checked after every layer). */
    private QemuRunner.Execution checkingRun(Map<String, byte[]> project, String dir) {
        return QemuRunner.buildAndRun(project, MPS2, tmp.resolve(dir), QemuRunner.RUN_TIMEOUT, List.of(QemuRunner.LAYER_CHECK)).execution();
    }

    @Test
    void layerNamesFromTheModelCannotEscapeTheirStringLiteral() {
        assertEquals("\"a*/ \\042\\134\\077\\077/\\012\\303\\251\"", FirmwareEmitter.cString("a*/ \"\\??/\n\u00e9"));
    }
}
