package org.microcodegen.frontend.mslite;

/** Names from the file as messages show them: one line, bounded. */
final class Names {
    private static final int MAX = 120;

    private Names() {
    }

    /** {@code name} with control characters replaced by '?' and cut to 120 characters. */
    static String printable(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(name.length(), MAX + 3));
        for (int i = 0; i < name.length() && i < MAX; i++) {
            char c = name.charAt(i);
            b.append(c < 0x20 || c == 0x7f || Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        if (name.length() > MAX) {
            b.append("...");
        }
        return b.toString();
    }
}
