package org.microcodegen.emit;

import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The element lists of the weights source, written straight into the file's bytes. A 100 MB model is
 * 25 million literals: as strings in the view (and StringTemplate's per-element rendering) they took
 * gigabytes and most of the compile. So the template renders everything around the values, with a
 * placeholder ({@link #placeholder}) where each array's elements go, and this class writes the elements
 * in the template's layout ({@value #VALUES_PER_ROW} to a row, rows indented by the placeholder's own
 * indentation) into one array sized exactly beforehand: no intermediate text, no second copy.
 */
final class WeightValues {
    static final int VALUES_PER_ROW = 8;
    private static final String MARK = "\u0001values ";
    private static final Pattern PLACEHOLDER = Pattern.compile("([ \\t]*)\u0001values (\\d+)\u0001");

    private WeightValues() {
    }

    /** What the template prints where weight {@code index}'s elements go. */
    static String placeholder(int index) {
        return MARK + index + "\u0001";
    }

    /** Whether any element of {@code data} is spelled NAN or INFINITY (they need math.h). */
    static boolean needsMath(ConstData data) {
        if (data.dtype() != DType.FLOAT32) {
            return false;
        }
        FloatReader r = new FloatReader(data);
        for (long i = 0; i < r.count; i++) {
            if (CLiterals.needsMath(r.get(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code rendered} with each placeholder replaced by the elements of {@code values.get(index)}, as bytes.
     * {@code what} names each weight in the error for a dtype C cannot spell.
     */
    static byte[] fill(String rendered, List<ConstData> values, Function<Integer, String> what) {
        List<String> texts = new ArrayList<>();
        List<Elements> lists = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(rendered);
        int from = 0;
        while (m.find()) {
            texts.add(rendered.substring(from, m.start()) + m.group(1));
            int index = Integer.parseInt(m.group(2));
            lists.add(elements(values.get(index), what.apply(index), ",\n" + m.group(1)));
            from = m.end();
        }
        texts.add(rendered.substring(from));
        List<byte[]> textBytes = texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        long size = textBytes.stream().mapToLong(b -> b.length).sum() + lists.stream().mapToLong(Elements::size).sum();
        if (size > Integer.MAX_VALUE - 16) {
            throw new CompileException("the weights source would be " + size + " bytes, more than a Java array holds (2 GB)");
        }
        byte[] out = new byte[(int) size];
        int pos = 0;
        for (int i = 0; i < lists.size(); i++) {
            pos = put(textBytes.get(i), out, pos);
            pos = lists.get(i).write(out, pos);
        }
        pos = put(textBytes.get(lists.size()), out, pos);
        if (pos != out.length) {
            throw new IllegalStateException("weights source: measured " + out.length + " bytes, wrote " + pos);
        }
        return out;
    }

    private static int put(byte[] b, byte[] out, int pos) {
        System.arraycopy(b, 0, out, pos, b.length);
        return pos + b.length;
    }

    /** A weight's elements: their exact size in bytes, then the bytes. */
    private interface Elements {
        long size();

        int write(byte[] out, int pos);
    }

    private static Elements elements(ConstData data, String what, String rowBreak) {
        DType dtype = data.dtype();
        if (dtype == DType.FLOAT32) {
            return new Floats(new FloatReader(data), rowBreak.getBytes(StandardCharsets.UTF_8));
        }
        if (dtype.isFloatingPoint()) {
            throw new CompileException(what + "; C constants of that type are not supported");
        }
        return new Integers(data.asLongs(), dtype, rowBreak.getBytes(StandardCharsets.UTF_8));
    }

    /** The separator before element {@code i}: none, ", " or a row break. */
    private static long separatorSize(long i, byte[] rowBreak) {
        return i == 0 ? 0 : i % VALUES_PER_ROW == 0 ? rowBreak.length : 2;
    }

    private static int separator(long i, byte[] rowBreak, byte[] out, int pos) {
        if (i == 0) {
            return pos;
        }
        if (i % VALUES_PER_ROW == 0) {
            return put(rowBreak, out, pos);
        }
        out[pos] = ',';
        out[pos + 1] = ' ';
        return pos + 2;
    }

    /** Reads float32 elements from the constant's little-endian bytes, without a float[] copy. */
    private static final class FloatReader {
        final ByteBuffer buf;
        final long count;

        FloatReader(ConstData data) {
            buf = ByteBuffer.wrap(data.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            count = buf.capacity() / 4;
        }

        float get(long i) {
            return buf.getFloat((int) (i * 4));
        }
    }

    private record Floats(FloatReader values, byte[] rowBreak) implements Elements {
        @Override
        public long size() {
            long size = 0;
            for (long i = 0; i < values.count; i++) {
                size += separatorSize(i, rowBreak) + CLiterals.floatLiteralLength(values.get(i));
            }
            return size;
        }

        @Override
        public int write(byte[] out, int pos) {
            for (long i = 0; i < values.count; i++) {
                pos = separator(i, rowBreak, out, pos);
                pos = CLiterals.writeFloat(values.get(i), out, pos);
            }
            return pos;
        }
    }

    /** Integer literals are short-lived strings, spelled twice rather than kept: 4 million of them took 200 MB. */
    private record Integers(long[] values, DType dtype, byte[] rowBreak) implements Elements {
        @Override
        public long size() {
            long size = 0;
            for (int i = 0; i < values.length; i++) {
                size += separatorSize(i, rowBreak) + CEmitter.integerLiteral(values[i], dtype).length();
            }
            return size;
        }

        @Override
        public int write(byte[] out, int pos) {
            for (int i = 0; i < values.length; i++) {
                pos = separator(i, rowBreak, out, pos);
                String literal = CEmitter.integerLiteral(values[i], dtype);
                for (int c = 0; c < literal.length(); c++) {
                    out[pos++] = (byte) literal.charAt(c);   // ASCII: digits, '-', suffixes, parentheses
                }
            }
            return pos;
        }
    }
}
