package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;

import java.util.Locale;

/**
 * The numbers of one firmware run, in the units peers are measured in (../shared/docs/peers.md):
 * instructions of one inference (the second of two), RAM = .data + .bss (arena included) + stack
 * high-water, flash split into model weights, the embedded test input, and code (everything else).
 * The model's per-channel requantization tables (multipliers and shifts: a one-to-one transform of the
 * model's per-channel scales, which TFLM keeps in its model file) are part of the code in {@link #code}
 * and {@link #modelCode}, and counted as model data in {@link #modelData}, {@link #codeTablesAsData} and
 * {@link #modelCodeTablesAsData}: both accountings, neither moving bytes silently.
 */
public record FirmwareSummary(String model, String board, String icount, long macs, long instructions, long arena, long lowerBound,
                              long ramUsed, long staticRam, long stackUsed, long stackReserved,
                              long flash, long weights, long testInput, long requantizationTables, long modelCode, long scheduleCode, long harnessCode, long libraryCode) {
    public static FirmwareSummary of(CompiledModel m, Board b, QemuRunner.Report r) {
        ElfSizes s = r.sizes();
        QemuRunner.Execution e = r.execution();
        return new FirmwareSummary(m.name(), b.name(), b.instructionClock().icount(), m.macs(), e.instructions(), m.arenaBytes(), m.lowerBoundBytes(),
                s.ramStatic() + e.stackUsed(), s.ramStatic(), e.stackUsed(), s.section(".stack"),
                s.flash(), m.weightBytes(), m.inputBytes(), m.requantizationTableBytes(),
                r.linkMap().bytes(LinkMap.Part.MODEL) - m.weightBytes(), r.linkMap().objectBytes(LinkMap.modelObject(m.name() + ".c")),
                r.linkMap().bytes(LinkMap.Part.HARNESS), r.linkMap().bytes(LinkMap.Part.LIBRARIES));
    }

    /** Flash that is neither weights nor test input: kernels, schedule, parameters, harness, libraries, padding. */
    public long code() {
        return flash - weights - testInput;
    }

    /** What a TFLite model file would hold of this model: weights, biases and the per-channel requantization tables. */
    public long modelData() {
        return weights + requantizationTables;
    }

    /** Flash that is neither model data nor test input: as {@link #code} with the requantization tables counted as data. */
    public long codeTablesAsData() {
        return code() - requantizationTables;
    }

    /** The model's code without its requantization tables: kernels, schedule, parameter structs, lookup tables. */
    public long modelCodeTablesAsData() {
        return modelCode - requantizationTables;
    }

    public double instructionsPerMac() {
        return macs == 0 ? 0 : (double) instructions / macs;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ran %s on %s under QEMU (-icount %s: instruction-exact)%n", model, board, icount)
                + String.format(Locale.ROOT, "  time     %,d instructions per inference, %.2f per MAC (%,d MACs)%n", instructions, instructionsPerMac(), macs)
                + String.format(Locale.ROOT, "  RAM      %,d bytes: .data+.bss %,d (arena %,d, lower bound %,d) + stack %,d used of %,d reserved%n",
                ramUsed, staticRam, arena, lowerBound, stackUsed, stackReserved)
                + String.format(Locale.ROOT, "  flash    %,d bytes: weights %,d + test input %,d + code %,d%n", flash, weights, testInput, code())
                + String.format(Locale.ROOT, "  code     model %,d (kernels + schedule, parameters and requantization tables %,d) + test main and startup %,d"
                        + " + libc/libm/libgcc %,d + padding %,d%n",
                modelCode, scheduleCode, harnessCode, libraryCode, code() - modelCode - harnessCode - libraryCode)
                + (requantizationTables == 0 ? "" : String.format(Locale.ROOT,
                        "  as data  the per-channel requantization tables %,d counted with the weights: model data %,d, code %,d, model code %,d%n",
                        requantizationTables, modelData(), codeTablesAsData(), modelCodeTablesAsData()));
    }
}
