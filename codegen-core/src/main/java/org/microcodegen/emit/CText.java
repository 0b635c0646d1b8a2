package org.microcodegen.emit;

import org.stringtemplate.v4.AttributeRenderer;

import java.util.Locale;

/**
 * Model text (node names, scopes, value names, the model's file name) in generated C. A model file is
 * untrusted: a name must never end a comment or reach the compiler as code. The templates ask for
 * {@code <x; format="comment">} wherever such text goes into a comment (C block comments, and the
 * Makefile's # comments, which the same spelling keeps on their line).
 *
 * <p>The spelling reads like the inside of a C string: printable ASCII stays as it is, a backslash is
 * {@code \\}, newline, carriage return and tab are {@code \n \r \t}, other control characters
 * {@code \xHH}, and anything beyond ASCII {@code \}{@code uXXXX} or {@code \}{@code UXXXXXXXX}. Nothing can
 * close or open a comment: {@code * /} and {@code / *} get a backslash between them ({@code *\/},
 * {@code /\*}), and no two question marks are adjacent ({@code ?\?}), so there is no trigraph (ISO C
 * modes enable them; {@code ??/} newline would splice lines). No newline ever appears, so there is
 * no line splice either.
 */
public final class CText {
    private CText() {
    }

    /** {@code text} spelled for the inside of a C block comment, on one line. */
    public static String comment(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            char last = sb.length() == 0 ? 0 : sb.charAt(sb.length() - 1);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", c));
            } else if (c > 0xffff) {
                sb.append(String.format(Locale.ROOT, "\\U%08x", c));
            } else if (c > 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                boolean pair = (c == '/' && last == '*') || (c == '*' && last == '/') || (c == '?' && last == '?');
                if (pair) {
                    sb.append('\\');
                }
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** Applies {@link #comment} to string attributes rendered with {@code format="comment"}. */
    static final class Renderer implements AttributeRenderer<Object> {
        @Override
        public String toString(Object value, String format, Locale locale) {
            if (format == null) {
                return value.toString();
            }
            if (format.equals("comment")) {
                return comment(value.toString());
            }
            throw new IllegalArgumentException("unknown format '" + format + "' in a C template");
        }
    }
}
