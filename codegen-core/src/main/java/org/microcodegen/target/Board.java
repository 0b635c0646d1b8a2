package org.microcodegen.target;

import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * A Cortex-M board the firmware can be built for, read from targets/cortex-m/boards/NAME.properties:
 * its memory (for the fit check and the linker script), the QEMU machine that emulates it, and the
 * clock SysTick counts, which turns ticks into instructions under {@code -icount shift=0}.
 */
public record Board(String name, String description, String qemuMachine, long flashOrigin, long flashSize,
                    long ramOrigin, long ramSize, long clockHz, long stackSize) {
    public static final String DEFAULT = "mps2-an386";
    static final String ROOT = "/microcodegen/targets/cortex-m/";

    /** Board names in the order the help text lists them. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (String line : resourceText("boards/boards.list").split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        return names;
    }

    public static Board byName(String name) {
        if (!names().contains(name)) {
            throw new CompileException("unknown board '" + name + "' (choose from " + String.join(", ", names()) + ")");
        }
        Properties p = new Properties();
        try (InputStream in = resource("boards/" + name + ".properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the descriptor of board " + name, e);
        }
        return new Board(name, required(p, name, "description"), required(p, name, "qemu.machine"),
                number(p, name, "flash.origin"), number(p, name, "flash.size"),
                number(p, name, "ram.origin"), number(p, name, "ram.size"),
                number(p, name, "clock.hz"), number(p, name, "stack.size"));
    }

    /**
     * Guest instructions per SysTick tick: with {@code -icount shift=0} QEMU advances its virtual clock
     * by exactly 1 ns per instruction, and SysTick on the processor clock ticks every 1e9/clockHz ns.
     */
    public double instructionsPerTick() {
        return 1e9 / clockHz;
    }

    /** A file of the target support code (startup, board support, linker script) as bytes. */
    public static byte[] supportFile(String relative) {
        try (InputStream in = resource(relative)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read target file " + relative, e);
        }
    }

    private static String resourceText(String relative) {
        return new String(supportFile(relative), StandardCharsets.UTF_8);
    }

    private static InputStream resource(String relative) {
        InputStream in = Board.class.getResourceAsStream(ROOT + relative);
        if (in == null) {
            throw new IllegalStateException("target file " + relative + " is missing from the build");
        }
        return in;
    }

    private static String required(Properties p, String board, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("board " + board + " has no " + key);
        }
        return v.strip();
    }

    private static long number(Properties p, String board, String key) {
        String v = required(p, board, key).toLowerCase(Locale.ROOT);
        return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
    }
}
