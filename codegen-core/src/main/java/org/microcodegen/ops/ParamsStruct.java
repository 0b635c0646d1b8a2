package org.microcodegen.ops;

import org.microcodegen.quant.Rounding;
import org.microcodegen.ir.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of a kernel's constant parameter object (in C a struct rendered as a static const with
 * designated initialisers, so that a reader sees every field by name). The op decides the fields and
 * their values; the struct's type name belongs to the kernel the registry picks.
 */
public record ParamsStruct(List<Field> fields) {
    public ParamsStruct {
        fields = List.copyOf(fields);
    }

    /** The per-output-channel requantization tables (multiplier, shift) of the convolution and dense kernels. */
    public static final String OUT_MULT = "out_mult";
    public static final String OUT_SHIFT = "out_shift";

    /**
     * This struct's per-channel requantization tables ({@link #OUT_MULT}, {@link #OUT_SHIFT}): a one-to-one transform of the model's
     * per-channel scales (TFLM keeps those scales in its model file), so the benchmark can count them with
     * the model's data rather than its code. Lookup tables and the struct itself are not counted.
     */
    public List<Table> requantizationTables() {
        List<Table> tables = new ArrayList<>();
        for (Field f : fields) {
            if ((f.name().equals(OUT_MULT) || f.name().equals(OUT_SHIFT)) && f.value() instanceof Table t) {
                tables.add(t);
            }
        }
        return tables;
    }

    /** Value: Long, Float, a {@link FusedActivation}, a {@link Rounding}, a List of Long (a fixed-size array inside the struct) or a {@link Table}. */
    public record Field(String name, Object value) {
    }

    /**
     * A constant table the kernel reads through a pointer field: per-channel requantization multipliers,
     * a lookup table. Emitted once, next to the struct, as a constant array of {@code elementType}
     * (flash in C), because its length depends on the model, which a struct's array field cannot.
     */
    public record Table(DType elementType, long[] values) {
        public Table {
            if (elementType != DType.INT8 && elementType != DType.INT16 && elementType != DType.INT32) {
                throw new IllegalArgumentException("tables hold int8, int16 or int32, not " + elementType);
            }
            values = values.clone();
        }

        @Override
        public long[] values() {
            return values.clone();
        }

        public int length() {
            return values.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Table t && t.elementType == elementType && java.util.Arrays.equals(t.values, values);
        }

        @Override
        public int hashCode() {
            return 31 * elementType.hashCode() + java.util.Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return elementType.displayName() + "[" + values.length + "]";
        }
    }

    /** The value of field {@code name} (see {@link Field}), or an error when there is no such field. */
    public Object value(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        throw new IllegalArgumentException("no field " + name + " in " + fields);
    }

    /** The table of field {@code name}, or an error when there is no such table field. */
    public Table table(String name) {
        if (value(name) instanceof Table t) {
            return t;
        }
        throw new IllegalArgumentException("field " + name + " is no table: " + value(name));
    }

    /** The integer value of field {@code name}, or an error when there is no such integer field. */
    public long integer(String name) {
        for (Field f : fields) {
            if (f.name().equals(name) && f.value() instanceof Long v) {
                return v;
            }
        }
        throw new IllegalArgumentException("no integer field " + name + " in " + fields);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<Field> fields = new ArrayList<>();

        private Builder() {
        }

        public Builder set(String name, long value) {
            fields.add(new Field(name, value));
            return this;
        }

        public Builder set(String name, float value) {
            fields.add(new Field(name, value));
            return this;
        }

        public Builder activation(String name, FusedActivation act) {
            fields.add(new Field(name, act));
            return this;
        }

        /** A table of int32 values (e.g. one multiplier per output channel). */
        public Builder table(String name, int[] values) {
            long[] wide = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                wide[i] = values[i];
            }
            return table(name, DType.INT32, wide);
        }

        public Builder table(String name, DType elementType, long[] values) {
            fields.add(new Field(name, new Table(elementType, values)));
            return this;
        }

        /** How the kernel rounds when it requantizes. */
        public Builder rounding(String name, Rounding rounding) {
            fields.add(new Field(name, rounding));
            return this;
        }

        public Builder ints(String name, List<Long> values) {
            fields.add(new Field(name, List.copyOf(values)));
            return this;
        }

        public ParamsStruct build() {
            return new ParamsStruct(fields);
        }
    }
}
