package org.microcodegen.frontend.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal FlatBuffer writer for hostile test files: it lays data out front to back (a child after its
 * parent, so offsets stay positive as FlatBuffers requires) and lets a test write any value anywhere,
 * including ones no real writer would produce. Each table's vtable sits just before it.
 */
final class TinyFlatBuffer {
    private final ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

    TinyFlatBuffer(String identifier) {
        b.putInt(0); // root offset, patched by root()
        b.put(identifier.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A table whose fields have the given widths (0 = absent); returns the position of each field. */
    int[] table(int... widths) {
        int tableSize = 4 + Arrays.stream(widths).sum();
        int vtable = b.position();
        b.putShort((short) (4 + 2 * widths.length)).putShort((short) tableSize);
        int offset = 4;
        int[] fields = new int[widths.length + 1];
        for (int i = 0; i < widths.length; i++) {
            b.putShort((short) (widths[i] == 0 ? 0 : offset));
            offset += widths[i];
        }
        int table = b.position();
        fields[widths.length] = table;
        b.putInt(table - vtable);
        offset = 4;
        for (int i = 0; i < widths.length; i++) {
            fields[i] = widths[i] == 0 ? -1 : table + offset;
            offset += widths[i];
        }
        b.put(new byte[tableSize - 4]);
        return fields;
    }

    void int8(int at, int v) {
        b.put(at, (byte) v);
    }

    void int32(int at, long v) {
        b.putInt(at, (int) v);
    }

    void int64(int at, long v) {
        b.putLong(at, v);
    }

    /** Points the offset field at {@code at} to {@code target}. */
    void ref(int at, int target) {
        b.putInt(at, target - at);
    }

    void root(int table) {
        b.putInt(0, table);
    }

    int ints(int... values) {
        int start = b.position();
        b.putInt(values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return start;
    }

    int longs(long... values) {
        int start = b.position();
        b.putInt(values.length);
        for (long v : values) {
            b.putLong(v);
        }
        return start;
    }

    int floats(float... values) {
        int start = b.position();
        b.putInt(values.length);
        for (float v : values) {
            b.putFloat(v);
        }
        return start;
    }

    int bytes(int length) {
        int start = b.position();
        b.putInt(length);
        b.put(new byte[length]);
        return start;
    }

    int string(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        int start = b.position();
        b.putInt(u.length).put(u).put((byte) 0);
        return start;
    }

    /** A vector of {@code count} offsets; element i is at the returned position + 4 + 4 i. */
    int offsets(int count) {
        int start = b.position();
        b.putInt(count);
        b.put(new byte[4 * count]);
        return start;
    }

    int position() {
        return b.position();
    }

    byte[] toBytes() {
        return Arrays.copyOf(b.array(), b.position());
    }
}
