package org.microcodegen.runtime;

/**
 * Concatenation along one axis (mc_concat.c), one input at a time. Every tensor is viewed as
 * [outer][row]: the output row is the inputs' chunks side by side. C passes all inputs at once as
 * an array of pointers; in Java that array would have to be allocated on every inference (its
 * elements are the caller's buffers), so the generated code calls {@link #part} once per input.
 * The result is the same: concatenation only copies.
 */
public final class Concat {
    private Concat() {
    }

    /**
     * Copies in[o][0..chunk) to out[o][at..at + chunk) for every o in [0, outer), where out rows are
     * outRow floats long and {@code outOff} already includes {@code at}.
     */
    public static void part(float[] in, int inOff, int chunk, float[] out, int outOff, int outRow, int outer) {
        for (int o = 0; o < outer; ++o) {
            System.arraycopy(in, inOff + o * chunk, out, outOff + o * outRow, chunk);
        }
    }

    /** int8 tensors (mc_concat_s8); TFLite requires equal scales and zero points, so this only copies. */
    public static void part(byte[] in, int inOff, int chunk, byte[] out, int outOff, int outRow, int outer) {
        for (int o = 0; o < outer; ++o) {
            System.arraycopy(in, inOff + o * chunk, out, outOff + o * outRow, chunk);
        }
    }

    /** int16 tensors (mc_concat_s16). */
    public static void part(short[] in, int inOff, int chunk, short[] out, int outOff, int outRow, int outer) {
        for (int o = 0; o < outer; ++o) {
            System.arraycopy(in, inOff + o * chunk, out, outOff + o * outRow, chunk);
        }
    }
}
