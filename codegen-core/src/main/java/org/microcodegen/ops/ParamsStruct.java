package org.microcodegen.ops;

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

    /** Value: Long, Float, a {@link FusedActivation}, or a List of Long. */
    public record Field(String name, Object value) {
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

        public Builder ints(String name, List<Long> values) {
            fields.add(new Field(name, List.copyOf(values)));
            return this;
        }

        public ParamsStruct build() {
            return new ParamsStruct(fields);
        }
    }
}
