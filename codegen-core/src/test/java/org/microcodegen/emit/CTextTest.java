package org.microcodegen.emit;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model text in C comments: it can neither close the comment nor splice or continue a line. */
class CTextTest {
    @Test
    void plainNamesStayAsTheyAre() {
        assertEquals("conv1: Conv2D (Default/conv1-Conv2d/Conv2D-op0)", CText.comment("conv1: Conv2D (Default/conv1-Conv2d/Conv2D-op0)"));
        assertEquals("\"conv1.weight\" float32[6,1,5,5], 600 bytes", CText.comment("\"conv1.weight\" float32[6,1,5,5], 600 bytes"));
    }

    @Test
    void commentDelimitersTrigraphsAndLineBreaksAreSpelledOut() {
        assertEquals("a *\\/ #error x \\n/\\* b", CText.comment("a */ #error x \n/* b"));
        assertEquals("?\\?/\\nx ?\\?\\?", CText.comment("??/\nx ???"));
        assertEquals("\\\\\\r\\t\\x00\\x01\\x7f \\u00e9 \\u2028 \\U0001f600", CText.comment("\\\r\t\u0000\u0001\u007f \u00e9 \u2028 \ud83d\ude00"));
    }

    /** Any text at all, random code units included: the result is printable ASCII with no comment delimiter or "??". */
    @Test
    void randomTextIsAlwaysSafe() {
        Random random = new Random(14);
        String alphabet = "*/?\\\n\r\"' az\u0000\u2028\ud800\ud83d\ude00";
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String out = CText.comment(sb.toString());
            assertTrue(out.chars().allMatch(c -> c >= 0x20 && c < 0x7f), () -> "not printable ASCII: " + out);
            assertFalse(out.contains("*/") || out.contains("/*") || out.contains("??"), () -> sb + " -> " + out);
        }
    }
}
