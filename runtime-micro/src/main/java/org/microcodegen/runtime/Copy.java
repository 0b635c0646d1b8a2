package org.microcodegen.runtime;

/** Plain copy of n floats, for a reshape that cannot alias its input, or an output that lives elsewhere (mc_copy.c). */
public final class Copy {
    private Copy() {
    }

    public static void copy(float[] in, int inOff, float[] out, int outOff, int n) {
        System.arraycopy(in, inOff, out, outOff, n);
    }
}
