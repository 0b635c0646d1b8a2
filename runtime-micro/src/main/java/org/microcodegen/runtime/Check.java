package org.microcodegen.runtime;

/** Argument checks of a generated model's run method (the C version returns -1 on a NULL pointer). */
public final class Check {
    private Check() {
    }

    /** Fails unless {@code buf} holds at least {@code size} floats. */
    public static void size(float[] buf, int size, String name) {
        if (buf == null) {
            throw new NullPointerException(name + " is null");
        }
        if (buf.length < size) {
            throw new IllegalArgumentException(name + " has " + buf.length + " floats; the model needs " + size);
        }
    }
}
