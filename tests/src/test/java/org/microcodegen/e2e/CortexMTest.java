package org.microcodegen.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.microcodegen.Compiler;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.target.Board;
import org.microcodegen.target.QemuRunner;
import org.microcodegen.target.Target;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Cortex-M4 target end to end: every supported fixture is compiled into a firmware project, built
 * with its own Makefile (arm-none-eabi-gcc), run in qemu-system-arm, and its outputs (read back bit-exact
 * over semihosting) must match MindSpore's reference with the same tolerance as on the host. The harness
 * itself is tested too: a perturbed weight must fail the comparison, and a fault or a hang must be a
 * failure, not a pass and not a stuck build.
 *
 * <p>Skipped with a printed reason when the ARM toolchain, make or QEMU is missing; a failure under CI=true.
 */
class CortexMTest {
    private static final Board MPS2 = Board.byName("mps2-an386");
    private static final Pattern FLOAT_LITERAL = Pattern.compile("-?\\d\\.\\d{8}e[+-]\\d{2}f");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everySupportedFixtureMatchesMindSporeUnderQemu() {
        return E2E.conformanceTests(tmp, E2E::requireCortexMTools, report -> {
            System.out.print(report);
            assertTrue(report.contains("instructions per inference"), "no instruction count in " + report);
        }, "--target", "cortex-m4");
    }

    /** The part with real limits: what fits in 128 KiB of SRAM runs there too. */
    @ParameterizedTest
    @ValueSource(strings = {"lenet", "mlp", "dscnn"})
    void fittingModelsRunOnNetduinoplus2(String name) throws IOException {
        E2E.requireCortexMTools();
        E2E.Fixture f = E2E.fixture(name);
        String report = E2E.runAndCompare(f, Files.createDirectories(tmp.resolve(name)), "--target", "cortex-m4", "--board", "netduinoplus2");
        System.out.print(report);
        assertTrue(report.contains("on netduinoplus2"), report);
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet8", "mobilenetv2"})
    void modelsTooBigForNetduinoplus2FailAtCompileTimeWithTheNumbers(String name) {
        E2E.Fixture f = E2E.fixture(name);
        Path out = tmp.resolve(name);
        E2E.CliResult r = E2E.cli("--model", f.model().toString(), "--target", "cortex-m4", "--board", "netduinoplus2",
                "--output", out.toString());
        String line = E2E.assertCleanFailure(r, name);
        String ram = "micro-codegen: model needs [\\d.]+ KiB RAM \\(arena [\\d.]+ KiB \\+ outputs \\d+ B \\+ stack 8 KiB\\), netduinoplus2 has 128 KiB";
        String flash = "; and it needs more than [\\d.]+ KiB flash \\(weights [\\d.]+ KiB \\+ test input [\\d.]+ KiB, before code\\), netduinoplus2 has 1024 KiB";
        // ResNet-8's weights (304 KiB) fit the 1 MiB of flash; MobileNetV2's (1,170 KiB) do not.
        assertTrue(line.matches(name.equals("mobilenetv2") ? ram + flash : ram), line);
        assertFalse(Files.exists(out), "output written despite the error");
    }

    @Test
    void aPerturbedWeightFailsTheComparison() {
        E2E.requireCortexMTools();
        E2E.Fixture f = E2E.fixture("lenet");
        Map<String, byte[]> project = lenetFirmware(f);
        String weights = new String(project.get("lenet_weights.c"), StandardCharsets.UTF_8);
        int array = weights.indexOf("lenet_conv1_weight[");
        assertTrue(array > 0, "no conv1 weight array in lenet_weights.c");
        Matcher m = FLOAT_LITERAL.matcher(weights);
        assertTrue(m.find(array), "no literal in the conv1 weights");
        String perturbed = weights.substring(0, m.start()) + "4.00000000e+00f" + weights.substring(m.end());
        project.put("lenet_weights.c", perturbed.getBytes(StandardCharsets.UTF_8));

        QemuRunner.Execution e = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("perturbed"), QemuRunner.RUN_TIMEOUT).execution();
        assertTrue(e.succeeded(), e.failure());
        E2E.Comparison c = E2E.compare(E2E.readFloats(f.references().get(0)), floats(e.outputs().get(0)));
        System.out.println(c.describe("lenet with conv1 weight[0] = 4"));
        assertFalse(c.ok(), "the comparison accepted a model with a perturbed weight: " + c.describe("lenet"));
    }

    @Test
    void aHardFaultIsReportedAsAFailureNotAHang() {
        E2E.requireCortexMTools();
        Map<String, byte[]> project = withStatementBeforeInference(lenetFirmware(E2E.fixture("lenet")), "__asm__ volatile(\"udf #0\");");
        long start = System.nanoTime();
        QemuRunner.Execution e = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("fault"), Duration.ofSeconds(60)).execution();
        System.out.println("fault run: " + e.failure() + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertFalse(e.succeeded());
        assertFalse(e.timedOut(), "a fault must end the run, not hang it");
        assertEquals(3, e.exitStatus(), e.log());
        assertTrue(e.fault() != null && e.fault().contains("HardFault") && e.fault().contains("pc=0x"), e.log());
        assertTrue(e.outputs().isEmpty(), "a crashed run reported outputs");
    }

    @Test
    void aHangIsKilledAtTheTimeLimit() {
        E2E.requireCortexMTools();
        Map<String, byte[]> project = withStatementBeforeInference(lenetFirmware(E2E.fixture("lenet")), "for (;;) { __asm__ volatile(\"\"); }");
        QemuRunner.Execution e = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("hang"), Duration.ofSeconds(3)).execution();
        assertTrue(e.timedOut(), e.failure());
        assertFalse(e.succeeded());
        assertEquals("timed out (killed QEMU)", e.failure());
    }

    @Test
    void theFirmwaresExitStatusReachesTheHost() {
        E2E.requireCortexMTools();
        Map<String, byte[]> project = withStatementBeforeInference(lenetFirmware(E2E.fixture("lenet")), "return 42;");
        QemuRunner.Execution e = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("status"), QemuRunner.RUN_TIMEOUT).execution();
        assertEquals(42, e.exitStatus(), e.log());
        assertFalse(e.succeeded());
    }

    /** Not a timing test: under -icount the count is exact, so this checks the measurement is sane. */
    @Test
    void instructionCountIsPlausibleAndRepeatable() {
        E2E.requireCortexMTools();
        Map<String, byte[]> project = lenetFirmware(E2E.fixture("lenet"));
        QemuRunner.Execution a = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("a"), QemuRunner.RUN_TIMEOUT).execution();
        QemuRunner.Execution b = QemuRunner.execute(tmp.resolve("a/lenet.elf"), MPS2, QemuRunner.RUN_TIMEOUT);
        assertTrue(a.succeeded() && b.succeeded(), a.failure() + " / " + b.failure());
        long macs = 416_520;
        assertTrue(a.instructions() > macs && a.instructions() < 20 * macs, "implausible count " + a.instructions());
        assertEquals(a.ticks(), b.ticks(), "two runs of one image must count the same ticks under -icount");
        assertTrue(a.stackUsed() > 0 && a.stackUsed() < MPS2.stackSize(), "stack use " + a.stackUsed());
    }

    @Test
    void firmwareProjectsAreByteIdenticalAcrossCompiles() {
        Path model = E2E.fixture("lenet").model();
        Path input = E2E.fixture("lenet").inputs().get(0);
        Map<String, byte[]> first = null;
        for (String dir : List.of("one", "two")) {
            E2E.CliResult r = E2E.cli("--model", model.toString(), "--target", "cortex-m4", "--test-input", input.toString(),
                    "--output", tmp.resolve(dir).toString());
            assertEquals(0, r.exit(), r.toString());
            Map<String, byte[]> files = E2E.folderContents(tmp.resolve(dir));
            assertTrue(files.keySet().containsAll(List.of("Makefile", "main.c", "test_data.c", "board/startup.c", "board/memory.ld",
                    "board/sections.ld", "model.h", "model.c")), files.keySet().toString());
            if (first != null) {
                assertEquals(first.keySet(), files.keySet());
                for (String name : first.keySet()) {
                    assertTrue(Arrays.equals(first.get(name), files.get(name)), name + " differs between two compiles");
                }
            }
            first = files;
        }
    }

    @Test
    void boardAndTestInputOptionsAreCheckedClearly() {
        E2E.Fixture f = E2E.fixture("lenet");
        String unknown = E2E.assertCleanFailure(E2E.cli("--model", f.model().toString(), "--target", "cortex-m4", "--board", "uno",
                "--output", tmp.resolve("x").toString()), "unknown board");
        assertTrue(unknown.contains("unknown board 'uno'") && unknown.contains("netduinoplus2"), unknown);
        String hostBoard = E2E.assertCleanFailure(E2E.cli("--model", f.model().toString(), "--board", "netduinoplus2",
                "--output", tmp.resolve("y").toString()), "board on host");
        assertTrue(hostBoard.contains("--board needs --target cortex-m4"), hostBoard);
        String badInput = E2E.assertCleanFailure(E2E.cli("--model", f.model().toString(), "--target", "cortex-m4",
                "--test-input", f.references().get(0).toString(), "--output", tmp.resolve("z").toString()), "wrong-size test input");
        assertTrue(badInput.contains("bytes; the model expects 4096"), badInput);
        assertFalse(Files.exists(tmp.resolve("x")) || Files.exists(tmp.resolve("y")) || Files.exists(tmp.resolve("z")));
    }

    private static Map<String, byte[]> lenetFirmware(E2E.Fixture f) {
        CompiledModel m = Compiler.compile(f.model(), "lenet", Target.CORTEX_M4);
        try {
            return new LinkedHashMap<>(FirmwareEmitter.render(m, MPS2.firmware(), List.of(Files.readAllBytes(f.inputs().get(0)))));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Puts a C statement into the test main just before the first inference. */
    private static Map<String, byte[]> withStatementBeforeInference(Map<String, byte[]> project, String statement) {
        String main = new String(project.get("main.c"), StandardCharsets.UTF_8);
        String anchor = "    if (infer() != 0) {";
        assertTrue(main.contains(anchor), "main.c changed shape: " + main);
        project.put("main.c", main.replaceFirst(Pattern.quote(anchor), Matcher.quoteReplacement("    " + statement + "\n" + anchor))
                .getBytes(StandardCharsets.UTF_8));
        return project;
    }

    private static float[] floats(byte[] raw) {
        float[] f = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
