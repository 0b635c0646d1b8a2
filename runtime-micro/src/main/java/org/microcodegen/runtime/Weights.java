package org.microcodegen.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Loads a model's weights from the binary resources the compiler writes next to the generated class,
 * one per element type: little-endian values (float32, or int8/int16/int32/int64), all tensors of that
 * type back to back. A class file cannot hold them (array
 * initialisers count against the 64 KB limit of a method), so they are read once, when the model
 * class is initialised, and checked against the length and CRC32 computed at compile time: a
 * missing, truncated, padded or corrupted resource stops the class from loading with a message that
 * names the resource, instead of producing wrong outputs later.
 */
public final class Weights {
    private Weights() {
    }

    /**
     * @param owner    the generated model class; the resource is looked up relative to its package
     * @param resource the resource's file name, e.g. "LenetModel.weights"
     * @param floats   how many float32 values the resource must hold
     * @param crc32    the CRC32 of the resource's bytes
     */
    public static float[] load(Class<?> owner, String resource, int floats, long crc32) {
        float[] values = new float[floats];
        ByteBuffer.wrap(read(owner, resource, floats * 4, crc32)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** The same for int8 (and other one-byte) weights, {@code count} of them. */
    public static byte[] loadBytes(Class<?> owner, String resource, int count, long crc32) {
        return read(owner, resource, count, crc32);
    }

    /** The same for int16 weights. */
    public static short[] loadShorts(Class<?> owner, String resource, int count, long crc32) {
        short[] values = new short[count];
        ByteBuffer.wrap(read(owner, resource, count * 2, crc32)).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(values);
        return values;
    }

    /** The same for int32 weights (biases of int8 layers, requantization tables). */
    public static int[] loadInts(Class<?> owner, String resource, int count, long crc32) {
        int[] values = new int[count];
        ByteBuffer.wrap(read(owner, resource, count * 4, crc32)).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values);
        return values;
    }

    /** The same for int64 weights (biases of int16 layers). */
    public static long[] loadLongs(Class<?> owner, String resource, int count, long crc32) {
        long[] values = new long[count];
        ByteBuffer.wrap(read(owner, resource, count * 8, crc32)).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        return values;
    }

    /** The resource's bytes, exactly {@code length} of them with the given CRC32, or an exception naming it. */
    private static byte[] read(Class<?> owner, String resource, int length, long crc32) {
        String where = owner.getPackage() == null || owner.getPackage().getName().isEmpty()
                ? resource : owner.getPackage().getName().replace('.', '/') + "/" + resource;
        byte[] bytes = new byte[length];
        InputStream in = owner.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("weights resource " + where + " of " + owner.getName()
                    + " is missing: it must be on the class path next to the class");
        }
        try {
            try {
                int n = 0;
                while (n < bytes.length) {
                    int r = in.read(bytes, n, bytes.length - n);
                    if (r < 0) {
                        throw new IllegalStateException("weights resource " + where + " is truncated: " + n
                                + " bytes, expected " + bytes.length);
                    }
                    n += r;
                }
                if (in.read() >= 0) {
                    throw new IllegalStateException("weights resource " + where + " is longer than the "
                            + bytes.length + " bytes the model expects");
                }
            } finally {
                in.close();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read weights resource " + where + ": " + e.getMessage(), e);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        if (crc.getValue() != crc32) {
            throw new IllegalStateException(String.format("weights resource %s is corrupt: CRC32 %08x, expected %08x",
                    where, crc.getValue(), crc32));
        }
        return bytes;
    }
}
