package org.microcodegen.templates.java;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model text in Java comments, checked the way javac reads it: after its Unicode-escape translation. */
class JavaTextTest {
    @Test
    void plainNamesStayAsTheyAre() {
        assertEquals("conv1: Conv2D (Default/conv1-Conv2d/Conv2D-op0)", JavaText.comment("conv1: Conv2D (Default/conv1-Conv2d/Conv2D-op0)"));
    }

    @Test
    void escapesAndLineBreaksAreSpelledOut() {
        assertEquals("\\\\u000a x *\\/ \\n \\r \\x00 \\u00e9 \\u2028", JavaText.comment("\\u000a x */ \n \r \u0000 \u00e9 \u2028"));
        assertEquals("\\\\\\\\u000a", JavaText.comment("\\\\u000a"));
    }

    /** Any text: javac sees one line of comment, with no line terminator, no comment end and no bad escape. */
    @Test
    void randomTextIsAlwaysOneLineOfComment() {
        Random random = new Random(14);
        String alphabet = "*/\\u000aAdZ\n\r\u2028 \ud83d\ude00";
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(16); i > 0; i--) {
                sb.append(random.nextInt(5) == 0 ? (char) random.nextInt(0x10000) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String out = JavaText.comment(sb.toString());
            assertTrue(out.chars().allMatch(c -> c >= 0x20 && c < 0x7f), () -> "not printable ASCII: " + out);
            String seen = javacView("/** " + out + " */");
            assertFalse(seen.contains("\n") || seen.contains("\r"), () -> sb + " -> " + out);
            assertEquals(seen.length() - 2, seen.indexOf("*/"), () -> sb + " -> " + out);
        }
    }

    /** JLS 3.3: a backslash preceded by an even number of backslashes, one or more u, four hex digits. */
    private static String javacView(String source) {
        StringBuilder t = new StringBuilder();
        int backslashes = 0;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\' && backslashes % 2 == 0 && i + 1 < source.length() && source.charAt(i + 1) == 'u') {
                int j = i + 1;
                while (source.charAt(j) == 'u') {
                    j++;
                }
                String hex = source.substring(j, Math.min(source.length(), j + 4));
                assertTrue(hex.matches("[0-9a-fA-F]{4}"), () -> "javac rejects the escape in " + source);
                t.append((char) Integer.parseInt(hex, 16));
                i = j + 3;
                backslashes = 0;
            } else {
                backslashes = c == '\\' ? backslashes + 1 : 0;
                t.append(c);
            }
        }
        return t.toString();
    }
}
