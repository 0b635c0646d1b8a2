package org.microcodegen.target;

import org.microcodegen.emit.CompiledModel;

import java.util.Locale;

/**
 * The numbers of one firmware run, in the units peers are measured in (../shared/docs/peers.md):
 * instructions of one inference (the second of two), RAM = .data + .bss (arena included) + stack
 * high-water, flash split into model weights, the embedded test input, and code (everything else).
 */
public record FirmwareSummary(String model, String board, String icount, long macs, long instructions, long arena, long lowerBound,
                              long ramUsed, long staticRam, long stackUsed, long stackReserved,
                              long flash, long weights, long testInput, long modelCode, long scheduleCode, long harnessCode, long libraryCode) {
    public static FirmwareSummary of(CompiledModel m, Board b, QemuRunner.Report r) {
        ElfSizes s = r.sizes();
        QemuRunner.Execution e = r.execution();
        return new FirmwareSummary(m.name(), b.name(), b.instructionClock().icount(), m.macs(), e.instructions(), m.arenaBytes(), m.lowerBoundBytes(),
                s.ramStatic() + e.stackUsed(), s.ramStatic(), e.stackUsed(), s.section(".stack"),
                s.flash(), m.weightBytes(), m.inputBytes(),
                r.linkMap().bytes(LinkMap.Part.MODEL) - m.weightBytes(), r.linkMap().objectBytes(LinkMap.modelObject(m.name() + ".c")),
                r.linkMap().bytes(LinkMap.Part.HARNESS), r.linkMap().bytes(LinkMap.Part.LIBRARIES));
    }

    /** Flash that is neither weights nor test input: kernels, schedule, parameters, harness, libraries, padding. */
    public long code() {
        return flash - weights - testInput;
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
                + String.format(Locale.ROOT, "  code     model %,d (kernels + schedule and parameters %,d) + test main and startup %,d + libc/libm/libgcc %,d + padding %,d%n",
                modelCode, scheduleCode, harnessCode, libraryCode, code() - modelCode - harnessCode - libraryCode);
    }
}
