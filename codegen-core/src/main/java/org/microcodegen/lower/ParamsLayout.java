package org.microcodegen.lower;

import org.microcodegen.ops.ParamsStruct;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * A kernel's own parameter struct, narrower than its op's: only the fields the kernel reads, in the order of
 * its C typedef, each integer in the smallest C type the kernel accepts, and values the kernel would
 * otherwise compute at run time computed here ({@code pixels = batch * out_h * out_w}). An op's
 * {@link ParamsStruct} has every field any of its kernels needs (mc_qconv2d_params: 21 int32 fields, 92 bytes
 * in flash per layer); a fast kernel that reads four of them takes one of these instead
 * ({@link Kernel#narrowing}), declared once per kernel beside its registry entry ({@link CParams}).
 *
 * <p>A value never loses bits: the registry chooses a narrowed kernel only where every value fits its field
 * ({@link #misfit}; {@link KernelRegistry#select}), so a layer too large for the compact struct falls to
 * the next kernel that applies. Tables ({@link ParamsStruct.Table}: the requantization multipliers and shifts)
 * stay pointers to the same tables, so the benchmark's table accounting and the schedule's table sharing see
 * them as before.
 *
 * @param cType   the struct's C type name ("mc_qpointwise_params")
 * @param members its fields, in the typedef's order
 */
public record ParamsLayout(String cType, List<Member> members) {
    public ParamsLayout {
        members = List.copyOf(members);
    }

    /** The C type of a field. */
    public enum FieldType {
        INT8("int8_t", Byte.MIN_VALUE, Byte.MAX_VALUE),
        UINT8("uint8_t", 0, 0xFF),
        INT16("int16_t", Short.MIN_VALUE, Short.MAX_VALUE),
        UINT16("uint16_t", 0, 0xFFFF),
        INT32("int32_t", Integer.MIN_VALUE, Integer.MAX_VALUE),
        /** A pointer to one of the op's tables; its element type is the table's. */
        TABLE(null, 0, 0),
        /** A value the op gives that is no integer (an enum such as the rounding), as the op's struct has it. */
        AS_IS(null, 0, 0);

        private final String cName;
        private final long min;
        private final long max;

        FieldType(String cName, long min, long max) {
            this.cName = cName;
            this.min = min;
            this.max = max;
        }

        /** The C type ("int16_t"), or null for a table pointer or a value kept as the op gives it. */
        public String cName() {
            return cName;
        }

        boolean isInteger() {
            return cName != null;
        }

        /** Whether {@code value} is representable in this integer type. */
        public boolean holds(long value) {
            return value >= min && value <= max;
        }
    }

    /**
     * One field: its name, its C type, and how its value comes from the op's parameter values.
     *
     * @param cType  the type as the typedef spells it: "int16_t"; "pointer" for a table; an enum's name
     * @param source how the value is computed, in words: the op's field of the same name, or a formula
     *               ("batch * out_h * out_w")
     */
    public record Member(String name, FieldType type, String cType, String source, ToLongFunction<ParamsStruct> derive) {
        /** The field's value from the op's values {@code op}: a Long for an integer type, else the op's value as is. */
        Object value(ParamsStruct op) {
            return type.isInteger() ? (Object) derive.applyAsLong(op) : op.value(name);
        }
    }

    /** An empty layout for the C struct {@code cType}, to add fields to in order. */
    public static ParamsLayout of(String cType) {
        return new ParamsLayout(cType, List.of());
    }

    /** Plus field {@code name}: the op's integer field of that name, as C type {@code type}. */
    public ParamsLayout integer(String name, FieldType type) {
        return derived(name, type, name, p -> p.integer(name));
    }

    /** Plus field {@code name} of C type {@code type}, computed from the op's values ({@code formula} says how, in words). */
    public ParamsLayout derived(String name, FieldType type, String formula, ToLongFunction<ParamsStruct> value) {
        if (!type.isInteger()) {
            throw new IllegalArgumentException(name + ": a computed field is an integer, not " + type);
        }
        return plus(new Member(name, type, type.cName(), formula, value));
    }

    /** Plus field {@code name}: a pointer to the op's table of that name. */
    public ParamsLayout table(String name) {
        return plus(new Member(name, FieldType.TABLE, "pointer", name, null));
    }

    /**
     * Plus field {@code name} of C type {@code cType}: the op's non-integer value of that name (an enum such as
     * the rounding, "mc_rounding"), as the op's struct has it.
     */
    public ParamsLayout asIs(String name, String cType) {
        return plus(new Member(name, FieldType.AS_IS, cType, name, null));
    }

    private ParamsLayout plus(Member m) {
        if (members.stream().anyMatch(x -> x.name().equals(m.name()))) {
            throw new IllegalArgumentException(cType + " has field " + m.name() + " twice");
        }
        List<Member> more = new ArrayList<>(members);
        more.add(m);
        return new ParamsLayout(cType, more);
    }

    /**
     * Why the op's values {@code op} do not fit this struct ("out_c = 70000 is outside uint16_t"), or empty
     * when they do. Values the op does not have (a field it lacks, a table that is no table) do not fit either.
     */
    public Optional<String> misfit(ParamsStruct op) {
        if (op == null) {
            return Optional.of("the op has no parameter values");
        }
        for (Member m : members) {
            try {
                Object v = m.value(op);
                if (m.type().isInteger() && !m.type().holds((Long) v)) {
                    return Optional.of(m.name() + " = " + v + (m.source().equals(m.name()) ? "" : " (" + m.source() + ")")
                            + " is outside " + m.type().cName());
                }
                if (m.type() == FieldType.TABLE && !(v instanceof ParamsStruct.Table)) {
                    return Optional.of(m.name() + " is no table of the op's");
                }
            } catch (IllegalArgumentException | ArithmeticException e) {
                return Optional.of(m.name() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The struct's values from the op's values {@code op}: its fields only, in its order. Refuses values that do not fit. */
    public ParamsStruct narrow(ParamsStruct op) {
        misfit(op).ifPresent(why -> {
            throw new IllegalArgumentException(cType + ": " + why);
        });
        List<ParamsStruct.Field> fields = new ArrayList<>();
        for (Member m : members) {
            fields.add(new ParamsStruct.Field(m.name(), m.value(op)));
        }
        return new ParamsStruct(fields);
    }
}
