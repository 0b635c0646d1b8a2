package org.microcodegen.frontend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The top-level fields at the start of a protobuf message, read from the first bytes of a file without
 * a schema. Protobuf has no magic number, so a format built on it (MindIR, ONNX) is recognised by its
 * structure: which field numbers come first, with which wire types. Only what lies inside the head is
 * read; a field whose body runs past it ends the scan there (the file may be large, or truncated, which
 * the format's reader reports better than a detector can).
 */
public final class ProtobufFields {
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LENGTH_DELIMITED = 2;
    public static final int FIXED32 = 5;

    /**
     * One field: its number and wire type; a varint's value; a length-delimited field's body, when the
     * whole body lies inside the head (else {@code body} is null).
     */
    public record Field(int number, int wireType, long varint, byte[] body) {
    }

    /** The fields read, and whether the bytes stopped being well-formed protobuf inside the head. */
    public record Scan(List<Field> fields, boolean malformed) {
        public Scan {
            fields = List.copyOf(fields);
        }

        public Field first() {
            return fields.isEmpty() ? null : fields.get(0);
        }

        /**
         * Whether the head is well formed and every field it shows has the wire type {@code schema}
         * gives its number (field number to wire type). Numbers the schema does not list are allowed,
         * since newer writers add fields.
         */
        public boolean fitsSchema(Map<Integer, Integer> schema) {
            if (malformed || fields.isEmpty()) {
                return false;
            }
            for (Field f : fields) {
                Integer expected = schema.get(f.number());
                if (expected != null && expected != f.wireType()) {
                    return false;
                }
            }
            return true;
        }
    }

    private ProtobufFields() {
    }

    public static Scan scan(byte[] head) {
        Reader r = new Reader(head);
        List<Field> fields = new ArrayList<>();
        while (!r.atEnd()) {
            long tag = r.varint();
            if (r.ranOut) {
                return new Scan(fields, false);
            }
            int wireType = (int) (tag & 7);
            long number = tag >>> 3;
            if (r.broken || number == 0 || number > 0x1FFFFFFF) {
                return new Scan(fields, true);
            }
            switch (wireType) {
                case VARINT -> {
                    long v = r.varint();
                    if (r.broken) {
                        return new Scan(fields, true);
                    }
                    if (r.ranOut) {
                        return new Scan(fields, false);
                    }
                    fields.add(new Field((int) number, wireType, v, null));
                }
                case FIXED64, FIXED32 -> {
                    fields.add(new Field((int) number, wireType, 0, null));
                    r.skip(wireType == FIXED64 ? 8 : 4);
                }
                case LENGTH_DELIMITED -> {
                    long len = r.varint();
                    if (r.broken || len < 0) {
                        return new Scan(fields, true);
                    }
                    if (r.ranOut || len > r.remaining()) {
                        fields.add(new Field((int) number, wireType, 0, null));
                        return new Scan(fields, false);
                    }
                    fields.add(new Field((int) number, wireType, 0, r.take((int) len)));
                }
                default -> {
                    // Wire types 3 and 4 (groups) are deprecated and unused by these formats; 6 and 7 do not exist.
                    return new Scan(fields, true);
                }
            }
        }
        return new Scan(fields, false);
    }

    /** A cursor over the head: {@code ranOut} when a value continues past it, {@code broken} for bad encoding. */
    private static final class Reader {
        private final byte[] bytes;
        private int pos;
        boolean ranOut;
        boolean broken;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean atEnd() {
            return pos >= bytes.length;
        }

        int remaining() {
            return bytes.length - pos;
        }

        void skip(int n) {
            pos = (int) Math.min(bytes.length, (long) pos + n);
        }

        byte[] take(int n) {
            byte[] out = java.util.Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return out;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (atEnd()) {
                    ranOut = true;
                    return 0;
                }
                int b = bytes[pos++] & 0xff;
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            broken = true; // a varint has at most 10 bytes
            return 0;
        }
    }
}
