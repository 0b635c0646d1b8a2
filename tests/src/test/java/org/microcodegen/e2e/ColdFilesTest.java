package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.Compiler;
import org.microcodegen.emit.ColdFiles;
import org.microcodegen.emit.CompiledModel;
import org.microcodegen.emit.FirmwareEmitter;
import org.microcodegen.target.Board;
import org.microcodegen.target.QemuRunner;
import org.microcodegen.target.Target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels that run for a negligible share of the inference are compiled with -Os (ColdFiles): on the
 * Cortex-M4 that must make the code smaller, cost at most 0.2% of the instructions, and change no output
 * bit against the same firmware built with every kernel at -O2 (`make COLD_CFLAGS=`); and the three build
 * files must name the same files, so a CMake or Make project gets what the firmware gets.
 */
class ColdFilesTest {
    private static final Board MPS2 = Board.byName("mps2-an386");

    @TempDir
    Path tmp;

    /** The float ResNet-8 fixture: its dense layer and average pool are cold, its convolutions hot. */
    private static CompiledModel resnet8(Target target) {
        return Compiler.compile(E2E.fixture("resnet8").model(), "resnet8", target);
    }

    @Test
    void coldKernelsBuiltForSizeAreSmallerWithTheSameOutputsAndCostAtMostTwoTenthsOfAPercent() throws IOException {
        E2E.requireCortexMTools();
        CompiledModel m = resnet8(Target.CORTEX_M4);
        List<String> cold = ColdFiles.of(List.of(m));
        assertFalse(cold.isEmpty(), "no cold file: this test shows nothing");
        assertFalse(cold.contains("mc_conv2d.c"), "the convolutions are the inference: " + cold);
        Map<String, byte[]> project = FirmwareEmitter.render(m, MPS2.firmware(),
                List.of(Files.readAllBytes(E2E.fixture("resnet8").inputs().get(0))));
        QemuRunner.Report sized = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("sized"), QemuRunner.RUN_TIMEOUT, List.of());
        QemuRunner.Report fast = QemuRunner.buildAndRun(project, MPS2, tmp.resolve("fast"), QemuRunner.RUN_TIMEOUT, List.of("COLD_CFLAGS="));
        assertTrue(sized.execution().succeeded() && fast.execution().succeeded(), sized.execution().failure() + " / " + fast.execution().failure());
        for (int i = 0; i < fast.execution().outputs().size(); i++) {
            assertArrayEquals(fast.execution().outputs().get(i), sized.execution().outputs().get(i), "output " + i + " differs at -Os");
        }
        long smaller = fast.sizes().section(".text") - sized.sizes().section(".text");
        long slower = sized.execution().instructions() - fast.execution().instructions();
        System.out.printf("resnet8: %s at -Os: %,d B less code, %+,d instructions of %,d%n", cold, smaller, slower,
                fast.execution().instructions());
        assertTrue(smaller > 0, "-Os did not reach " + cold + ": .text " + sized.sizes().section(".text"));
        assertTrue(slower <= 0.002 * fast.execution().instructions(), "-Os on " + cold + " costs " + slower + " instructions");
    }

    @Test
    void theMakefileModelMkAndCMakeListsNameTheSameColdFiles() throws IOException {
        List<String> cold = ColdFiles.of(List.of(resnet8(Target.C)));
        Path lib = tmp.resolve("lib");
        E2E.CliResult r = E2E.cli("--model", E2E.fixture("resnet8").model().toString(), "--target", "c", "--name", "resnet8",
                "--output", lib.toString());
        assertEquals(0, r.exit(), r::toString);
        String files = String.join(" ", cold);
        assertTrue(r.out().contains("-Os      " + cold.get(0)), r.out());
        assertTrue(E2E.read(lib.resolve("model.mk")).contains("RESNET8_SIZE_SRCS := $(addprefix $(RESNET8_DIR)/," + files + ")\n"));
        assertTrue(E2E.read(lib.resolve("CMakeLists.txt")).contains("set_source_files_properties(" + files + " PROPERTIES COMPILE_OPTIONS -Os)"));

        Path fw = tmp.resolve("fw");
        assertEquals(0, E2E.cli("--model", E2E.fixture("resnet8").model().toString(), "--target", "cortex-m4", "--name", "resnet8",
                "--output", fw.toString()).exit());
        String makefile = E2E.read(fw.resolve("Makefile"));
        assertTrue(makefile.contains("$(RESNET8_SIZE_SRCS:%.c=build/%.o): CFLAGS += $(COLD_CFLAGS)"), makefile);
    }

    /** LeNet's every kernel runs for over 0.4% of it: no file is cold, and the build files say nothing of -Os. */
    @Test
    void aModelWithoutColdKernelsGetsNoSizeFlags() {
        Path lib = tmp.resolve("lenet");
        E2E.CliResult r = E2E.cli("--model", E2E.fixture("lenet").model().toString(), "--target", "cortex-m4", "--name", "lenet",
                "--output", lib.toString());
        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.out().contains("-Os  "), r.out());
        assertTrue(E2E.read(lib.resolve("model/model.mk")).contains("LENET_SIZE_SRCS :=\n"));
        assertFalse(E2E.read(lib.resolve("model/CMakeLists.txt")).contains("set_source_files_properties"));
        assertFalse(E2E.read(lib.resolve("Makefile")).contains("COLD_CFLAGS"));
    }
}
