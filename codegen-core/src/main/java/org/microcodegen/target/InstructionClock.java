package org.microcodegen.target;

/**
 * How the firmware's SysTick ticks become an exact instruction count under QEMU: the one place that
 * chooses the {@code -icount} shift and the ticks-to-instructions ratio (the firmware's board.c does the
 * division with the ratio rendered into board/board_config.h).
 *
 * <p>With {@code -icount shift=S} QEMU's virtual clock advances exactly 2^S ns per guest instruction, and
 * SysTick on the processor clock ticks every 1e9/clockHz ns, so one instruction is
 * r = 2^S * clockHz / 1e9 ticks. A tick count reads floor(t1/p) - floor(t0/p), within one tick of the
 * truth: when r > 2 that is within half an instruction, and rounding recovers the count exactly. With
 * S = 0 (r = 0.025 on a 25 MHz board) a count was only known to within 40 instructions (one tick), so
 * the same LeNet code read 1,237,600 on mps2-an386 (40 instructions per tick) and 1,237,601 on
 * netduinoplus2 (5.95 per tick); now both boards read the same exact count. S is the smallest shift with r >= {@link #MIN_TICKS_PER_INSTRUCTION}: a
 * larger r only makes SysTick wrap (an interrupt, whose instructions board.c subtracts) more often.
 *
 * @param shift the {@code -icount shift} value
 */
public record InstructionClock(long clockHz, int shift) {
    /** Above 2 with a margin for QEMU's clock period, which it keeps in 2^-32 ns units. */
    static final double MIN_TICKS_PER_INSTRUCTION = 2.5;
    private static final long NS_PER_SECOND = 1_000_000_000L;

    public static InstructionClock of(long clockHz) {
        if (clockHz <= 0) {
            throw new IllegalArgumentException("no processor clock");
        }
        int shift = 0;
        while ((double) (clockHz << shift) / NS_PER_SECOND < MIN_TICKS_PER_INSTRUCTION) {
            shift++;
        }
        return new InstructionClock(clockHz, shift);
    }

    /** The {@code -icount} option value. */
    public String icount() {
        return "shift=" + shift + ",sleep=off";
    }

    /** instructions = ticks * numerator / denominator, rounded: 1e9 / (clockHz * 2^shift) in lowest terms. */
    public long numerator() {
        return NS_PER_SECOND / gcd();
    }

    public long denominator() {
        return (clockHz << shift) / gcd();
    }

    private long gcd() {
        long a = NS_PER_SECOND;
        long b = clockHz << shift;
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
