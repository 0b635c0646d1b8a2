package org.microcodegen.target;

import org.microcodegen.emit.OutputFolder;
import org.microcodegen.emit.ProbePoint;
import org.microcodegen.ir.CompileException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.nio.file.Path;

/**
 * `run --dump-tensors DIR`: every tensor a layer produced, one raw little-endian file each, named after
 * its schedule step and layer ({@code 003_conv2.bin}; a layer's second output {@code 003_split_1.bin}),
 * so the files sort in schedule order, plus {@code index.txt} listing file, step, layer, dtype, shape
 * and the model's tensor name. Written like compile output: all or nothing, previous dumps replaced.
 */
public final class TensorDump {
    public static final String INDEX = "index.txt";

    private TensorDump() {
    }

    /** The file name of each probe point, in probe order. */
    public static List<String> fileNames(List<ProbePoint> points) {
        int steps = points.isEmpty() ? 0 : points.get(points.size() - 1).step() + 1;
        int width = Math.max(3, Integer.toString(Math.max(0, steps - 1)).length());
        String[] names = new String[points.size()];
        for (int i = 0; i < points.size(); i++) {
            ProbePoint p = points.get(i);
            int nth = 0;
            for (int j = i - 1; j >= 0 && points.get(j).step() == p.step(); j--) {
                nth++;
            }
            names[i] = String.format(Locale.ROOT, "%0" + width + "d_%s%s.bin", p.step(), p.layer(), nth == 0 ? "" : "_" + nth);
        }
        return List.of(names);
    }

    /** Writes the dump: {@code data} has one tensor per probe point, in order. */
    public static void write(Path dir, List<ProbePoint> points, List<byte[]> data) {
        if (data.size() != points.size()) {
            throw new CompileException("the probe build reported " + data.size() + " tensors; the model has " + points.size());
        }
        List<String> names = fileNames(points);
        Map<String, byte[]> files = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("# file\tstep\tlayer\tdtype\tshape\ttensor (raw little-endian, one file per tensor a layer produced)\n");
        for (int i = 0; i < points.size(); i++) {
            ProbePoint p = points.get(i);
            if (data.get(i).length != p.type().byteSize()) {
                throw new CompileException("the probe build reported " + data.get(i).length + " bytes for " + names.get(i)
                        + "; it is " + p.type() + " (" + p.type().byteSize() + " bytes)");
            }
            files.put(names.get(i), data.get(i));
            index.append(names.get(i)).append('\t').append(p.step()).append('\t').append(p.layer()).append('\t')
                    .append(p.type().dtype().displayName()).append('\t').append(p.type().shape()).append('\t')
                    .append(escaped(p.tensor())).append('\n');
        }
        files.put(INDEX, index.toString().getBytes(StandardCharsets.UTF_8));
        OutputFolder.checkWritable(dir);
        OutputFolder.write(dir, files);
    }

    /** The model's tensor name with tabs, line breaks and other control characters escaped (one line, one field). */
    static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c == '\\') {
                b.append("\\\\");
            } else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                b.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
