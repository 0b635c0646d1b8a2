package org.microcodegen.plan;

/** Alignment arithmetic shared by the planners, the lower bound and the verifier. */
public final class Align {

    private Align() {
    }

    /** Rejects anything but a power of two, since only those make {@link #up} a bit mask. */
    public static int require(int alignment) {
        if (alignment < 1 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two >= 1, got " + alignment);
        }
        return alignment;
    }

    /** The smallest multiple of {@code alignment} that is {@code >= value}. */
    public static long up(long value, int alignment) {
        return Math.addExact(value, alignment - 1L) & -(long) alignment;
    }
}
