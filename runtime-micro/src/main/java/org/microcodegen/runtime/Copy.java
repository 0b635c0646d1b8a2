package org.microcodegen.runtime;

/**
 * Plain copy of n elements, for a reshape that cannot alias its input, or an output that lives elsewhere
 * (mc_copy.c). One overload per arena array type: copying moves values whatever dtype they encode.
 */
public final class Copy {
    private Copy() {
    }

    public static void copy(float[] in, int inOff, float[] out, int outOff, int n) {
        System.arraycopy(in, inOff, out, outOff, n);
    }

    public static void copy(byte[] in, int inOff, byte[] out, int outOff, int n) {
        System.arraycopy(in, inOff, out, outOff, n);
    }

    public static void copy(short[] in, int inOff, short[] out, int outOff, int n) {
        System.arraycopy(in, inOff, out, outOff, n);
    }

    public static void copy(int[] in, int inOff, int[] out, int outOff, int n) {
        System.arraycopy(in, inOff, out, outOff, n);
    }

    public static void copy(long[] in, int inOff, long[] out, int outOff, int n) {
        System.arraycopy(in, inOff, out, outOff, n);
    }

    public static void copy(double[] in, int inOff, double[] out, int outOff, int n) {
        System.arraycopy(in, inOff, out, outOff, n);
    }
}
