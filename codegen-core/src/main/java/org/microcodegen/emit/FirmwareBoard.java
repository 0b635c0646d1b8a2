package org.microcodegen.emit;

/**
 * The board as the firmware emitter sees it: plain values, already decided by the target package
 * (which owns board descriptors, QEMU and the instruction clock and may depend on emit, never the
 * reverse). Keeping the template rendering here means every template lookup stays in emit.
 *
 * @param cpu             the core (-mcpu), e.g. cortex-m7: the startup code enables the M7's caches
 * @param cpuFlags        arm-none-eabi-gcc's code generation flags for the core and FPU
 * @param clockHz         the processor clock SysTick counts, 0 when unknown
 * @param runCommand      the Makefile's {@code make run} command, or null when no emulator runs this board
 * @param ticksNumerator  instructions = ticks * ticksNumerator / ticksDenominator (0 when not emulated)
 */
public record FirmwareBoard(String name, String description, String cpu, String cpuFlags, long flashOrigin, long flashSize,
                            long ramOrigin, long ramSize, long stackSize, long clockHz, String runCommand,
                            long ticksNumerator, long ticksDenominator) {
    public boolean emulated() {
        return runCommand != null;
    }
}
