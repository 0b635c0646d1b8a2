package org.microcodegen.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIMD kernels' C unit tests (runtime-micro/c/test/test_conv_simd.c: seeded random convolutions and fully
 * connected layers against the reference kernels, both roundings) built for the Cortex-M4, where mc_simd.h takes
 * the real instructions (SMLAD, SXTB16, SMLAL) instead of its portable definitions, and run under QEMU. CKernelsTest
 * runs the same tests on the host. The firmware's startup and semihosting come from a generated firmware project.
 */
class CortexMSimdKernelUnitTest {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed");
    private static final String CPU = "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16";

    @TempDir
    Path tmp;

    @Test
    void simdKernelUnitTestsPassOnTheCortexM4() throws IOException {
        E2E.requireCortexMTools();
        Path root = E2E.projectRoot();
        Path firmware = tmp.resolve("fw");
        E2E.CliResult compiled = E2E.cli("--model", root.resolve("examples/lenet/lenet.mindir").toString(), "--target", "cortex-m4",
                "--output", firmware.toString());
        assertEquals(0, compiled.exit(), () -> "compile: " + compiled);
        Path board = firmware.resolve("board");
        Files.writeString(tmp.resolve("main_simd.c"), """
                #include "mc_test.h"
                int main(void) {
                    test_conv_simd();
                    return mc_test_summary();
                }
                """);
        // newlib's printf writes through _write: to the board's semihosting console
        Files.writeString(tmp.resolve("write_shim.c"), """
                #include "board.h"
                #include <string.h>
                int _write(int fd, const char *buf, int len);
                int _write(int fd, const char *buf, int len) {
                    char line[129];
                    int done = 0;
                    (void)fd;
                    while (done < len) {
                        int n = len - done > 128 ? 128 : len - done;
                        memcpy(line, buf + done, (size_t)n);
                        line[n] = 0;
                        board_print(line);
                        done += n;
                    }
                    return len;
                }
                """);
        Path src = root.resolve("runtime-micro/c/src");
        Path test = root.resolve("runtime-micro/c/test");
        List<String> cc = new ArrayList<>(List.of("arm-none-eabi-gcc"));
        cc.addAll(List.of(CPU.split(" ")));
        cc.addAll(List.of("-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror", "-ffunction-sections", "-fdata-sections",
                "-I" + src, "-I" + test, "-I" + board, "-I" + firmware,
                "main_simd.c", "write_shim.c", test.resolve("test_conv_simd.c").toString(), test.resolve("mc_test.c").toString(),
                src.resolve("mc_conv_simd.c").toString(), src.resolve("mc_conv2d_nhwc.c").toString(),
                src.resolve("mc_fully_connected.c").toString(), board.resolve("board.c").toString(), board.resolve("startup.c").toString(),
                "-nostartfiles", "-Wl,--gc-sections", "-L" + board, "-T" + board.resolve("sections.ld"), "-Wl,--defsym=end=_ebss",
                "--specs=nano.specs", "--specs=nosys.specs", "-lm", "-o", "simd_tests.elf"));
        E2E.ProcResult built = E2E.exec(tmp, cc);
        assertEquals(0, built.exit(), () -> "build: " + built.output());
        E2E.ProcResult dump = E2E.exec(tmp, List.of("arm-none-eabi-objdump", "-d", "simd_tests.elf"));
        assertTrue(dump.output().contains("smlad") && dump.output().contains("sxtb16"),
                "the Cortex-M4 build must use the DSP instructions, not the portable definitions");
        E2E.ProcResult ran = E2E.exec(tmp, List.of("qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none",
                "-semihosting-config", "enable=on,target=native", "-kernel", "simd_tests.elf"));
        System.out.println("Cortex-M4 SIMD kernel unit tests: " + ran.output().strip());
        Matcher m = SUMMARY.matcher(ran.output());
        assertTrue(m.find(), "no summary line: " + ran.output());
        assertEquals("0", m.group(2), ran.output());
        assertTrue(Integer.parseInt(m.group(1)) >= 4, ran.output());
        assertEquals(0, ran.exit(), ran.output());
    }
}
