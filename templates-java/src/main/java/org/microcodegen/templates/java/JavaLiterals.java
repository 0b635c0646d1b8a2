package org.microcodegen.templates.java;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Java literal spellings that read well and do not depend on the JDK that generates them. */
final class JavaLiterals {
    private JavaLiterals() {
    }

    /**
     * The shortest decimal (at most 9 significant digits, enough for every float) that reads back as
     * exactly {@code f}. Float.toString would also round-trip, but its digits changed between JDK
     * releases, and the generated sources must be byte-identical wherever they are generated.
     */
    static String floatLiteral(float f) {
        if (Float.isNaN(f)) {
            return "Float.NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
        }
        if (f == 0.0f) {
            return Float.floatToRawIntBits(f) == 0 ? "0.0f" : "-0.0f";
        }
        BigDecimal exact = new BigDecimal(f);
        for (int digits = 1; digits <= 9; digits++) {
            BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (d.floatValue() == f) {
                return spell(d.stripTrailingZeros()) + "f";
            }
        }
        throw new AssertionError("no 9-digit decimal for " + f);
    }

    private static String spell(BigDecimal d) {
        int exponent = d.precision() - d.scale() - 1;
        if (exponent >= -4 && exponent < 9) {
            String plain = d.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String unscaled = d.unscaledValue().abs().toString();
        String mantissa = unscaled.length() == 1 ? unscaled + ".0" : unscaled.charAt(0) + "." + unscaled.substring(1);
        return (d.signum() < 0 ? "-" : "") + mantissa + "e" + exponent;
    }

    static String intLiteral(long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("value " + v + " does not fit a Java int");
        }
        return Long.toString(v);
    }
}
