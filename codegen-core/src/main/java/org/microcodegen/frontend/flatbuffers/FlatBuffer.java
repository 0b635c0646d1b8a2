package org.microcodegen.frontend.flatbuffers;

import org.microcodegen.ir.CompileException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A FlatBuffer read from untrusted bytes, with every offset, length and vtable checked against the
 * buffer before it is followed. Our own reader rather than flatbuffers-java: that runtime has no
 * verifier (its accessors follow offsets unchecked, so a corrupt file becomes an exception deep inside
 * it), and flatc, which would generate the accessors, is not available from our registries. Tables are
 * read through their schema ({@link FbsSchema}), so field ids and defaults come from one place.
 *
 * <p>Every failure is a {@link CompileException} with one line naming the file, what is wrong and the
 * byte offset. Offsets may point anywhere, including back at an enclosing table; the reader stays
 * finite because tables nest at most {@link #MAX_DEPTH} deep and the total work per file is capped
 * ({@link #budget}), so shared or cyclic offsets cannot make a small file take long to read.
 */
public final class FlatBuffer {
    /** Deeper table nesting than any schema we read has: a sign of offsets looping back. */
    public static final int MAX_DEPTH = 32;

    private final ByteBuffer bytes;
    private final String source;
    private final String format;
    private final FbsSchema schema;
    /** Table visits and vector elements left to read before the file is refused as amplifying. */
    private long budget;

    private FlatBuffer(ByteBuffer bytes, FbsSchema schema, String source, String format) {
        this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.schema = schema;
        this.source = source;
        this.format = format;
        this.budget = 8L * this.bytes.capacity() + 100_000;
    }

    /**
     * @param schema the schema tables are read with
     * @param source the file name used in messages
     * @param format the format's name in messages, e.g. "TFLite"
     */
    public static FlatBuffer of(byte[] bytes, FbsSchema schema, String source, String format) {
        return new FlatBuffer(ByteBuffer.wrap(bytes), schema, source, format);
    }

    public static FlatBuffer of(ByteBuffer bytes, FbsSchema schema, String source, String format) {
        return new FlatBuffer(bytes, schema, source, format);
    }

    public FbsSchema schema() {
        return schema;
    }

    public int length() {
        return bytes.capacity();
    }

    /** A read-only little-endian view of {@code length} bytes at {@code offset} (checked). */
    public ByteBuffer slice(long offset, long length, String what) {
        requireRange(offset, length, what, offset);
        return bytes.slice((int) offset, (int) length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The 4 bytes after the root offset, as characters (FlatBuffers' file identifier), or null if too short. */
    public String identifier() {
        if (length() < 8) {
            return null;
        }
        byte[] id = new byte[4];
        bytes.get(4, id);
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    /**
     * The root table (the schema's root_type); refuses the file unless its identifier is the schema's
     * file_identifier (when it declares one).
     */
    public Table root() {
        FbsSchema.TableDef root = schema.rootTable();
        String identifier = schema.fileIdentifier();
        if (length() < 8) {
            throw error("only " + length() + " bytes, too short for a " + format + " file", 0);
        }
        if (identifier != null && !identifier.equals(identifier())) {
            throw new CompileException(source + ": not a " + format + " file (file identifier '" + identifier()
                    + "', expected '" + identifier + "')");
        }
        long offset = uint32(0, "root table offset");
        return table(offset, root, 0, "root table " + root.name());
    }

    /**
     * A table that is absent from the file, read as all defaults: FlatBuffers' meaning of a missing
     * table for callers that must decode one anyway (e.g. options an operator omits).
     */
    public Table defaults(FbsSchema.TableDef def, String what) {
        return new Table(this, def, 0, 0, 0, 0, MAX_DEPTH, what);
    }

    /** A table at an absolute position, with its vtable checked. */
    Table table(long position, FbsSchema.TableDef def, int depth, String what) {
        if (depth > MAX_DEPTH) {
            throw error(what + " is nested more than " + MAX_DEPTH + " tables deep (cyclic offsets?)", position);
        }
        spend(1, what, position);
        requireRange(position, 4, what, position);
        long vtable = position - int32(position);
        requireRange(vtable, 4, what + " vtable", vtable);
        int vtableSize = uint16(vtable);
        int tableSize = uint16(vtable + 2);
        if (vtableSize < 4 || (vtableSize & 1) != 0) {
            throw error(what + " has a vtable of " + vtableSize + " bytes", vtable);
        }
        requireRange(vtable, vtableSize, what + " vtable", vtable);
        if (tableSize < 4) {
            throw error(what + " declares " + tableSize + " bytes, less than its vtable offset", position);
        }
        requireRange(position, tableSize, what, position);
        return new Table(this, def, position, vtable, vtableSize, tableSize, depth, what);
    }

    /** Counts work; refuses a file whose offsets make it read far more than its own size. */
    void spend(long units, String what, long at) {
        budget -= units;
        if (budget < 0) {
            throw error(what + ": the file's offsets make it read far more data than it holds"
                    + " (shared or cyclic offsets)", at);
        }
    }

    void requireRange(long offset, long length, String what, long at) {
        if (offset < 0 || length < 0 || offset > length() || length > length() - offset) {
            throw error(what + " (" + length + " bytes at byte " + offset + ") lies outside the file ("
                    + length() + " bytes)", at);
        }
    }

    CompileException error(String what, long at) {
        return new CompileException(source + ": corrupt " + format + " file: " + what + " (at byte " + at + ")");
    }

    String source() {
        return source;
    }

    // Raw reads: callers check the range first.

    int int8(long at) {
        return bytes.get((int) at);
    }

    int uint8(long at) {
        return bytes.get((int) at) & 0xff;
    }

    int int16(long at) {
        return bytes.getShort((int) at);
    }

    int uint16(long at) {
        return bytes.getShort((int) at) & 0xffff;
    }

    int int32(long at) {
        return bytes.getInt((int) at);
    }

    long int64(long at) {
        return bytes.getLong((int) at);
    }

    float float32(long at) {
        return bytes.getFloat((int) at);
    }

    double float64(long at) {
        return bytes.getDouble((int) at);
    }

    /** A checked unsigned 32-bit read. */
    long uint32(long at, String what) {
        requireRange(at, 4, what, at);
        return Integer.toUnsignedLong(bytes.getInt((int) at));
    }

    /** A value of scalar type {@code s} at {@code at}, widened to long (floats are not read here). */
    long integer(long at, FbsSchema.Scalar s) {
        return switch (s) {
            case BOOL, UBYTE -> uint8(at);
            case BYTE -> int8(at);
            case SHORT -> int16(at);
            case USHORT -> uint16(at);
            case INT -> int32(at);
            case UINT -> Integer.toUnsignedLong(int32(at));
            case LONG, ULONG -> int64(at);
            case FLOAT, DOUBLE -> throw new IllegalStateException("not an integer type: " + s);
        };
    }

    String utf8(long at, int length) {
        byte[] b = new byte[length];
        bytes.get((int) at, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
