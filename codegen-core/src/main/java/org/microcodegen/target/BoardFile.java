package org.microcodegen.target;

import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and checks a board descriptor (Java properties). Every problem is one line naming the file and
 * the key, because a user's descriptor is input like a model file: a typo must not become a firmware
 * that links at the wrong address.
 *
 * <pre>
 * description=...            optional, one line
 * cpu=cortex-m4|cortex-m7    the core (-mcpu)
 * fpu=fpv4-sp-d16|fpv5-sp-d16|fpv5-d16   its FPU (-mfpu; hard float)
 * flash.origin, flash.size   where code and weights go
 * ram.origin, ram.size       where the stack, .data and .bss (the arena) go
 * stack.size                 optional, default 8 KiB
 * qemu.machine               optional: the qemu-system-arm -M machine that emulates the board
 * clock.hz                   the processor clock SysTick counts; required with qemu.machine
 * </pre>
 * Numbers are decimal or 0x hex; sizes may end in K, KiB, M or MiB.
 */
final class BoardFile {
    static final long DEFAULT_STACK = 8192;
    /** The FPUs each core can have (Arm's Technical Reference Manuals; GCC's -mfpu names). */
    private static final Map<String, List<String>> FPUS = Map.of(
            "cortex-m4", List.of("fpv4-sp-d16"),
            "cortex-m7", List.of("fpv5-sp-d16", "fpv5-d16"));
    private static final Set<String> KEYS = Set.of("description", "cpu", "fpu", "qemu.machine", "flash.origin", "flash.size",
            "ram.origin", "ram.size", "stack.size", "clock.hz");
    /** Names end up in a C string, a Makefile and file names: keep them to a safe alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern MACHINE = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final long ADDRESS_SPACE = 1L << 32;

    private BoardFile() {
    }

    static Board read(Path file) {
        String fileName = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String name = fileName.replaceFirst("\\.properties$", "");
        if (!Files.isRegularFile(file)) {
            throw new CompileException("board file " + file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        if (!NAME.matcher(name).matches()) {
            throw new CompileException("board file " + file + ": the board is named after the file, and '" + name
                    + "' is not a board name (letters, digits, '.', '-', '_')");
        }
        Properties p;
        try {
            p = Board.load(file);
        } catch (CharacterCodingException e) {
            throw new CompileException("board file " + file + ": not UTF-8 text");
        } catch (IOException | IllegalArgumentException e) {
            throw new CompileException("board file " + file + ": cannot read it: " + e.getMessage());
        }
        return parse(name, p, "board file " + file);
    }

    /** @param where names the descriptor in messages ("board file F" or "board NAME") */
    static Board parse(String name, Properties p, String where) {
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new CompileException(where + ": unknown key " + unknown.iterator().next() + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        String cpu = required(p, where, "cpu");
        if (!FPUS.containsKey(cpu)) {
            throw new CompileException(where + ": cpu: '" + cpu + "' is not a supported core (" + String.join(", ", new TreeSet<>(FPUS.keySet())) + ")");
        }
        String fpu = required(p, where, "fpu");
        if (!FPUS.get(cpu).contains(fpu)) {
            throw new CompileException(where + ": fpu: '" + fpu + "' is not an FPU of the " + cpu + " (" + String.join(", ", FPUS.get(cpu)) + ")");
        }
        String description = optional(p, "description", name);
        if (description.contains("*/") || description.chars().anyMatch(c -> c < 0x20)) {
            throw new CompileException(where + ": description: must be one line without '*/'");
        }
        String machine = optional(p, "qemu.machine", null);
        if (machine != null && !MACHINE.matcher(machine).matches()) {
            throw new CompileException(where + ": qemu.machine: '" + machine + "' is not a QEMU machine name (see qemu-system-arm -machine help)");
        }
        long flashOrigin = number(p, where, "flash.origin", 0);
        long flashSize = number(p, where, "flash.size", 1);
        long ramOrigin = number(p, where, "ram.origin", 0);
        long ramSize = number(p, where, "ram.size", 1);
        region(where, "flash", flashOrigin, flashSize);
        region(where, "ram", ramOrigin, ramSize);
        long clock = p.getProperty("clock.hz") == null && machine == null ? 0 : hertz(p, where);
        long stack = p.getProperty("stack.size") == null ? DEFAULT_STACK : number(p, where, "stack.size", 256);
        if (stack % 8 != 0 || stack >= ramSize) {
            throw new CompileException(where + ": stack.size: " + stack + " must be a multiple of 8 and less than ram.size");
        }
        return new Board(name, description, cpu, fpu, machine, flashOrigin, flashSize, ramOrigin, ramSize, clock, stack);
    }

    private static void region(String where, String region, long origin, long size) {
        if (origin % 4 != 0 || origin + size > ADDRESS_SPACE) {
            throw new CompileException(where + ": " + region + ".origin/" + region + ".size: the region must be word-aligned and within the 4 GiB address space");
        }
    }

    private static String required(Properties p, String where, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new CompileException(where + ": missing key " + key);
        }
        return v.strip();
    }

    private static String optional(Properties p, String key, String otherwise) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? otherwise : v.strip();
    }

    private static long number(Properties p, String where, String key, long min) {
        long v = MemorySize.parse(required(p, where, key), where + ": " + key);
        if (v < min) {
            throw new CompileException(where + ": " + key + ": " + v + " is too small");
        }
        return v;
    }

    /** Hertz in plain digits: a K or M suffix means 1024 in sizes, which would silently be wrong for a clock. */
    private static long hertz(Properties p, String where) {
        String v = required(p, where, "clock.hz");
        if (!v.matches("[1-9][0-9]{0,10}")) {
            throw new CompileException(where + ": clock.hz: '" + v + "' is not a frequency in Hz (digits only, e.g. 25000000)");
        }
        return Long.parseLong(v);
    }
}
