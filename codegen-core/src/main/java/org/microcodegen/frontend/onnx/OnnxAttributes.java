package org.microcodegen.frontend.onnx;

import org.microcodegen.frontend.onnx.proto.Onnx.AttributeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.AttributeProto.AttributeType;
import org.microcodegen.ir.CompileException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's attributes by name, each read with the type ONNX gives it: an attribute of another type than
 * the op's schema says is an error naming it, never a silent default. Attributes a translation does not
 * read are checked by {@link #requireOnlyKnown}: an attribute the compiler does not know could change
 * the result.
 */
final class OnnxAttributes {
    private final Map<String, AttributeProto> byName = new LinkedHashMap<>();
    private final OnnxNodeContext where;
    private final int opset;

    OnnxAttributes(List<AttributeProto> attributes, OnnxNodeContext where, int opset) {
        this.where = where;
        this.opset = opset;
        for (AttributeProto a : attributes) {
            if (!a.getRefAttrName().isEmpty()) {
                throw where.error("attribute '" + a.getName() + "' refers to a function's attribute; functions are not supported");
            }
            if (byName.put(a.getName(), a) != null) {
                throw where.error("has the attribute '" + a.getName() + "' twice");
            }
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    /**
     * Refuses attributes outside {@code known}: what they ask for would be ignored. Before opset 7 many
     * ops carry consumed_inputs, a hint for in-place execution that does not change the result.
     */
    void requireOnlyKnown(Set<String> known) {
        for (String name : byName.keySet()) {
            if (!known.contains(name) && !(opset < 7 && name.equals("consumed_inputs"))) {
                throw where.error("has the attribute '" + name + "', which this compiler does not read");
            }
        }
    }

    private AttributeProto get(String name, AttributeType type) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        AttributeType actual = a.hasType() ? a.getType() : inferredType(a);
        if (actual != type) {
            throw where.error("attribute '" + name + "' is " + actual + ", expected " + type);
        }
        return a;
    }

    /** IR version 1 files have no type field: infer it from the value present. */
    private static AttributeType inferredType(AttributeProto a) {
        if (a.getIntsCount() > 0) {
            return AttributeType.INTS;
        }
        if (a.getFloatsCount() > 0) {
            return AttributeType.FLOATS;
        }
        if (a.hasT()) {
            return AttributeType.TENSOR;
        }
        if (a.hasS()) {
            return AttributeType.STRING;
        }
        if (a.hasF()) {
            return AttributeType.FLOAT;
        }
        return a.hasI() ? AttributeType.INT : AttributeType.UNDEFINED;
    }

    long getInt(String name, long fallback) {
        AttributeProto a = get(name, AttributeType.INT);
        return a == null ? fallback : a.getI();
    }

    float getFloat(String name, float fallback) {
        AttributeProto a = get(name, AttributeType.FLOAT);
        return a == null ? fallback : a.getF();
    }

    String getString(String name, String fallback) {
        AttributeProto a = get(name, AttributeType.STRING);
        return a == null ? fallback : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** An INTS attribute, or null when absent. */
    long[] getInts(String name) {
        AttributeProto a = get(name, AttributeType.INTS);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    float[] getFloats(String name) {
        AttributeProto a = get(name, AttributeType.FLOATS);
        if (a == null) {
            return null;
        }
        float[] out = new float[a.getFloatsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getFloats(i);
        }
        return out;
    }

    AttributeProto getTensor(String name) {
        return get(name, AttributeType.TENSOR);
    }

    /** The one attribute of {@code names} that is present (Constant's value forms), or an error. */
    String onlyOneOf(List<String> names) {
        String found = null;
        for (String n : byName.keySet()) {
            if (names.contains(n)) {
                if (found != null) {
                    throw where.error("has both '" + found + "' and '" + n + "'; it needs exactly one value");
                }
                found = n;
            } else {
                throw where.error("has the attribute '" + n + "', which this compiler does not read");
            }
        }
        if (found == null) {
            throw where.error("has no value (one of " + names + ")");
        }
        return found;
    }

    CompileException error(String message) {
        return where.error(message);
    }
}
