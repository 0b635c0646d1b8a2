package org.microcodegen.ptq;

import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.TensorType;
import org.microcodegen.passes.QuantizeInt8;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What quantization did to each layer, measured: the SQNR (dB) of the int8 layer's output (dequantized)
 * against the float layer's on the calibration set (both graphs run on runtime-micro's kernels, so the int8
 * side is exactly what the generated code computes), the range chosen, its scale and zero point and the
 * bits; and end to end, per graph output. Printed as a table and written as quantization.json.
 * SQNR = 10 log10(sum f^2 / sum (f - q)^2) over every value of every sample.
 */
public record QuantReport(String method, int samples, boolean biasCorrection, boolean floatIo, List<Layer> layers, List<Output> outputs) {
    /** One layer's int8 output. {@code sqnrDb} is +infinity when it equals the float output exactly. */
    public record Layer(String node, String op, String tensor, Float min, Float max, float scale, int zeroPoint, Integer weightBits,
                        double sqnrDb) {
    }

    public record Output(String tensor, double sqnrDb) {
    }

    public static final String FILE = "quantization.json";

    static QuantReport measure(Graph floatGraph, GraphInterpreter floatRun, GraphInterpreter quantRun, CalibrationData data,
                               Map<String, QuantizeInt8.Range> ranges, QuantizeOptions o) {
        Graph q = quantRun.graph();
        Map<String, double[]> power = new LinkedHashMap<>();   // tensor -> {signal, noise}
        for (int s = 0; s < data.size(); s++) {
            List<Object> floatIn = new ArrayList<>(data.sample(s));
            Map<String, Object> f = floatRun.run(floatIn, null);
            List<Object> quantIn = new ArrayList<>();
            for (int i = 0; i < floatIn.size(); i++) {
                TensorType t = q.type(q.inputs().get(i));
                quantIn.add(t.dtype() == DType.FLOAT32 ? floatIn.get(i) : quantize((float[]) floatIn.get(i), t.quantization()));
            }
            Map<String, Object> qv = quantRun.run(quantIn, null);
            for (Map.Entry<String, Object> e : qv.entrySet()) {
                String t = e.getKey();
                if (!(f.get(t) instanceof float[] ref) || q.isGraphInput(t) && floatIn.contains(e.getValue())) {
                    continue;
                }
                float[] got = real(e.getValue(), q.type(t));
                double[] p = power.computeIfAbsent(t, k -> new double[2]);
                for (int i = 0; i < ref.length; i++) {
                    p[0] += (double) ref[i] * ref[i];
                    double d = (double) ref[i] - got[i];
                    p[1] += d * d;
                }
            }
            // a float output's int8 producer: its tensor was renamed, the output itself is compared above
        }
        List<Layer> layers = new ArrayList<>();
        for (Node n : q.nodes()) {
            String t = n.output();
            String floatName = floatGraph.tensors().containsKey(t) ? t : stripInt8(floatGraph, t);
            double[] p = power.get(floatName);
            TensorType type = q.type(t);
            if (p == null || type.quantization() == null || floatGraph.producer(floatName) == null) {
                continue;
            }
            Quantization qt = type.quantization();
            QuantizeInt8.Range r = ranges.get(floatName);
            boolean weighted = n.inputs().size() > 1 && q.tensor(n.input(1)).isConstant() && q.type(n.input(1)).dtype() == DType.INT8
                    && q.type(n.input(1)).quantization() != null && q.type(n.input(1)).quantization().perChannel();
            layers.add(new Layer(n.name(), n.op().opName(), floatName, r == null ? null : r.min(), r == null ? null : r.max(),
                    qt.scales().get(0), qt.zeroPoints().get(0), weighted ? 8 : null, sqnr(p)));
        }
        List<Output> outputs = new ArrayList<>();
        for (String t : floatGraph.outputs()) {
            outputs.add(new Output(t, sqnr(power.get(t))));
        }
        return new QuantReport(o.method().flag(), data.size(), o.biasCorrection(), o.floatIo(), layers, outputs);
    }

    /** With float io the int8 tensor that feeds a graph output is named after it plus "_int8". */
    private static String stripInt8(Graph floatGraph, String t) {
        return t.endsWith("_int8") && floatGraph.isGraphOutput(t.substring(0, t.length() - 5)) ? t.substring(0, t.length() - 5) : t;
    }

    private static double sqnr(double[] p) {
        if (p == null) {
            return Double.NaN;
        }
        return p[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(p[0] / p[1]);
    }

    static byte[] quantize(float[] v, Quantization q) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) QuantizeInt8.quantize(v[i], q.scales().get(0), q.zeroPoints().get(0));
        }
        return b;
    }

    private static float[] real(Object values, TensorType t) {
        if (values instanceof float[] f) {
            return f;
        }
        byte[] b = (byte[]) values;
        float scale = t.quantization().scales().get(0);
        int zero = t.quantization().zeroPoints().get(0);
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = scale * (b[i] - zero);
        }
        return out;
    }

    /** The lowest end-to-end SQNR over the outputs. */
    public double endToEndSqnrDb() {
        return outputs.stream().mapToDouble(Output::sqnrDb).min().orElse(Double.NaN);
    }

    /** The table the compile prints. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  quantization  int8, %s ranges from %d calibration samples, bias correction %s, %s io%n",
                method, samples, biasCorrection ? "on" : "off", floatIo ? "float" : "int8"));
        sb.append(String.format(Locale.ROOT, "    %-28s %-20s %12s %12s %12s %5s %4s %9s%n", "layer", "op", "min", "max", "scale", "zero", "bits", "SQNR dB"));
        for (Layer l : layers) {
            sb.append(String.format(Locale.ROOT, "    %-28s %-20s %12s %12s %12.6g %5d %4s %9s%n", shorten(l.node), l.op,
                    l.min == null ? "-" : String.format(Locale.ROOT, "%.5g", l.min), l.max == null ? "-" : String.format(Locale.ROOT, "%.5g", l.max),
                    l.scale, l.zeroPoint, l.weightBits == null ? "a8" : "w8a8", db(l.sqnrDb)));
        }
        for (Output o : outputs) {
            sb.append(String.format(Locale.ROOT, "    end to end %s: SQNR %s dB%n", shorten(o.tensor), db(o.sqnrDb)));
        }
        return sb.toString();
    }

    private static String shorten(String s) {
        String plain = s.replaceAll("[^\\x20-\\x7e]", "?");
        return plain.length() <= 28 ? plain : "..." + plain.substring(plain.length() - 25);
    }

    private static String db(double v) {
        return Double.isInfinite(v) ? "exact" : Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** quantization.json: keys in a fixed order, numbers in a fixed form, so equal runs give equal bytes. */
    public byte[] json() {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"quantization\": \"int8\",\n");
        sb.append("  \"method\": ").append(str(method)).append(",\n");
        sb.append("  \"calibration_samples\": ").append(samples).append(",\n");
        sb.append("  \"bias_correction\": ").append(biasCorrection).append(",\n");
        sb.append("  \"io\": ").append(str(floatIo ? "float" : "int8")).append(",\n");
        sb.append("  \"bits\": {\"activations\": 8, \"weights\": 8, \"bias\": 32},\n");
        sb.append("  \"sqnr\": \"10 log10(sum float^2 / sum (float - dequantized int8)^2) over the calibration set, dB; null where exact\",\n");
        sb.append("  \"end_to_end\": [\n");
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            sb.append("    {\"output\": ").append(str(o.tensor)).append(", \"sqnr_db\": ").append(num(o.sqnrDb)).append('}')
                    .append(i + 1 < outputs.size() ? ",\n" : "\n");
        }
        sb.append("  ],\n  \"layers\": [\n");
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            sb.append("    {\"node\": ").append(str(l.node)).append(", \"op\": ").append(str(l.op)).append(", \"tensor\": ").append(str(l.tensor))
                    .append(", \"min\": ").append(l.min == null ? "null" : num(l.min)).append(", \"max\": ").append(l.max == null ? "null" : num(l.max))
                    .append(", \"scale\": ").append(num(l.scale)).append(", \"zero_point\": ").append(l.zeroPoint)
                    .append(", \"weight_bits\": ").append(l.weightBits == null ? "null" : l.weightBits.toString())
                    .append(", \"activation_bits\": 8, \"sqnr_db\": ").append(num(l.sqnrDb)).append('}')
                    .append(i + 1 < layers.size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String num(float v) {
        return Float.isFinite(v) ? Float.toString(v) : "null";
    }

    /** A JSON string: quotes, backslashes and every non-printable or non-ASCII character escaped. */
    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
