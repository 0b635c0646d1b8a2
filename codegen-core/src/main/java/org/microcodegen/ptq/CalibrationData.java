package org.microcodegen.ptq;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The calibration samples: per graph input a folder of files, each one sample of exactly that input's
 * size, as raw little-endian float32 (what NumPy's {@code tofile()} writes) or as a .npy file of float32 in C
 * order. Files are taken in name order (the same data always gives the same model); hidden files are
 * skipped. Every fault (an empty or missing folder, fewer samples than asked, a wrong size, NaN or infinity,
 * an unreadable .npy) stops the compile with one line naming the file.
 */
public final class CalibrationData {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final List<List<float[]>> samples;

    private CalibrationData(List<List<float[]>> samples) {
        this.samples = samples;
    }

    /** Sample i: one array per graph input, in graph order. */
    public List<float[]> sample(int i) {
        return samples.get(i);
    }

    public int size() {
        return samples.size();
    }

    /** Reads the samples {@code options} names for {@code g}'s inputs (float32 tensors). */
    public static CalibrationData read(QuantizeOptions options, Graph g) {
        Map<String, Path> folders = folders(options, g);
        List<List<float[]>> perInput = new ArrayList<>();
        int count = -1;
        for (Map.Entry<String, Path> e : folders.entrySet()) {
            List<Path> files = files(e.getValue());
            int wanted = options.calibrationSize() == 0 ? files.size() : options.calibrationSize();
            if (files.size() < wanted) {
                throw new CompileException("calibration folder " + e.getValue() + " has " + files.size() + " samples, "
                        + wanted + " were asked for (--calibration-size / calibrate_size)");
            }
            if (count >= 0 && wanted != count) {
                throw new CompileException("calibration folder " + e.getValue() + " has " + wanted + " samples, the first input's has " + count);
            }
            count = wanted;
            long elements = g.type(e.getKey()).shape().elementCount();
            List<float[]> values = new ArrayList<>();
            for (Path f : files.subList(0, wanted)) {
                values.add(sample(f, elements));
            }
            perInput.add(values);
        }
        List<List<float[]>> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<float[]> s = new ArrayList<>();
            for (List<float[]> in : perInput) {
                s.add(in.get(i));
            }
            samples.add(s);
        }
        return new CalibrationData(samples);
    }

    /** Graph input -> its folder, in graph order. */
    private static Map<String, Path> folders(QuantizeOptions o, Graph g) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String input : g.inputs()) {
            Tensor t = g.tensor(input);
            Path dir = null;
            if (!o.perInput().isEmpty()) {
                // the model's name for the input, or (MindIR's "graph:x") the part after the last ':'
                String plain = input.substring(input.lastIndexOf(':') + 1);
                dir = o.perInput().containsKey(input) ? o.perInput().get(input)
                        : o.perInput().containsKey(t.sourceName()) ? o.perInput().get(t.sourceName()) : o.perInput().get(plain);
                if (dir == null) {
                    throw new CompileException("calibrate_path names no folder for input " + t.sourceName() + " (it names "
                            + String.join(", ", o.namedInputs()) + ")");
                }
            } else if (g.inputs().size() == 1) {
                dir = o.calibration();
            } else {
                dir = o.calibration().resolve(t.sourceName());
                if (!Files.isDirectory(dir)) {
                    throw new CompileException("calibration folder " + o.calibration() + " has no folder " + t.sourceName()
                            + " for that input (a model with several inputs takes a folder per input, named after it)");
                }
            }
            out.put(input, dir);
        }
        return out;
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CompileException("calibration folder " + dir + " does not exist or is not a folder");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)).sorted().toList();
            if (files.isEmpty()) {
                throw new CompileException("calibration folder " + dir + " holds no samples");
            }
            return files;
        } catch (IOException e) {
            throw new CompileException("cannot read calibration folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One sample: {@code elements} finite float32 values. */
    static float[] sample(Path f, long elements) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new CompileException("cannot read calibration sample " + f + ": " + e.getMessage(), e);
        }
        int offset = 0;
        if (f.getFileName().toString().endsWith(".npy")) {
            offset = npyDataOffset(f, bytes, elements);
        }
        if (bytes.length - offset != elements * 4) {
            throw new CompileException("calibration sample " + f + " has " + (bytes.length - offset) + " bytes of data; the input takes "
                    + elements + " float32 values (" + elements * 4 + " bytes)");
        }
        float[] v = new float[(int) elements];
        ByteBuffer.wrap(bytes, offset, bytes.length - offset).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new CompileException("calibration sample " + f + " has " + v[i] + " at element " + i + ": samples must be finite");
            }
        }
        return v;
    }

    /** Where a .npy file's data begins, after checking it holds little-endian float32 in C order of {@code elements} values. */
    private static int npyDataOffset(Path f, byte[] b, long elements) {
        String bad = "calibration sample " + f + " is not a readable .npy file";
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new CompileException(bad + " (no NUMPY magic)");
        }
        int major = b[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
            start = 10;
        } else if ((major == 2 || major == 3) && b.length >= 12) {
            headerLen = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            start = 12;
        } else {
            throw new CompileException(bad + " (format version " + major + ")");
        }
        if (headerLen < 0 || start + (long) headerLen > b.length) {
            throw new CompileException(bad + " (truncated header)");
        }
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher fo = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !fo.find() || !s.find()) {
            throw new CompileException(bad + " (its header has no descr, fortran_order and shape)");
        }
        if (!d.group(1).equals("<f4")) {
            throw new CompileException("calibration sample " + f + " holds " + d.group(1) + "; samples are float32 ('<f4')");
        }
        if (fo.group(1).equals("True")) {
            throw new CompileException("calibration sample " + f + " is in Fortran order; save it in C order");
        }
        long count = 1;
        for (String dim : s.group(1).split(",")) {
            if (!dim.isBlank()) {
                try {
                    count *= Long.parseLong(dim.trim());
                } catch (NumberFormatException e) {
                    throw new CompileException(bad + " (shape " + s.group(1) + ")");
                }
            }
        }
        if (count != elements) {
            throw new CompileException("calibration sample " + f + " has shape (" + s.group(1) + "), " + count
                    + " values; the input takes " + elements);
        }
        return start + headerLen;
    }
}
