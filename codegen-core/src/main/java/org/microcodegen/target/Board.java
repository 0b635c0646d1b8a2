package org.microcodegen.target;

import org.microcodegen.emit.FirmwareBoard;
import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A Cortex-M board as a descriptor: its core and FPU (the compiler flags), its memory (the fit check
 * and the linker script), and, when QEMU emulates it, the QEMU machine and the processor clock SysTick
 * counts (which turn ticks into instructions). Built-in boards live in targets/cortex-m/boards/NAME.properties;
 * a user's own part comes from {@code --board-file FILE} with the same keys ({@link BoardFile}).
 *
 * @param qemuMachine the {@code qemu-system-arm -M} value, or null for a part QEMU does not emulate
 * @param clockHz     the processor clock; 0 when unknown (only a QEMU board needs it)
 */
public record Board(String name, String description, String cpu, String fpu, String qemuMachine,
                    long flashOrigin, long flashSize, long ramOrigin, long ramSize, long clockHz, long stackSize) {
    static final String ROOT = "/microcodegen/targets/cortex-m/";

    /** Built-in board names in the order the help text lists them. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (String line : new String(resourceBytes("boards/boards.list"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return names;
    }

    public static Board byName(String name) {
        if (!names().contains(name)) {
            throw new CompileException("unknown board '" + name + "' (choose from " + String.join(", ", names())
                    + ", or describe your own with --board-file)");
        }
        Properties p = new Properties();
        try (InputStream in = resource("boards/" + name + ".properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the descriptor of board " + name, e);
        }
        return BoardFile.parse(name, p, "board " + name);
    }

    /** A user's descriptor ({@code --board-file}): named after the file, checked key by key. */
    public static Board fromFile(Path file) {
        return BoardFile.read(file);
    }

    /** The same board with the fit check's RAM and flash sizes replaced ({@code --ram}, {@code --flash}); null keeps a size. */
    public Board withMemory(Long ram, Long flash) {
        return new Board(name, description, cpu, fpu, qemuMachine, flashOrigin, flash == null ? flashSize : flash,
                ramOrigin, ram == null ? ramSize : ram, clockHz, stackSize);
    }

    public boolean emulated() {
        return qemuMachine != null;
    }

    /** How SysTick ticks become instructions under QEMU; only for an emulated board. */
    public InstructionClock instructionClock() {
        if (!emulated()) {
            throw new IllegalStateException("board " + name + " is not emulated");
        }
        return InstructionClock.of(clockHz);
    }

    /** arm-none-eabi-gcc's code generation flags for this core and FPU (hard float: the kernels are float32). */
    public String cpuFlags() {
        return "-mcpu=" + cpu + " -mthumb -mfloat-abi=hard -mfpu=" + fpu;
    }

    /** What the firmware emitter needs to know about the board, in the emitter's own terms. */
    public FirmwareBoard firmware() {
        InstructionClock clock = emulated() ? instructionClock() : null;
        return new FirmwareBoard(name, description, cpu, cpuFlags(), flashOrigin, flashSize, ramOrigin, ramSize, stackSize, clockHz,
                emulated() ? String.join(" ", QemuRunner.command(this, "$(QEMU)", "$<")) : null,
                clock == null ? 0 : clock.numerator(), clock == null ? 0 : clock.denominator());
    }

    private static byte[] resourceBytes(String relative) {
        try (InputStream in = resource(relative)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read board file " + relative, e);
        }
    }

    private static InputStream resource(String relative) {
        InputStream in = Board.class.getResourceAsStream(ROOT + relative);
        if (in == null) {
            throw new IllegalStateException("target file " + relative + " is missing from the build");
        }
        return in;
    }

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        return p;
    }
}
