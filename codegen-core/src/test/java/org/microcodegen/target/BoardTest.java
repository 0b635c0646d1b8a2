package org.microcodegen.target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoardTest {
    private static final String STM32L476 = """
            description=STM32L476RG (Cortex-M4F, 1 MiB flash, 128 KiB SRAM1+SRAM2)
            cpu=cortex-m4
            fpu=fpv4-sp-d16
            flash.origin=0x08000000
            flash.size=1M
            ram.origin=0x20000000
            ram.size=96KiB
            """;

    @TempDir
    Path tmp;

    @Test
    void sizesTakeBinarySuffixes() {
        assertEquals(131072, MemorySize.parse("128K", "x"));
        assertEquals(131072, MemorySize.parse("128 KiB", "x"));
        assertEquals(1048576, MemorySize.parse("1M", "x"));
        assertEquals(2097152, MemorySize.parse("2mib", "x"));
        assertEquals(131072, MemorySize.parse("0x20000", "x"));
        assertEquals(1000, MemorySize.parse("1000", "x"));
        for (String bad : List.of("", "12kb", "1.5M", "-1", "K", "99999999999999999999")) {
            CompileException e = assertThrows(CompileException.class, () -> MemorySize.parse(bad, "--ram"), bad);
            assertTrue(e.getMessage().startsWith("--ram: "), e.getMessage());
        }
    }

    /** One instruction must span more than two ticks, so a tick count rounds to the exact instruction count. */
    @Test
    void theInstructionClockMakesEveryInstructionMoreThanTwoTicks() {
        InstructionClock mps2 = InstructionClock.of(25_000_000);
        assertEquals(7, mps2.shift()); // 128 ns per instruction = 3.2 ticks of 40 ns
        assertEquals("shift=7,sleep=off", mps2.icount());
        assertEquals(5, mps2.numerator());
        assertEquals(16, mps2.denominator());
        InstructionClock f405 = InstructionClock.of(168_000_000);
        assertEquals(4, f405.shift()); // 16 ns = 2.69 ticks of 5.95 ns
        assertEquals(125, f405.numerator());
        assertEquals(336, f405.denominator());
        for (long hz : List.of(1_000_000L, 16_000_000L, 80_000_000L, 480_000_000L, 1_000_000_000L)) {
            InstructionClock c = InstructionClock.of(hz);
            double ticksPerInstruction = (double) c.denominator() / c.numerator();
            assertTrue(ticksPerInstruction > 2 && ticksPerInstruction < 5.01, hz + " Hz: " + ticksPerInstruction);
        }
    }

    @Test
    void builtInBoardsHaveCoreFpuAndQemu() {
        Board m4 = Board.byName("mps2-an386");
        assertEquals("-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16", m4.cpuFlags());
        Board m7 = Board.byName("mps2-an500");
        assertEquals("-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16", m7.cpuFlags());
        assertEquals(List.of("qemu-system-arm", "-M", "mps2-an500", "-nographic", "-monitor", "none", "-semihosting-config",
                "enable=on,target=native", "-icount", "shift=7,sleep=off", "-kernel", "a.elf"), QemuRunner.command(m7, "qemu-system-arm", "a.elf"));
        assertTrue(Board.names().containsAll(List.of("mps2-an386", "netduinoplus2", "mps2-an500")));
    }

    @Test
    void aUserBoardNeedsNoQemuMachine() throws IOException {
        Board b = Board.fromFile(write("stm32l476.properties", STM32L476));
        assertEquals("stm32l476", b.name());
        assertFalse(b.emulated());
        assertNull(b.firmware().runCommand());
        assertEquals(0x08000000L, b.flashOrigin());
        assertEquals(1 << 20, b.flashSize());
        assertEquals(96 << 10, b.ramSize());
        assertEquals(8192, b.stackSize());
        Board smaller = b.withMemory(64L << 10, null);
        assertEquals(64 << 10, smaller.ramSize());
        assertEquals(1 << 20, smaller.flashSize());
    }

    @Test
    void badDescriptorsAreOneLineNamingFileAndKey() throws IOException {
        assertBad("cpu=cortex-m4\n", STM32L476.replace("cpu=cortex-m4\n", ""), "missing key cpu");
        assertBad("cortex-m3", STM32L476.replace("cpu=cortex-m4", "cpu=cortex-m3"), "cpu: 'cortex-m3' is not a supported core");
        assertBad("fpv5", STM32L476.replace("fpu=fpv4-sp-d16", "fpu=fpv5-d16"), "fpu: 'fpv5-d16' is not an FPU of the cortex-m4");
        assertBad("typo", STM32L476 + "ram.sise=1\n", "unknown key ram.sise");
        assertBad("size", STM32L476.replace("ram.size=96KiB", "ram.size=lots"), "ram.size: 'lots' is not a size");
        assertBad("zero", STM32L476.replace("ram.size=96KiB", "ram.size=0"), "ram.size: 0 is too small");
        assertBad("machine", STM32L476 + "qemu.machine=x y\n", "qemu.machine: 'x y' is not a QEMU machine name");
        assertBad("clock", STM32L476 + "qemu.machine=netduinoplus2\n", "missing key clock.hz");
        assertBad("hertz", STM32L476 + "qemu.machine=netduinoplus2\nclock.hz=80M\n", "clock.hz: '80M' is not a frequency");
        assertBad("stack", STM32L476 + "stack.size=100000000\n", "stack.size");
        assertBad("region", STM32L476.replace("flash.origin=0x08000000", "flash.origin=0xFFFFFF00"), "flash.origin/flash.size");
        Path missing = tmp.resolve("nope.properties");
        CompileException e = assertThrows(CompileException.class, () -> Board.fromFile(missing));
        assertEquals("board file " + missing + ": no such file", e.getMessage());
    }

    private void assertBad(String label, String text, String expected) throws IOException {
        Path file = write("bad.properties", text);
        CompileException e = assertThrows(CompileException.class, () -> Board.fromFile(file), label);
        assertTrue(e.getMessage().startsWith("board file " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), label + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }
}
