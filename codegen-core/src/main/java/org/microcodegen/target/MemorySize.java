package org.microcodegen.target;

import org.microcodegen.ir.CompileException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as people write them in board descriptors and on the command line: {@code 131072},
 * {@code 0x20000}, {@code 128K}, {@code 128KiB}, {@code 1M}, {@code 1MiB}. K and M are binary (1024),
 * as in every datasheet's memory table; there is no decimal kB, which would silently mean 1000.
 */
public final class MemorySize {
    private static final Pattern SIZE = Pattern.compile("(0x[0-9a-f]+|[0-9]+)\\s*(k|kib|m|mib)?");

    private MemorySize() {
    }

    /** The bytes {@code text} stands for; a CompileException naming {@code what} when it is no size. */
    public static long parse(String text, String what) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CompileException(what + ": '" + text.strip() + "' is not a size (bytes, or a number with K, KiB, M or MiB)");
        }
        try {
            long value = m.group(1).startsWith("0x") ? Long.parseLong(m.group(1).substring(2), 16) : Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2);
            return Math.multiplyExact(value, unit.startsWith("m") ? 1L << 20 : unit.startsWith("k") ? 1L << 10 : 1L);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CompileException(what + ": '" + text.strip() + "' is too large");
        }
    }
}
