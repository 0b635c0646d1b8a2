package org.microcodegen.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator attributes, decoded from the model file into plain values: Long, Double, Boolean, String,
 * ConstData or a List of those. Typed getters convert between the encodings exporters use (a bool
 * stored as an int, a tuple stored as a list) so that ops read attributes in one line.
 */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<String, Object> values;

    private Attributes(Map<String, Object> values) {
        this.values = values;
    }

    public static Attributes empty() {
        return EMPTY;
    }

    public static Attributes of(Map<String, Object> values) {
        return new Attributes(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Object raw(String name) {
        return values.get(name);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    /** A copy with one attribute set, for passes that rewrite nodes. */
    public Attributes with(String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /** The first of several alternative names that is present (exporters renamed some attributes). */
    public String firstPresent(String... names) {
        for (String n : names) {
            if (values.containsKey(n)) {
                return n;
            }
        }
        return null;
    }

    public long getLong(String name, long fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        return toLong(name, v);
    }

    public boolean getBool(String name, boolean fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return toLong(name, v) != 0;
    }

    public double getDouble(String name, double fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof List<?> l && l.size() == 1 && l.get(0) instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof ConstData d && d.elementCount() == 1) {
            return d.asDoubles()[0];
        }
        throw new ValueException("attribute '" + name + "' is not a number: " + v);
    }

    public String getString(String name, String fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw new ValueException("attribute '" + name + "' is not a string: " + v);
    }

    /** A scalar or tuple attribute as a list of longs (a scalar becomes a one-element list). */
    public List<Long> getLongs(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            flatten(name, l, out);
        } else if (v instanceof ConstData d) {
            for (long x : d.asLongs()) {
                out.add(x);
            }
        } else {
            out.add(toLong(name, v));
        }
        return List.copyOf(out);
    }

    /** Nested tuples (e.g. Pad's ((0, 0), (1, 2))) read as one flat list. */
    private static void flatten(String name, List<?> list, List<Long> out) {
        for (Object o : list) {
            if (o instanceof List<?> inner) {
                flatten(name, inner, out);
            } else {
                out.add(toLong(name, o));
            }
        }
    }

    private static long toLong(String name, Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof Double d && d == Math.rint(d)) {
            return d.longValue();
        }
        if (v instanceof List<?> l && l.size() == 1) {
            return toLong(name, l.get(0));
        }
        if (v instanceof ConstData d && d.elementCount() == 1) {
            return d.asLongs()[0];
        }
        throw new ValueException("attribute '" + name + "' is not an integer: " + v);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
