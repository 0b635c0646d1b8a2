package org.microcodegen.ir;

/**
 * Model text made safe to print on a terminal. Names and paths come from untrusted model files: a NUL,
 * an escape sequence or a newline in them must not reach the user's terminal raw (it could hide or fake
 * the rest of a message), so every control or invisible formatting character is written as a Java-style
 * {@code \}{@code uXXXX} escape.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} with every control, line-separator and format (e.g. bidi override) character escaped. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnsafe(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Whether {@code text} holds a character {@link #escape} would rewrite. */
    public static boolean hasUnsafe(String text) {
        return text.chars().anyMatch(c -> isUnsafe((char) c));
    }

    private static boolean isUnsafe(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
