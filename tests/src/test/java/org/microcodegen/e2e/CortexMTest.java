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
        return E2E.conformanceTests(tmp, 2, E2E::requireCortexMTools, report -> checkReport(report, "mps2-an386"), "--target", "cortex-m4");
    }

    /** The second core: the same fixtures, the same tolerance, on QEMU's Cortex-M7 (fpv5-d16, caches enabled at reset). */
    @TestFactory
    Stream<DynamicTest> everySupportedFixtureMatchesMindSporeOnTheCortexM7() {
        return E2E.conformanceTests(tmp, 2, E2E::requireCortexMTools, report -> checkReport(report, "mps2-an500"), "--target", "cortex-m7");
    }

    private static void checkReport(String report, String board) {
        System.out.print(report);
        assertTrue(report.contains("on " + board + " under QEMU"), "not run on " + board + ": " + report);
        assertTrue(report.contains("instructions per inference"), "no instruction count in " + report);
    }

    /**
     * Under -icount the count is exact, so the same code counts the same instructions on every board,
     * whatever its SysTick clock (25 MHz: 40 instructions per tick at shift 0; 168 MHz: 5.95). With one
     * shift for all boards, LeNet read 1,237,600 on one and 1,237,601 on the other.
     */
    @Test
    void bothCortexM4BoardsCountTheSameInstructions() {
        E2E.requireCortexMTools();
        Board netduino = Board.byName("netduinoplus2");
        CompiledModel m = Compiler.compile(E2E.fixture("lenet").model(), "lenet", Target.CORTEX_M4);
        QemuRunner.Execution a = QemuRunner.buildAndRun(firmware(m, MPS2), MPS2, tmp.resolve("a"), QemuRunner.RUN_TIMEOUT).execution();
        QemuRunner.Execution b = QemuRunner.buildAndRun(firmware(m, netduino), netduino, tmp.resolve("b"), QemuRunner.RUN_TIMEOUT).execution();
        assertTrue(a.succeeded() && b.succeeded(), a.failure() + " / " + b.failure());
        System.out.println("lenet: " + a.instructions() + " instructions on mps2-an386, " + b.instructions() + " on netduinoplus2");
        assertEquals(a.instructions(), b.instructions(), "the boards disagree on LeNet's instruction count");
        assertTrue(a.ticks() != b.ticks(), "the boards' clocks should differ, or this test shows nothing");
    }

    /** A real part QEMU does not emulate: a firmware project that builds, a fit check, and a clear `run` refusal. */
    @Test
    void aUserBoardWithoutQemuGetsAFirmwareProjectThatBuilds() throws IOException {
        Path boardFile = stm32l476();
        E2E.Fixture f = E2E.fixture("lenet");
        Path out = tmp.resolve("l476");
        E2E.CliResult r = E2E.cli("--model", f.model().toString(), "--target", "cortex-m4", "--board-file", boardFile.toString(),
                "--test-input", f.inputs().get(0).toString(), "--name", "lenet", "--output", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("fits     stm32l476: RAM 26.5 KiB of 128 KiB"), r.out());
        assertTrue(r.out().contains("no emulator runs this board"), r.out());
        String makefile = Files.readString(out.resolve("Makefile"));
        assertTrue(makefile.contains("CPU := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"), makefile);
        assertFalse(makefile.contains("-icount"), makefile);
        String memory = Files.readString(out.resolve("board/memory.ld"));
        assertTrue(memory.contains("FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 1048576"), memory);
        assertTrue(memory.contains("RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 131072"), memory);

        E2E.requireCortexMTools();
        Path elf = QemuRunner.build(out, List.of());
        assertEquals("lenet.elf", elf.getFileName().toString());

        E2E.CliResult run = E2E.cli("run", "--model", f.model().toString(), "--target", "cortex-m4", "--board-file", boardFile.toString(),
                "--input", f.inputs().get(0).toString(), "--out", tmp.resolve("o.bin").toString());
        String line = E2E.assertCleanFailure(run, "run on a board QEMU does not emulate");
        assertTrue(line.contains("board stm32l476 cannot be emulated"), line);
        assertFalse(Files.exists(tmp.resolve("o.bin")));
    }

    @Test
    void ramAndFlashOverridesReplaceTheBoardsSizesEverywhere() throws IOException {
        E2E.Fixture f = E2E.fixture("lenet");
        Path small = tmp.resolve("small");
        String line = E2E.assertCleanFailure(E2E.cli("--model", f.model().toString(), "--target", "cortex-m4", "--board-file",
                stm32l476().toString(), "--ram", "16K", "--output", small.toString()), "too little RAM");
        assertTrue(line.matches("micro-codegen: model needs [\\d.]+ KiB RAM \\(arena .*\\), stm32l476 has 16 KiB"), line);
        assertFalse(Files.exists(small));

        Path out = tmp.resolve("sized");
        E2E.CliResult r = E2E.cli("--model", f.model().toString(), "--target", "cortex-m4", "--ram", "64KiB", "--flash", "0x80000",
                "--output", out.toString());
        assertEquals(0, r.exit(), r.toString());
        String memory = Files.readString(out.resolve("board/memory.ld"));
        assertTrue(memory.contains("ORIGIN = 0x00000000, LENGTH = 524288") && memory.contains("ORIGIN = 0x20000000, LENGTH = 65536"), memory);

        String bad = E2E.assertCleanFailure(E2E.cli("--model", f.model().toString(), "--target", "cortex-m4", "--ram", "lots",
                "--output", tmp.resolve("x").toString()), "bad --ram");
        assertTrue(bad.contains("--ram: 'lots' is not a size"), bad);
    }

    @Test
    void badBoardFilesAreOneLineNamingFileAndKey() throws IOException {
        E2E.Fixture f = E2E.fixture("lenet");
        Path noCpu = Files.writeString(tmp.resolve("nocpu.properties"), Files.readString(stm32l476()).replace("cpu=cortex-m4\n", ""));
        Path typo = Files.writeString(tmp.resolve("typo.properties"), Files.readString(stm32l476()).replace("ram.size=", "ram.sise="));
        Path m4OnM7 = Files.writeString(tmp.resolve("m4.properties"), Files.readString(stm32l476()));
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("board file " + noCpu + ": missing key cpu", List.of("--target", "cortex-m4", "--board-file", noCpu.toString()));
        cases.put("board file " + typo + ": unknown key ram.sise (known: clock.hz, cpu, description, flash.origin, flash.size, fpu, qemu.machine, ram.origin, ram.size, stack.size)", List.of("--target", "cortex-m4", "--board-file", typo.toString()));
        cases.put("board file " + tmp.resolve("none.properties") + ": no such file",
                List.of("--target", "cortex-m4", "--board-file", tmp.resolve("none.properties").toString()));
        cases.put("board m4 has a cortex-m4, not a cortex-m7 (use --target cortex-m4)", List.of("--target", "cortex-m7", "--board-file", m4OnM7.toString()));
        cases.put("board mps2-an500 has a cortex-m7, not a cortex-m4 (use --target cortex-m7)", List.of("--target", "cortex-m4", "--board", "mps2-an500"));
        cases.put("--board and --board-file exclude each other", List.of("--target", "cortex-m4", "--board", "mps2-an386", "--board-file", typo.toString()));
        cases.put("--board-file applies to --target cortex-m4 or cortex-m7 only", List.of("--target", "host", "--board-file", typo.toString()));
        int i = 0;
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            Path out = tmp.resolve("bad" + i++);
            List<String> args = new java.util.ArrayList<>(List.of("--model", f.model().toString(), "--output", out.toString()));
            args.addAll(c.getValue());
            String line = E2E.assertCleanFailure(E2E.cli(args.toArray(String[]::new)), c.getKey());
            assertEquals("micro-codegen: " + c.getKey(), line);
            assertFalse(Files.exists(out), "output written despite: " + line);
        }
    }

    /** An STM32L476RG as a user would describe it: 1 MiB flash, 128 KiB SRAM (SRAM1 96 + SRAM2 32, contiguous at 0x20000000 through SRAM2's alias at 0x20018000). */
    private Path stm32l476() throws IOException {
        return Files.writeString(tmp.resolve("stm32l476.properties"), String.join("\n",
                "# STM32L476RG (Nucleo-L476RG): not emulated by QEMU",
                "description=STM32L476RG (Cortex-M4F, 80 MHz, 1 MiB flash, 128 KiB SRAM)",
                "cpu=cortex-m4",
                "fpu=fpv4-sp-d16",
                "flash.origin=0x08000000",
                "flash.size=1MiB",
                "ram.origin=0x20000000",
                "ram.size=128K",
                ""));
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
        String weights = new String(project.get("model/lenet_weights.c"), StandardCharsets.UTF_8);
        int array = weights.indexOf("lenet_conv1_weight[");
        assertTrue(array > 0, "no conv1 weight array in lenet_weights.c");
        Matcher m = FLOAT_LITERAL.matcher(weights);
        assertTrue(m.find(array), "no literal in the conv1 weights");
        String perturbed = weights.substring(0, m.start()) + "4.00000000e+00f" + weights.substring(m.end());
        project.put("model/lenet_weights.c", perturbed.getBytes(StandardCharsets.UTF_8));

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
                    "board/sections.ld", "model/model.h", "model/model.c", "model/CMakeLists.txt", "model/model.mk", "model/report.json")), files.keySet().toString());
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
        assertTrue(hostBoard.contains("--board applies to --target cortex-m4 or cortex-m7 only"), hostBoard);
        String badInput = E2E.assertCleanFailure(E2E.cli("--model", f.model().toString(), "--target", "cortex-m4",
                "--test-input", f.references().get(0).toString(), "--output", tmp.resolve("z").toString()), "wrong-size test input");
        assertTrue(badInput.contains("bytes; the model expects 4096"), badInput);
        assertFalse(Files.exists(tmp.resolve("x")) || Files.exists(tmp.resolve("y")) || Files.exists(tmp.resolve("z")));
    }

    private static Map<String, byte[]> lenetFirmware(E2E.Fixture f) {
        return firmware(Compiler.compile(f.model(), "lenet", Target.CORTEX_M4), MPS2);
    }

    private static Map<String, byte[]> firmware(CompiledModel m, Board board) {
        try {
            return new LinkedHashMap<>(FirmwareEmitter.render(m, board.firmware(), List.of(Files.readAllBytes(E2E.fixture("lenet").inputs().get(0)))));
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
