package org.microcodegen.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The graph as readable, deterministic text (what {@code --dump-ir} writes): the inputs, a summary of
 * each constant (dtype, shape, bytes; never its data), one line per node in schedule order,
 *
 * <pre>
 *   conv1_out: float32[1,6,28,28] = Conv2D(x, conv1.weight) {group=1, pad_mode="valid"}   # Default/conv1-Conv2d/Conv2D-op0
 * </pre>
 *
 * and the outputs. Attributes are sorted by name so that two dumps diff line by line. Names come from
 * the model file, so any name that is not plain is quoted with its control characters escaped: a name
 * can neither break a line nor hide text from the reader.
 */
public final class GraphPrinter {
    /** Integer constants of at most this many elements are small operands (shapes, axes): their values are shown. */
    private static final int SHOWN_ELEMENTS = 8;

    private GraphPrinter() {
    }

    public static String print(Graph g) {
        StringBuilder sb = new StringBuilder();
        sb.append("graph ").append(name(g.name())).append(": ").append(g.nodes().size()).append(" nodes\n");
        sb.append("inputs:\n");
        for (String t : g.inputs()) {
            sb.append("  ").append(typed(g, t)).append('\n');
        }
        sb.append("constants:\n");
        for (Tensor t : g.tensors().values()) {
            if (t.isConstant()) {
                sb.append("  ").append(typed(g, t.name())).append(", ").append(constant(t.data()));
                if (!t.sourceName().equals(t.name())) {
                    sb.append(" (from ").append(name(t.sourceName())).append(')');
                }
                sb.append('\n');
            }
        }
        sb.append("nodes:\n");
        for (Node n : g.nodes()) {
            sb.append("  ").append(node(g, n)).append('\n');
        }
        sb.append("outputs:\n");
        for (String t : g.outputs()) {
            sb.append("  ").append(typed(g, t)).append('\n');
        }
        return sb.toString();
    }

    /** "out: float32[1,10] = MatMul(a, b) {transpose_b=true}   # scope". */
    static String node(Graph g, Node n) {
        List<String> outs = new ArrayList<>();
        for (String o : n.outputs()) {
            outs.add(typed(g, o));
        }
        List<String> ins = new ArrayList<>();
        for (String i : n.inputs()) {
            ins.add(name(i));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(", ", outs)).append(" = ").append(name(n.opType())).append('(').append(String.join(", ", ins)).append(')');
        Map<String, Object> attrs = new TreeMap<>(n.attrs().asMap());
        if (!attrs.isEmpty()) {
            sb.append(' ').append(fields(attrs));
        }
        return sb.append("   # ").append(name(n.scope())).toString();
    }

    /** "name: float32[1,6,28,28]", or "name: ?" before shape inference has typed it. */
    private static String typed(Graph g, String tensor) {
        Tensor t = g.tensors().get(tensor);
        return name(tensor) + ": " + (t == null || t.type() == null ? "?" : type(t.type()));
    }

    static String type(TensorType t) {
        String s = t.dtype().displayName() + t.shape();
        Quantization q = t.quantization();
        if (q != null) {
            s += " quantized(scale=" + q.scales() + ", zero_point=" + q.zeroPoints() + (q.perChannel() ? ", axis=" + q.axis() : "") + ")";
        }
        return s;
    }

    /**
     * "600 bytes"; for a small integer operand (a shape, axes, a permutation) "16 bytes = [1, -1]":
     * those steer shapes and are worth seeing. Weights, even tiny ones, are never listed.
     */
    private static String constant(ConstData d) {
        String bytes = d.byteLength() + " bytes";
        if (d.dtype().isFloatingPoint() || d.elementCount() > SHOWN_ELEMENTS || d.dtype().byteSize() * d.elementCount() != d.byteLength()) {
            return bytes;
        }
        List<String> out = new ArrayList<>();
        for (long v : d.asLongs()) {
            out.add(Long.toString(v));
        }
        return bytes + " = [" + String.join(", ", out) + "]";
    }

    private static String value(Object v) {
        if (v instanceof String s) {
            return quoted(s);
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(value(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        if (v instanceof ConstData d) {
            return d.dtype().displayName() + "[" + d.elementCount() + "] " + constant(d);
        }
        if (v instanceof Float f) {
            return Float.toString(f);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Double || v instanceof Boolean) {
            return String.valueOf(v);
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        if (v instanceof Record r) {
            return r.getClass().getSimpleName() + fields(components(r));
        }
        return quoted(String.valueOf(v));
    }

    /** "{a=1, b="x"}". */
    private static String fields(Map<String, Object> values) {
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(name(k) + "=" + value(v)));
        return "{" + String.join(", ", parts) + "}";
    }

    /** A record's components in declaration order: how a typed attribute (a record) prints. */
    static Map<String, Object> components(Record r) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
            try {
                out.put(c.getName(), c.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
        }
        return out;
    }

    /** A name as it is when it is plain (letters, digits, _ . : / @ -), else quoted and escaped. */
    public static String name(String s) {
        if (s == null) {
            return "?";
        }
        if (!s.isEmpty() && s.chars().allMatch(GraphPrinter::plain)) {
            return s;
        }
        return quoted(s);
    }

    private static boolean plain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == ':' || c == '/' || c == '@' || c == '-';
    }

    /**
     * A double-quoted string with \" \\ \n \r \t, and \\u{XXXX} for every other character that could
     * break a line or reorder what the reader sees: control characters, line and paragraph separators,
     * and format characters (bidi overrides, zero-width joiners).
     */
    public static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    int type = Character.getType(c);
                    if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                            || type == Character.FORMAT || type == Character.SURROGATE) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u{%04X}", c));
                    } else {
                        sb.appendCodePoint(c);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }
}
