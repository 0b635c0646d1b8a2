package org.microcodegen.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * A constant parameter struct of the runtime (e.g. mc_conv2d_params), rendered as a static const
 * with designated initialisers so that a reader sees every field by name.
 */
public record ParamsStruct(String cType, List<Field> fields) {
    public ParamsStruct {
        fields = List.copyOf(fields);
    }

    /** Value: Long, Float, a runtime symbol (String), or a List of Long / Float. */
    public record Field(String name, Object value) {
    }

    public static Builder builder(String cType) {
        return new Builder(cType);
    }

    public static final class Builder {
        private final String cType;
        private final List<Field> fields = new ArrayList<>();

        private Builder(String cType) {
            this.cType = cType;
        }

        public Builder set(String name, long value) {
            fields.add(new Field(name, value));
            return this;
        }

        public Builder set(String name, float value) {
            fields.add(new Field(name, value));
            return this;
        }

        public Builder symbol(String name, String symbol) {
            fields.add(new Field(name, new Symbol(symbol)));
            return this;
        }

        public Builder ints(String name, List<Long> values) {
            fields.add(new Field(name, List.copyOf(values)));
            return this;
        }

        public ParamsStruct build() {
            return new ParamsStruct(cType, fields);
        }
    }

    /** A runtime constant used as a field value, e.g. MC_ACT_RELU. */
    public record Symbol(String name) {
    }
}
