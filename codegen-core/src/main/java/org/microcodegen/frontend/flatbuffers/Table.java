package org.microcodegen.frontend.flatbuffers;

import org.microcodegen.frontend.flatbuffers.FbsSchema.Field;
import org.microcodegen.frontend.flatbuffers.FbsSchema.Kind;
import org.microcodegen.frontend.flatbuffers.FbsSchema.Scalar;

import java.util.ArrayList;
import java.util.List;

/**
 * One table of a {@link FlatBuffer}, read by field name through its schema. An absent field reads as
 * the schema's default (scalars) or null (strings, tables, vectors, unions). Reading a field with the
 * wrong accessor for its schema type is a bug in the caller (IllegalStateException); everything read
 * from the file is checked and fails as a CompileException naming the field and the byte offset.
 */
public final class Table {
    private final FlatBuffer buffer;
    private final FbsSchema.TableDef def;
    private final long position;
    private final long vtable;
    private final int vtableSize;
    private final int tableSize;
    private final int depth;
    private final String what;

    Table(FlatBuffer buffer, FbsSchema.TableDef def, long position, long vtable, int vtableSize, int tableSize,
          int depth, String what) {
        this.buffer = buffer;
        this.def = def;
        this.position = position;
        this.vtable = vtable;
        this.vtableSize = vtableSize;
        this.tableSize = tableSize;
        this.depth = depth;
        this.what = what;
    }

    public FbsSchema.TableDef def() {
        return def;
    }

    /** Where the table starts in the file (for messages). */
    public long position() {
        return position;
    }

    public boolean has(String name) {
        return offsetOf(def.field(name).id()) != 0;
    }

    // ---------------------------------------------------------------- scalars

    /** An integer, enum or bool field, widened to long (a ulong above 2^63 reads negative). */
    public long integer(String name) {
        Field f = scalarField(name);
        if (f.scalar().isFloat()) {
            throw new IllegalStateException(def.name() + "." + name + " is a floating-point field");
        }
        long at = fieldPosition(f, f.scalar().width());
        return at < 0 ? integerDefault(f) : buffer.integer(at, f.scalar());
    }

    /** An integer field that must fit an int (e.g. an index or a count). */
    public int int32(String name) {
        long v = integer(name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw buffer.error(label(name) + " = " + Long.toUnsignedString(v) + " is out of range", position);
        }
        return (int) v;
    }

    public boolean bool(String name) {
        return integer(name) != 0;
    }

    public double floating(String name) {
        Field f = scalarField(name);
        if (!f.scalar().isFloat()) {
            throw new IllegalStateException(def.name() + "." + name + " is not a floating-point field");
        }
        long at = fieldPosition(f, f.scalar().width());
        if (at < 0) {
            return f.defaultText() == null ? 0 : Double.parseDouble(f.defaultText());
        }
        return f.scalar() == Scalar.FLOAT ? buffer.float32(at) : buffer.float64(at);
    }

    // ---------------------------------------------------------------- references

    /** A sub-table, or null when absent. */
    public Table table(String name) {
        Field f = kindField(name, Kind.TABLE);
        long target = target(f);
        return target < 0 ? null : buffer.table(target, schemaTable(f.typeName()), depth + 1, label(name));
    }

    /** A string, or null when absent. */
    public String string(String name) {
        Field f = kindField(name, Kind.STRING);
        long target = target(f);
        return target < 0 ? null : stringAt(target, label(name));
    }

    /** A union's member name, or null for NONE; a type the schema does not list is refused. */
    public String unionType(String name) {
        Field f = kindField(name, Kind.UNION);
        long at = fieldPositionById(f.id() - 1, 1, name + "_type");
        if (at < 0) {
            return null;
        }
        int type = buffer.uint8(at);
        if (type == 0) {
            return null;
        }
        List<String> members = buffer.schema().union(f.typeName()).members();
        if (type > members.size()) {
            throw buffer.error(label(name) + " has union type " + type + ", which " + f.typeName()
                    + " does not define", at);
        }
        return members.get(type - 1);
    }

    /** A union's value read as its member table, or null when NONE or absent. */
    public Table union(String name) {
        String type = unionType(name);
        if (type == null) {
            return null;
        }
        Field f = kindField(name, Kind.UNION);
        long target = target(f);
        if (target < 0) {
            throw buffer.error(label(name) + " has type " + type + " but no value", position);
        }
        return buffer.table(target, schemaTable(type), depth + 1, label(name) + " (" + type + ")");
    }

    // ---------------------------------------------------------------- vectors

    /** Element count and start of a vector field, or null when absent. */
    private long[] vector(Field f, int elementWidth) {
        long target = target(f);
        if (target < 0) {
            return null;
        }
        long count = buffer.uint32(target, label(f.name()) + " vector length");
        long bytes = count * elementWidth; // count < 2^32, width <= 8: no overflow
        buffer.requireRange(target + 4, bytes, label(f.name()) + " vector of " + count + " elements", target);
        buffer.spend(count, label(f.name()), target);
        return new long[] {count, target + 4};
    }

    /** A vector of integers (any width up to 32 bits), or null when absent. */
    public int[] ints(String name) {
        Field f = scalarVector(name);
        if (f.scalar().isFloat() || f.scalar().width() > 4) {
            throw new IllegalStateException(def.name() + "." + name + " is not a vector of 32-bit integers");
        }
        long[] v = vector(f, f.scalar().width());
        if (v == null) {
            return null;
        }
        int[] out = new int[(int) v[0]];
        for (int i = 0; i < out.length; i++) {
            long x = buffer.integer(v[1] + (long) i * f.scalar().width(), f.scalar());
            if (x > Integer.MAX_VALUE) {
                throw buffer.error(label(name) + "[" + i + "] = " + x + " is out of range", v[1]);
            }
            out[i] = (int) x;
        }
        return out;
    }

    /** A vector of 64-bit integers, or null when absent. */
    public long[] longs(String name) {
        Field f = scalarVector(name);
        if (f.scalar().width() != 8 || f.scalar().isFloat()) {
            throw new IllegalStateException(def.name() + "." + name + " is not a vector of 64-bit integers");
        }
        long[] v = vector(f, 8);
        if (v == null) {
            return null;
        }
        long[] out = new long[(int) v[0]];
        for (int i = 0; i < out.length; i++) {
            out[i] = buffer.int64(v[1] + 8L * i);
        }
        return out;
    }

    /** A vector of floats or doubles, or null when absent. */
    public double[] doubles(String name) {
        Field f = scalarVector(name);
        if (!f.scalar().isFloat()) {
            throw new IllegalStateException(def.name() + "." + name + " is not a vector of floats");
        }
        long[] v = vector(f, f.scalar().width());
        if (v == null) {
            return null;
        }
        double[] out = new double[(int) v[0]];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.scalar() == Scalar.FLOAT ? buffer.float32(v[1] + 4L * i) : buffer.float64(v[1] + 8L * i);
        }
        return out;
    }

    /** A [ubyte] or [byte] vector as {start, length} in the file, or null when absent; the bytes are not copied. */
    public long[] byteRange(String name) {
        Field f = scalarVector(name);
        if (f.scalar().width() != 1) {
            throw new IllegalStateException(def.name() + "." + name + " is not a byte vector");
        }
        long target = target(f);
        if (target < 0) {
            return null;
        }
        long count = buffer.uint32(target, label(name) + " vector length");
        buffer.requireRange(target + 4, count, label(name) + " of " + count + " bytes", target);
        return new long[] {target + 4, count};
    }

    /** A vector of tables, or null when absent. */
    public List<Table> tables(String name) {
        Field f = vectorOf(name, Kind.TABLE);
        long[] v = vector(f, 4);
        if (v == null) {
            return null;
        }
        FbsSchema.TableDef element = schemaTable(f.typeName());
        List<Table> out = new ArrayList<>((int) Math.min(v[0], 1024));
        for (int i = 0; i < v[0]; i++) {
            long at = v[1] + 4L * i;
            out.add(buffer.table(at + buffer.uint32(at, label(name)), element, depth + 1, label(name) + "[" + i + "]"));
        }
        return out;
    }

    /** A vector of strings, or null when absent. */
    public List<String> strings(String name) {
        Field f = vectorOf(name, Kind.STRING);
        long[] v = vector(f, 4);
        if (v == null) {
            return null;
        }
        List<String> out = new ArrayList<>((int) Math.min(v[0], 1024));
        for (int i = 0; i < v[0]; i++) {
            long at = v[1] + 4L * i;
            out.add(stringAt(at + buffer.uint32(at, label(name)), label(name) + "[" + i + "]"));
        }
        return out;
    }

    // ---------------------------------------------------------------- internals

    private String stringAt(long target, String what) {
        long length = buffer.uint32(target, what + " length");
        buffer.requireRange(target + 4, length + 1, what + " of " + length + " bytes", target);
        if (buffer.uint8(target + 4 + length) != 0) {
            throw buffer.error(what + " is not NUL-terminated", target + 4 + length);
        }
        buffer.spend(length, what, target);
        return buffer.utf8(target + 4, (int) length);
    }

    /** The absolute target of an offset field, or -1 when absent. */
    private long target(Field f) {
        long at = fieldPosition(f, 4);
        if (at < 0) {
            return -1;
        }
        long offset = Integer.toUnsignedLong(buffer.int32(at));
        if (offset == 0) {
            throw buffer.error(label(f.name()) + " is an offset of 0 (points at itself)", at);
        }
        long target = at + offset;
        buffer.requireRange(target, 4, label(f.name()) + " target", at);
        return target;
    }

    private long fieldPosition(Field f, int width) {
        return fieldPositionById(f.id(), width, f.name());
    }

    /** Absolute position of field {@code id}'s inline value, or -1 when the vtable does not list it. */
    private long fieldPositionById(int id, int width, String name) {
        long offset = offsetOf(id);
        if (offset == 0) {
            return -1;
        }
        if (offset + width > tableSize) {
            throw buffer.error(label(name) + " at offset " + offset + " lies outside its table of " + tableSize
                    + " bytes", position);
        }
        return position + offset;
    }

    private int offsetOf(int id) {
        long slot = 4L + 2L * id;
        return slot + 2 > vtableSize ? 0 : buffer.uint16(vtable + slot);
    }

    private long integerDefault(Field f) {
        String text = f.defaultText();
        if (text == null) {
            return 0;
        }
        if (text.equals("true") || text.equals("false")) {
            return text.equals("true") ? 1 : 0;
        }
        if (Character.isDigit(text.charAt(0)) || text.charAt(0) == '-') {
            return Long.decode(text);
        }
        return buffer.schema().enumDef(f.typeName()).valueOf(text);
    }

    private Field scalarField(String name) {
        return kindField(name, Kind.SCALAR);
    }

    private Field kindField(String name, Kind kind) {
        Field f = def.field(name);
        if (f.kind() != kind) {
            throw new IllegalStateException(def.name() + "." + name + " is a " + f.kind() + ", not a " + kind);
        }
        return f;
    }

    private Field vectorOf(String name, Kind element) {
        Field f = kindField(name, Kind.VECTOR);
        if (f.elementKind() != element) {
            throw new IllegalStateException(def.name() + "." + name + " is a vector of " + f.elementKind());
        }
        return f;
    }

    private Field scalarVector(String name) {
        return vectorOf(name, Kind.SCALAR);
    }

    private FbsSchema.TableDef schemaTable(String name) {
        return buffer.schema().table(name);
    }

    private String label(String field) {
        return what + "." + field;
    }
}
