package org.microcodegen.emit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** C literal spellings. Floats use 9 significant digits, enough to round-trip every float32 exactly. */
final class CLiterals {
    private static final MathContext NINE_DIGITS = new MathContext(9, RoundingMode.HALF_EVEN);

    private CLiterals() {
    }

    static String floatLiteral(float f) {
        if (Float.isNaN(f)) {
            return "NAN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "INFINITY" : "-INFINITY";
        }
        // Round the exact binary value (BigDecimal, not the double's shortest decimal) so that the
        // nine digits are correctly rounded and the C compiler reads back the identical float.
        BigDecimal exact = new BigDecimal(f).round(NINE_DIGITS);
        return String.format(Locale.ROOT, "%.8e", exact) + "f";
    }

    /** Whether a literal this class wrote needs math.h (C99 defines NAN and INFINITY there). */
    static boolean needsMath(String literal) {
        return literal.equals("NAN") || literal.endsWith("INFINITY");
    }

    static String intLiteral(long v) {
        // INT32_MIN cannot be written as a negated literal without a warning.
        return v == Integer.MIN_VALUE ? "(-2147483647 - 1)" : Long.toString(v);
    }
}
