package org.microcodegen.emit;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * report.html: one self-contained page (inline CSS, no scripts, nothing fetched) with the totals, an SVG
 * picture of the arena over the schedule and the per-layer table, all from the same {@link Report} as
 * report.json. In the picture each arena buffer is a box: x = its lifetime in steps, y = its bytes
 * (offset 0 at the top); a dashed line marks the lower bound, a dotted one the peak step. Coordinates
 * are printed with two decimals, so the page is byte-identical across runs.
 */
final class ReportHtml {
    private static final int LEFT = 90;
    private static final int TOP = 20;
    private static final int PLOT_WIDTH = 1100;
    private static final int PLOT_HEIGHT = 520;
    private static final String STYLE = """
            body{font-family:sans-serif;margin:16px;color:#222;background:#fff}
            h1{font-size:20px}h2{font-size:16px;margin-top:24px}
            dl{display:grid;grid-template-columns:max-content max-content;gap:2px 16px}dt{font-weight:bold}
            dd{margin:0;font-family:monospace;text-align:right}
            table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #ccc;padding:2px 6px}
            th{background:#eee}td.n{text-align:right;font-family:monospace}td.m{font-family:monospace}
            rect.buf{stroke:#333;stroke-width:0.5}line.bound{stroke:#c00;stroke-width:2;stroke-dasharray:8 4}
            line.arena{stroke:#333;stroke-width:1}line.peak{stroke:#06c;stroke-width:1.5;stroke-dasharray:2 3}
            text{font-size:12px}
            """;

    private ReportHtml() {
    }

    static String render(Report r) {
        Report.Totals t = r.totals();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(text(r.model())).append(": memory and cost report</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(text(r.model())).append(" (").append(text(r.source())).append(") for target ")
                .append(text(r.target())).append(", micro-codegen ").append(text(r.version())).append("</h1>\n");
        sb.append("<dl id=\"totals\">\n");
        total(sb, "macs", "MACs per inference", t.macs());
        total(sb, "weightBytes", "weight bytes", t.weightBytes());
        total(sb, "arenaBytes", "arena bytes", t.arenaBytes());
        total(sb, "lowerBoundBytes", "lower bound bytes", t.lowerBoundBytes());
        total(sb, "layerByLayerBytes", "layer-by-layer bound bytes", t.layerByLayerBytes());
        total(sb, "alignment", "alignment", t.alignment());
        total(sb, "steps", "steps", t.steps());
        total(sb, "kernelCalls", "kernel calls", t.kernelCalls());
        total(sb, "peakStep", "peak step", t.peakStep());
        sb.append("</dl>\n<h2>Arena over the schedule</h2>\n");
        arena(sb, r);
        sb.append("<h2>Layers</h2>\n");
        table(sb, r);
        return sb.append("</body>\n</html>\n").toString();
    }

    private static void total(StringBuilder sb, String key, String label, long value) {
        sb.append("<dt>").append(label).append("</dt><dd data-key=\"").append(key).append("\">").append(value).append("</dd>\n");
    }

    private static void arena(StringBuilder sb, Report r) {
        Report.Totals t = r.totals();
        // Graph outputs live until step `steps`, when the caller reads them.
        int columns = t.steps() + 1;
        long bytes = Math.max(1, Math.max(t.arenaBytes(), t.lowerBoundBytes()));
        double xs = (double) PLOT_WIDTH / columns;
        double ys = (double) PLOT_HEIGHT / bytes;
        int width = LEFT + PLOT_WIDTH + 20;
        int height = TOP + PLOT_HEIGHT + 50;
        sb.append("<svg id=\"arena\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n");
        sb.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(PLOT_WIDTH)
                .append("\" height=\"").append(PLOT_HEIGHT).append("\" fill=\"#f7f7f7\"/>\n");
        List<Report.Buffer> buffers = r.buffers();
        for (int i = 0; i < buffers.size(); i++) {
            Report.Buffer b = buffers.get(i);
            double x = LEFT + b.firstStep() * xs;
            double w = (b.lastStep() - b.firstStep() + 1) * xs;
            double y = TOP + b.offset() * ys;
            double h = Math.max(1.0, b.size() * ys);
            sb.append("<rect class=\"buf\" data-buffer=\"").append(text(b.ident())).append("\" data-offset=\"").append(b.offset())
                    .append("\" data-size=\"").append(b.size()).append("\" data-first=\"").append(b.firstStep())
                    .append("\" data-last=\"").append(b.lastStep()).append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                    .append("\" width=\"").append(num(w)).append("\" height=\"").append(num(h))
                    .append("\" fill=\"hsl(").append((i * 47) % 360).append(",60%,70%)\"><title>")
                    .append(text(b.ident() + " (layer " + b.layer() + ", tensor " + b.tensor() + "): " + b.type() + ", " + b.size()
                            + " bytes at offset " + b.offset() + ", steps " + b.firstStep() + ".." + b.lastStep()))
                    .append("</title></rect>\n");
        }
        line(sb, "arena", t.arenaBytes(), LEFT, TOP + t.arenaBytes() * ys, LEFT + PLOT_WIDTH, TOP + t.arenaBytes() * ys);
        line(sb, "bound", t.lowerBoundBytes(), LEFT, TOP + t.lowerBoundBytes() * ys, LEFT + PLOT_WIDTH, TOP + t.lowerBoundBytes() * ys);
        double peakX = LEFT + (t.peakStep() + 0.5) * xs;
        sb.append("<line class=\"peak\" data-step=\"").append(t.peakStep()).append("\" x1=\"").append(num(peakX)).append("\" y1=\"")
                .append(TOP).append("\" x2=\"").append(num(peakX)).append("\" y2=\"").append(TOP + PLOT_HEIGHT).append("\"/>\n");
        label(sb, 4, TOP + 12, "offset 0");
        label(sb, 4, TOP + t.lowerBoundBytes() * ys + 4, "bound " + t.lowerBoundBytes());
        label(sb, 4, TOP + PLOT_HEIGHT + 16, "arena " + t.arenaBytes());
        label(sb, LEFT, TOP + PLOT_HEIGHT + 36, "step 0");
        label(sb, LEFT + PLOT_WIDTH - 80, TOP + PLOT_HEIGHT + 36, "step " + t.steps());
        label(sb, peakX + 4, TOP + PLOT_HEIGHT + 36, "peak (step " + t.peakStep() + ")");
        sb.append("</svg>\n");
    }

    private static void line(StringBuilder sb, String cls, long bytes, double x1, double y1, double x2, double y2) {
        sb.append("<line class=\"").append(cls).append("\" data-bytes=\"").append(bytes).append("\" x1=\"").append(num(x1))
                .append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2)).append("\" y2=\"").append(num(y2)).append("\"/>\n");
    }

    private static void label(StringBuilder sb, double x, double y, String s) {
        sb.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\">").append(text(s)).append("</text>\n");
    }

    private static final String[] COLUMNS = {"step", "layer", "op", "model op", "kernel", "inputs", "outputs", "MACs",
        "weight bytes", "storage", "offset", "size", "first step", "last step"};

    private static void table(StringBuilder sb, Report r) {
        sb.append("<table id=\"layers\">\n<thead><tr>");
        for (String c : COLUMNS) {
            sb.append("<th>").append(c).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (Report.Layer l : r.layers()) {
            sb.append("<tr>");
            cell(sb, "step", "n", String.valueOf(l.step()));
            // The model's scope as the layer's tooltip: where the layer is in the network's source.
            sb.append("<td data-key=\"layer\" class=\"m\" title=\"").append(text(l.scope())).append("\">").append(text(l.layer()))
                    .append("</td>");
            cell(sb, "op", "", l.op());
            cell(sb, "modelOp", "", l.modelOp());
            cell(sb, "kernel", "m", l.kernel() == null ? "(view: no code)" : l.kernel());
            StringBuilder inputs = new StringBuilder();
            for (Report.Operand in : l.inputs()) {
                inputs.append(inputs.length() > 0 ? ", " : "").append(in.type());
            }
            cell(sb, "inputs", "m", inputs.toString());
            cell(sb, "outputs", "m", outputs(l, o -> o.type().toString()));
            cell(sb, "macs", "n", String.valueOf(l.macs()));
            cell(sb, "weightBytes", "n", String.valueOf(l.weightBytes()));
            cell(sb, "storage", "", outputs(l, Report.Output::storage));
            cell(sb, "offset", "n", outputs(l, o -> o.offset() == null ? "-" : String.valueOf(o.offset())));
            cell(sb, "size", "n", outputs(l, o -> String.valueOf(o.size())));
            cell(sb, "firstStep", "n", outputs(l, o -> String.valueOf(o.firstStep())));
            cell(sb, "lastStep", "n", outputs(l, o -> String.valueOf(o.lastStep())));
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    /** One value per output of the layer, comma-separated (most layers have one). */
    private static String outputs(Report.Layer l, Function<Report.Output, String> value) {
        if (l.outputs().size() == 1) {
            return value.apply(l.outputs().get(0));
        }
        StringBuilder sb = new StringBuilder();
        for (Report.Output o : l.outputs()) {
            sb.append(sb.length() > 0 ? ", " : "").append(value.apply(o));
        }
        return sb.toString();
    }

    private static void cell(StringBuilder sb, String key, String cls, String value) {
        sb.append("<td data-key=\"").append(key).append('"').append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append('>')
                .append(text(value)).append("</td>");
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * Text or an attribute value from the model, safe in HTML: markup characters become entities; control
     * characters, which HTML does not allow, and lone surrogates (no UTF-8 form) are shown as \\uXXXX.
     */
    static String text(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
