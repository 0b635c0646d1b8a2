package org.microcodegen.templates.java;

/**
 * Model text (node names, scopes, value names, the model's file name) in generated Java. A model file is
 * untrusted, and javac translates {@code \}{@code u000a} into a newline anywhere in a source file, comments
 * included, so a name copied as it is could end a comment and become code, or break the build.
 *
 * <p>The spelling reads like the inside of a Java string: printable ASCII stays as it is, a backslash is
 * {@code \\} (so no backslash from the model can start a Unicode escape: it is always preceded by another
 * one), newline, carriage return and tab are {@code \n \r \t}, other control characters {@code \xHH}, and
 * anything beyond ASCII is written as a Unicode escape, which javac reads back as that very character and
 * never as a line terminator (those are spelled {@code \n} and {@code \r}). {@code * /} gets a backslash
 * between ({@code *\/}), so the text cannot close a block or Javadoc comment either.
 */
final class JavaText {
    private JavaText() {
    }

    /** {@code text} spelled for the inside of a Java comment ({@code //}, block or Javadoc), on one line. */
    static String comment(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            } else if (c > 0x7f) {
                // UTF-16 units: a surrogate pair becomes two escapes, which javac joins again.
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                if (c == '/' && sb.length() > 0 && sb.charAt(sb.length() - 1) == '*') {
                    sb.append('\\');
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
