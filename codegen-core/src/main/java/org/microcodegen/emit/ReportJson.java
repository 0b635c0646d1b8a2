package org.microcodegen.emit;

import org.microcodegen.lower.RowBands;
import org.microcodegen.ir.TensorType;


/**
 * report.json: the {@link Report} as JSON, keys in a fixed order so the file is byte-identical across
 * runs. Written by hand rather than with a JSON library: the values are strings, integers, lists and
 * objects of a fixed layout only, and the one subtle part, escaping the model's own text, is below.
 */
final class ReportJson {
    private ReportJson() {
    }

    /**
     * Objects that hold objects one entry per line; an object of plain values (a tensor, the totals, a
     * buffer) and a shape on one line, so a model of 50,000 layers stays a file one can page through.
     * Written straight into one buffer: a large model's report is tens of megabytes.
     */
    static String render(Report r) {
        return render(r, null);
    }

    /** The same with a run's profile: per layer its "instructions", and a "profile" object after the totals. */
    static String render(Report r, Report.Profile profile) {
        StringBuilder sb = new StringBuilder(4096 + 700 * r.layers().size());
        sb.append("{\n");
        text(sb, "  ", "model", r.model()).append(",\n");
        text(sb, "  ", "source", r.source()).append(",\n");
        text(sb, "  ", "target", r.target()).append(",\n");
        text(sb, "  ", "compilerVersion", r.version()).append(",\n");
        Report.Totals t = r.totals();
        key(sb, "  ", "totals").append('{');
        number(sb, "", "macs", t.macs()).append(", ");
        number(sb, "", "weightBytes", t.weightBytes()).append(", ");
        number(sb, "", "arenaBytes", t.arenaBytes()).append(", ");
        number(sb, "", "lowerBoundBytes", t.lowerBoundBytes()).append(", ");
        number(sb, "", "layerByLayerBytes", t.layerByLayerBytes()).append(", ");
        number(sb, "", "alignment", t.alignment()).append(", ");
        number(sb, "", "steps", t.steps()).append(", ");
        number(sb, "", "kernelCalls", t.kernelCalls()).append(", ");
        number(sb, "", "peakStep", t.peakStep()).append("},\n");
        if (r.rowBands() != null) {
            rowBands(sb, r.rowBands());
        }
        if (profile != null) {
            key(sb, "  ", "profile").append('{');
            text(sb, "", "board", profile.board()).append(", ");
            number(sb, "", "wholeInferenceInstructions", profile.wholeInference()).append(", ");
            number(sb, "", "layerInstructionsSum", profile.sum()).append(", ");
            number(sb, "", "afterLastLayerInstructions", profile.tail()).append("},\n");
        }
        key(sb, "  ", "layers").append(r.layers().isEmpty() ? "[" : "[\n");
        for (int i = 0; i < r.layers().size(); i++) {
            layer(sb, r.layers().get(i), profile == null ? null : profile.perStep().getOrDefault(r.layers().get(i).step(), 0L));
            sb.append(i + 1 < r.layers().size() ? ",\n" : "\n  ");
        }
        sb.append("],\n");
        key(sb, "  ", "buffers").append(r.buffers().isEmpty() ? "[" : "[\n");
        for (int i = 0; i < r.buffers().size(); i++) {
            Report.Buffer b = r.buffers().get(i);
            sb.append("    {");
            text(sb, "", "buffer", b.ident()).append(", ");
            text(sb, "", "layer", b.layer()).append(", ");
            tensor(sb, b.tensor(), b.type());
            placed(sb, b.offset(), b.size(), b.firstStep(), b.lastStep()).append('}');
            sb.append(i + 1 < r.buffers().size() ? ",\n" : "\n  ");
        }
        return sb.append("]\n}\n").toString();
    }

    private static void layer(StringBuilder sb, Report.Layer l, Long instructions) {
        String in = "      ";
        sb.append("    {\n");
        number(sb, in, "step", l.step()).append(",\n");
        text(sb, in, "layer", l.layer()).append(",\n");
        text(sb, in, "op", l.op()).append(",\n");
        text(sb, in, "modelOp", l.modelOp()).append(",\n");
        text(sb, in, "node", l.node()).append(",\n");
        text(sb, in, "scope", l.scope()).append(",\n");
        text(sb, in, "kernel", l.kernel()).append(",\n");
        text(sb, in, "kernelModule", l.kernelModule()).append(",\n");
        number(sb, in, "macs", l.macs()).append(",\n");
        number(sb, in, "weightBytes", l.weightBytes()).append(",\n");
        number(sb, in, "sharedWithInputBytes", l.sharedWithInputBytes()).append(",\n");
        if (instructions != null) {
            number(sb, in, "instructions", instructions).append(",\n");
        }
        key(sb, in, "inputs").append(l.inputs().isEmpty() ? "[" : "[\n");
        for (int i = 0; i < l.inputs().size(); i++) {
            sb.append("        {");
            tensor(sb, l.inputs().get(i).tensor(), l.inputs().get(i).type());
            sb.setLength(sb.length() - 2);
            sb.append('}').append(i + 1 < l.inputs().size() ? ",\n" : "\n" + in);
        }
        sb.append("],\n");
        key(sb, in, "outputs").append(l.outputs().isEmpty() ? "[" : "[\n");
        for (int i = 0; i < l.outputs().size(); i++) {
            Report.Output o = l.outputs().get(i);
            sb.append("        {");
            tensor(sb, o.tensor(), o.type());
            text(sb, "", "storage", o.storage()).append(", ");
            text(sb, "", "buffer", o.buffer()).append(", ");
            placed(sb, o.offset(), o.size(), o.firstStep(), o.lastStep()).append('}');
            sb.append(i + 1 < l.outputs().size() ? ",\n" : "\n" + in);
        }
        sb.append("]\n    }");
    }

    /** A tensor's fields, each followed by ", ". */
    private static void tensor(StringBuilder sb, String name, TensorType type) {
        text(sb, "", "tensor", name).append(", ");
        text(sb, "", "dtype", type.dtype().displayName()).append(", ");
        key(sb, "", "shape").append('[');
        int[] dims = type.shape().dims();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? ", " : "").append(dims[i]);
        }
        sb.append("], ");
        number(sb, "", "bytes", type.byteSize()).append(", ");
        if (type.quantization() != null) {
            text(sb, "", "quantization", type.quantization().toString()).append(", ");
        }
    }

    /** Where and when a tensor lives: offset (null outside the arena), size, first and last step. */
    private static StringBuilder placed(StringBuilder sb, Long offset, long size, int firstStep, int lastStep) {
        key(sb, "", "offset").append(offset).append(", ");
        number(sb, "", "size", size).append(", ");
        number(sb, "", "firstStep", firstStep).append(", ");
        return number(sb, "", "lastStep", lastStep);
    }

    /** {@code "name": } after {@code indent}; names are ours, plain ASCII. */
    /**
     * Row-band execution: the chain of layers that qualified, whether it was fused and by which rule
     * (no-saving, asked, fits, needed, neither-fits, no-board), the arena without and with and the MACs recomputed
     * (the best banding found, also when it was declined), and, when fused, the fused layers, band height and count,
     * the largest band of each intermediate tensor.
     */
    private static void rowBands(StringBuilder sb, RowBands.Decision d) {
        key(sb, "  ", "rowBands").append('{');
        key(sb, "", "fused").append(d.fused()).append(", ");
        text(sb, "", "rule", d.rule().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(", ");
        names(sb, "chain", d.chain()).append(", ");
        number(sb, "", "arenaBytesLayerByLayer", d.arenaBefore()).append(", ");
        number(sb, "", "arenaBytesInBands", d.arenaAfter()).append(", ");
        number(sb, "", "recomputedMacs", d.extraMacs());
        if (d.fused()) {
            RowBands.Fusion f = d.fusion();
            sb.append(", ");
            names(sb, "layers", f.layers()).append(", ");
            number(sb, "", "outputRows", f.outputRows()).append(", ");
            number(sb, "", "bandRows", f.bandRows()).append(", ");
            number(sb, "", "bands", f.bands()).append(", ");
            key(sb, "", "bandBufferBytes").append(f.bandBytes());
        }
        sb.append("},\n");
    }

    private static StringBuilder names(StringBuilder sb, String key, java.util.List<String> names) {
        key(sb, "", key).append('[');
        for (int i = 0; i < names.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(string(names.get(i)));
        }
        return sb.append(']');
    }

    private static StringBuilder key(StringBuilder sb, String indent, String name) {
        return sb.append(indent).append('"').append(name).append("\": ");
    }

    private static StringBuilder text(StringBuilder sb, String indent, String name, String value) {
        key(sb, indent, name);
        return value == null ? sb.append("null") : sb.append(string(value));
    }

    private static StringBuilder number(StringBuilder sb, String indent, String name, long value) {
        return key(sb, indent, name).append(value);
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
