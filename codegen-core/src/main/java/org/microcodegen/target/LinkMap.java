package org.microcodegen.target;

import org.microcodegen.emit.LibraryEmitter;
import org.microcodegen.ir.CompileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who takes the flash, from the linker's map file (GNU ld {@code -Map}): bytes of flash per part of
 * the firmware. This is how the code of the model (kernels and schedule) is told apart from the test
 * harness, the startup code and the C library, which a product replaces or already has.
 */
public record LinkMap(Map<Part, Long> flashBytes, Map<String, Long> objectBytes, Map<String, Map<String, Long>> sectionBytes) {
    /** The parts of a firmware project, by the object file a section comes from. */
    public enum Part {
        /** The model's schedule, parameters and weights, and the runtime-micro kernels it calls. */
        MODEL,
        /** The embedded test input (test_data.c). */
        TEST_INPUT,
        /** The test main and board/ (startup, semihosting, timer). */
        HARNESS,
        /** libc, libm and libgcc routines the compiler or the kernels call (memset, expf, ...). */
        LIBRARIES,
        /** Alignment padding between sections. */
        PADDING
    }

    /** Output sections that the linker script places in flash (.data's initial values too). */
    private static final List<String> FLASH_SECTIONS = List.of(".isr_vector", ".text", ".rodata", ".ARM.exidx", ".data");
    private static final Pattern OUTPUT_SECTION = Pattern.compile("^(\\.[\\w.]+)(?:\\s+0x[0-9a-f]+\\s+0x[0-9a-f]+)?\\s*$");
    private static final Pattern INPUT_SECTION = Pattern.compile("^ (\\*fill\\*|\\.\\S+)\\s+0x[0-9a-f]+\\s+0x([0-9a-f]+)\\s*(.*)$");

    /** The objects of the model's library folder (schedule, weights, kernels). */
    private static final String MODEL_OBJECTS = "build/" + LibraryEmitter.FIRMWARE_FOLDER + "/";

    /** The object file the firmware Makefile builds from the library folder's {@code source} ("lenet.c"). */
    public static String modelObject(String source) {
        return MODEL_OBJECTS + source.replaceFirst("\\.c$", ".o");
    }

    public static LinkMap read(Path mapFile) {
        String text;
        try {
            text = Files.readString(mapFile);
        } catch (IOException e) {
            throw new CompileException("cannot read the link map " + mapFile + ": " + e.getMessage(), e);
        }
        int start = text.indexOf("Linker script and memory map");
        if (start < 0) {
            throw new CompileException(mapFile + " is not a GNU ld map file");
        }
        // ld breaks a line after a long input section name: join it with its address and size.
        String[] lines = text.substring(start).replaceAll("\n( \\.\\S+)\n\\s+(0x)", "\n$1 $2").split("\n");
        Map<Part, Long> bytes = new LinkedHashMap<>();
        for (Part p : Part.values()) {
            bytes.put(p, 0L);
        }
        Map<String, Long> perObject = new TreeMap<>();
        Map<String, Map<String, Long>> perSection = new TreeMap<>();
        String output = "";
        for (String line : lines) {
            Matcher out = OUTPUT_SECTION.matcher(line);
            if (out.matches()) {
                output = out.group(1);
                continue;
            }
            Matcher in = INPUT_SECTION.matcher(line);
            if (in.matches() && FLASH_SECTIONS.contains(output)) {
                long size = Long.parseLong(in.group(2), 16);
                Part part = in.group(1).equals("*fill*") ? Part.PADDING : partOf(in.group(3).strip());
                bytes.merge(part, size, Long::sum);
                perObject.merge(in.group(3).strip(), size, Long::sum);
                if (size > 0) {
                    perSection.computeIfAbsent(in.group(3).strip(), o -> new TreeMap<>()).merge(in.group(1), size, Long::sum);
                }
            }
        }
        Map<String, Map<String, Long>> sections = new TreeMap<>();
        perSection.forEach((o, s) -> sections.put(o, java.util.Collections.unmodifiableMap(s)));
        return new LinkMap(Map.copyOf(bytes), Map.copyOf(perObject), java.util.Collections.unmodifiableMap(sections));
    }

    static Part partOf(String objectFile) {
        String f = objectFile.replace('\\', '/');
        if (f.startsWith(MODEL_OBJECTS)) {
            return Part.MODEL;
        }
        if (f.equals("build/test_data.o")) {
            return Part.TEST_INPUT;
        }
        if (f.startsWith("build/")) {
            return Part.HARNESS;
        }
        return f.isEmpty() || f.equals("linker stubs") ? Part.PADDING : Part.LIBRARIES;
    }

    public long bytes(Part part) {
        return flashBytes.getOrDefault(part, 0L);
    }

    /**
     * The flash input sections linked from one object file, by section name (".text.mc_conv2d_1x1_s8_simd",
     * ".rodata.multipliers.0"; each function and constant has its own with -ffunction-sections
     * -fdata-sections), in name order; empty if nothing of it is linked.
     */
    public Map<String, Long> sections(String objectFile) {
        return sectionBytes.getOrDefault(objectFile, Map.of());
    }

    /** The model's object files that have flash bytes linked (schedule, weights, kernels), in name order. */
    public List<String> modelObjects() {
        return objectBytes.keySet().stream().filter(o -> partOf(o) == Part.MODEL).sorted().toList();
    }

    /** Flash bytes from one object file of the project, e.g. "build/model/lenet.o" (the schedule). */
    public long objectBytes(String objectFile) {
        return objectBytes.getOrDefault(objectFile, 0L);
    }
}
