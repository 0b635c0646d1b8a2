package org.microcodegen.target;

import org.microcodegen.ir.CompileException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Section sizes of a linked firmware image, from {@code arm-none-eabi-size -A}, grouped the way the
 * linker script (targets/cortex-m/sections.ld) places them.
 */
public record ElfSizes(Map<String, Long> sections) {
    /** Sections that occupy flash; .data is there too, as the image copied to RAM at reset. */
    private static final List<String> FLASH = List.of(".isr_vector", ".text", ".rodata", ".ARM.exidx", ".data");

    public static ElfSizes of(Path elf, String sizeTool) {
        String out = Processes.runOrFail(List.of(sizeTool, "-A", elf.toString()), elf.getParent(), Duration.ofMinutes(1),
                "reading section sizes", "install binutils-arm-none-eabi (comes with gcc-arm-none-eabi)");
        Map<String, Long> sections = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 3 && cols[0].startsWith(".") && cols[1].matches("\\d+")) {
                sections.put(cols[0], Long.parseLong(cols[1]));
            }
        }
        if (!sections.containsKey(".text")) {
            throw new CompileException("cannot read section sizes of " + elf + ": " + out.strip());
        }
        return new ElfSizes(Map.copyOf(sections));
    }

    public long section(String name) {
        return sections.getOrDefault(name, 0L);
    }

    /** Bytes of flash: code, constants (weights among them) and the initial values of .data. */
    public long flash() {
        return FLASH.stream().mapToLong(this::section).sum();
    }

    /** Bytes of RAM the linker reserved: the stack, .data and .bss (the arena is in .bss). */
    public long ramReserved() {
        return section(".stack") + section(".data") + section(".bss");
    }

    /** Static RAM: .data and .bss, without the stack. */
    public long ramStatic() {
        return section(".data") + section(".bss");
    }
}
