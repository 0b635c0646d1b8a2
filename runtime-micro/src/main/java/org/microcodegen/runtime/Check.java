package org.microcodegen.runtime;

/**
 * Argument checks of a generated model's run method (the C version returns -1 on a NULL pointer). One
 * overload per array type a model's inputs, outputs and arenas use.
 */
public final class Check {
    private Check() {
    }

    /** Fails unless {@code buf} holds at least {@code size} floats. */
    public static void size(float[] buf, int size, String name) {
        size(buf == null, buf == null ? 0 : buf.length, size, name, "floats");
    }

    /** Fails unless {@code buf} holds at least {@code size} bytes. */
    public static void size(byte[] buf, int size, String name) {
        size(buf == null, buf == null ? 0 : buf.length, size, name, "bytes");
    }

    /** Fails unless {@code buf} holds at least {@code size} shorts. */
    public static void size(short[] buf, int size, String name) {
        size(buf == null, buf == null ? 0 : buf.length, size, name, "shorts");
    }

    /** Fails unless {@code buf} holds at least {@code size} ints. */
    public static void size(int[] buf, int size, String name) {
        size(buf == null, buf == null ? 0 : buf.length, size, name, "ints");
    }

    /** Fails unless {@code buf} holds at least {@code size} longs. */
    public static void size(long[] buf, int size, String name) {
        size(buf == null, buf == null ? 0 : buf.length, size, name, "longs");
    }

    /** Fails unless {@code buf} holds at least {@code size} doubles. */
    public static void size(double[] buf, int size, String name) {
        size(buf == null, buf == null ? 0 : buf.length, size, name, "doubles");
    }

    private static void size(boolean isNull, int length, int size, String name, String unit) {
        if (isNull) {
            throw new NullPointerException(name + " is null");
        }
        if (length < size) {
            throw new IllegalArgumentException(name + " has " + length + " " + unit + "; the model needs " + size);
        }
    }
}
