package org.microcodegen.emit;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * C literal spellings. Floats use 9 significant digits, correctly rounded (half-even) from the exact binary
 * value, enough to round-trip every float32 exactly: {@code d.dddddddde±XXf}, and NAN, INFINITY, -INFINITY.
 *
 * <p>Weights are millions of floats, so the digits come from double arithmetic, not BigDecimal: the float
 * is exact in a double, scaling it by a power of ten costs at most two roundings (relative error below
 * 2^-52), so the scaled value in [1e8, 1e9) is known to within 1e-6; unless its fraction lies within
 * {@value #TIE_MARGIN} of one half, rounding it gives the same nine digits as the exact value would. The few
 * values that close to a tie take the exact BigDecimal path.
 */
final class CLiterals {
    /** The longest finite literal: "-1.23456789e-45f". */
    static final int MAX_FLOAT_LITERAL_BYTES = 16;
    private static final MathContext NINE_DIGITS = new MathContext(9, RoundingMode.HALF_EVEN);
    private static final double TIE_MARGIN = 1e-4;
    /** 10^p for p in [-MIN_POW, MAX_POW]: enough to scale any float's magnitude into [1e8, 1e9). */
    private static final int MIN_POW = 40;
    private static final double[] POW10 = new double[MIN_POW + 60];
    private static final byte[] NAN = "NAN".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INF = "INFINITY".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int p = -MIN_POW; p < POW10.length - MIN_POW; p++) {
            POW10[p + MIN_POW] = Double.parseDouble("1e" + p);   // correctly rounded, unlike Math.pow
        }
    }

    private CLiterals() {
    }

    static String floatLiteral(float f) {
        byte[] buf = new byte[MAX_FLOAT_LITERAL_BYTES];
        int n = writeFloat(f, buf, 0);
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    /** Writes {@code f}'s literal into {@code out} at {@code pos} (room for {@value #MAX_FLOAT_LITERAL_BYTES}); returns the end. */
    static int writeFloat(float f, byte[] out, int pos) {
        if (Float.isNaN(f)) {
            System.arraycopy(NAN, 0, out, pos, NAN.length);
            return pos + NAN.length;
        }
        if (f < 0 || (f == 0 && 1 / f < 0)) {
            out[pos++] = '-';   // -0.0f keeps its sign bit: weights are bit-exact
        }
        float a = Math.abs(f);
        if (Float.isInfinite(a)) {
            System.arraycopy(INF, 0, out, pos, INF.length);
            return pos + INF.length;
        }
        long digits;   // nine digits, 1e8 <= digits < 1e9 (0 for zero)
        int exp;
        if (a == 0) {
            digits = 0;
            exp = 0;
        } else {
            double v = a;
            exp = (int) Math.floor(Math.log10(v));
            double scaled = v * POW10[8 - exp + MIN_POW];
            if (scaled >= 1e9) {
                exp++;
                scaled = v * POW10[8 - exp + MIN_POW];
            } else if (scaled < 1e8) {
                exp--;
                scaled = v * POW10[8 - exp + MIN_POW];
            }
            double floor = Math.floor(scaled);
            double frac = scaled - floor;
            if (Math.abs(frac - 0.5) < TIE_MARGIN) {
                BigDecimal exact = new BigDecimal(a).round(NINE_DIGITS);
                digits = exact.unscaledValue().longValueExact();
                exp = exact.precision() - exact.scale() - 1;
                while (digits < 100_000_000L) {   // fewer than nine significant digits: pad
                    digits *= 10;
                }
                while (digits >= 1_000_000_000L) {   // trailing zeros kept by round()
                    digits /= 10;
                }
            } else {
                digits = (long) floor + (frac > 0.5 ? 1 : 0);
                if (digits == 1_000_000_000L) {   // 9.999999996 rounds to 10.0000000
                    digits = 100_000_000L;
                    exp++;
                }
            }
        }
        out[pos++] = (byte) ('0' + digits / 100_000_000L);
        out[pos++] = '.';
        for (long div = 10_000_000L; div > 0; div /= 10) {
            out[pos++] = (byte) ('0' + (digits / div) % 10);
        }
        out[pos++] = 'e';
        out[pos++] = (byte) (exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        out[pos++] = (byte) ('0' + e / 10);
        out[pos++] = (byte) ('0' + e % 10);
        out[pos++] = 'f';
        return pos;
    }

    /** The length of {@code f}'s literal, without writing it: finite literals are 15 characters plus the sign. */
    static int floatLiteralLength(float f) {
        if (Float.isNaN(f)) {
            return NAN.length;
        }
        int sign = f < 0 || (f == 0 && 1 / f < 0) ? 1 : 0;
        return sign + (Float.isInfinite(f) ? INF.length : MAX_FLOAT_LITERAL_BYTES - 1);
    }

    /** Whether a literal this class wrote needs math.h (C99 defines NAN and INFINITY there). */
    static boolean needsMath(String literal) {
        return literal.equals("NAN") || literal.endsWith("INFINITY");
    }

    /** Whether {@code f}'s literal needs math.h. */
    static boolean needsMath(float f) {
        return Float.isNaN(f) || Float.isInfinite(f);
    }

    static String intLiteral(long v) {
        // INT32_MIN cannot be written as a negated literal without a warning.
        return v == Integer.MIN_VALUE ? "(-2147483647 - 1)" : Long.toString(v);
    }
}
