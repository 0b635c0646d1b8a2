package org.microcodegen.emit;

import org.microcodegen.ir.TensorType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report.json: the {@link Report} as JSON, keys in a fixed order so the file is byte-identical across
 * runs. Written by hand (a few dozen lines) rather than with a JSON library: the values are strings,
 * integers, lists and objects only, and the one subtle part, escaping the model's own text, is below.
 */
final class ReportJson {
    private ReportJson() {
    }

    static String render(Report r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", r.model());
        root.put("source", r.source());
        root.put("target", r.target());
        root.put("compilerVersion", r.version());
        Report.Totals t = r.totals();
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("macs", t.macs());
        totals.put("weightBytes", t.weightBytes());
        totals.put("arenaBytes", t.arenaBytes());
        totals.put("lowerBoundBytes", t.lowerBoundBytes());
        totals.put("alignment", t.alignment());
        totals.put("steps", t.steps());
        totals.put("kernelCalls", t.kernelCalls());
        totals.put("peakStep", t.peakStep());
        root.put("totals", totals);
        List<Object> layers = new ArrayList<>();
        for (Report.Layer l : r.layers()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("step", l.step());
            o.put("layer", l.layer());
            o.put("op", l.op());
            o.put("modelOp", l.modelOp());
            o.put("node", l.node());
            o.put("scope", l.scope());
            o.put("kernel", l.kernel());
            o.put("kernelModule", l.kernelModule());
            o.put("macs", l.macs());
            o.put("weightBytes", l.weightBytes());
            List<Object> inputs = new ArrayList<>();
            for (Report.Operand in : l.inputs()) {
                Map<String, Object> i = tensor(in.tensor(), in.type());
                inputs.add(i);
            }
            o.put("inputs", inputs);
            List<Object> outputs = new ArrayList<>();
            for (Report.Output out : l.outputs()) {
                Map<String, Object> m = tensor(out.tensor(), out.type());
                m.put("storage", out.storage());
                m.put("buffer", out.buffer());
                m.put("offset", out.offset());
                m.put("size", out.size());
                m.put("firstStep", out.firstStep());
                m.put("lastStep", out.lastStep());
                outputs.add(m);
            }
            o.put("outputs", outputs);
            layers.add(o);
        }
        root.put("layers", layers);
        List<Object> buffers = new ArrayList<>();
        for (Report.Buffer b : r.buffers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("buffer", b.ident());
            m.put("layer", b.layer());
            m.putAll(tensor(b.tensor(), b.type()));
            m.put("offset", b.offset());
            m.put("size", b.size());
            m.put("firstStep", b.firstStep());
            m.put("lastStep", b.lastStep());
            buffers.add(m);
        }
        root.put("buffers", buffers);
        StringBuilder sb = new StringBuilder();
        write(sb, root, "");
        return sb.append('\n').toString();
    }

    private static Map<String, Object> tensor(String name, TensorType type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tensor", name);
        m.put("dtype", type.dtype().displayName());
        List<Object> shape = new ArrayList<>();
        for (int d : type.shape().dims()) {
            shape.add(d);
        }
        m.put("shape", shape);
        m.put("bytes", type.byteSize());
        if (type.quantization() != null) {
            m.put("quantization", type.quantization().toString());
        }
        return m;
    }

    /** A plain value, or a list of plain values (a shape). */
    private static boolean flat(Object value) {
        return !(value instanceof Map) && (!(value instanceof List<?> list) || list.stream().noneMatch(v -> v instanceof Map || v instanceof List));
    }

    /**
     * Objects with an object or list of objects inside one entry per line; an object of plain values
     * and shapes (a tensor, the totals) and a list of plain values (a shape) on one line.
     */
    private static void write(StringBuilder sb, Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            if (map.values().stream().allMatch(ReportJson::flat)) {
                // A tensor: one line, so a model of 50,000 layers stays a file one can page through.
                sb.append('{');
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    sb.append(i++ > 0 ? ", " : "").append(string((String) e.getKey())).append(": ");
                    write(sb, e.getValue(), indent);
                }
                sb.append('}');
                return;
            }
            sb.append("{\n");
            String inner = indent + "  ";
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(inner).append(string((String) e.getKey())).append(": ");
                write(sb, e.getValue(), inner);
                sb.append(++i < map.size() ? ",\n" : "\n");
            }
            sb.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            if (flat(list)) {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i > 0 ? ", " : "");
                    write(sb, list.get(i), indent);
                }
                sb.append(']');
                return;
            }
            sb.append("[\n");
            String inner = indent + "  ";
            for (int i = 0; i < list.size(); i++) {
                sb.append(inner);
                write(sb, list.get(i), inner);
                sb.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            sb.append(indent).append(']');
        } else if (value instanceof String s) {
            sb.append(string(s));
        } else if (value == null || value instanceof Long || value instanceof Integer || value instanceof Boolean) {
            sb.append(value);
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass());
        }
    }

    /**
     * A JSON string literal. Beyond what JSON requires (quote, backslash, U+0000..U+001F) it escapes
     * DEL, U+2028 and U+2029 (line breaks to JavaScript), and a lone surrogate (which has no UTF-8
     * form, so would otherwise turn into '?'): the file stays valid, printable UTF-8 whatever the model
     * names its tensors.
     */
    static String string(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
