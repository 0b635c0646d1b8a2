package org.microcodegen.templates.java;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JavaLiteralsTest {

    @Test
    void shortestSpellingThatReadsBack() {
        assertEquals("0.2f", JavaLiterals.floatLiteral(0.2f));
        assertEquals("1.0f", JavaLiterals.floatLiteral(1.0f));
        assertEquals("-6.0f", JavaLiterals.floatLiteral(-6.0f));
        assertEquals("1.0e-5f", JavaLiterals.floatLiteral(1e-5f));
        assertEquals("0.001f", JavaLiterals.floatLiteral(1e-3f));
        assertEquals("3.4028235e38f", JavaLiterals.floatLiteral(Float.MAX_VALUE));
        assertEquals("1.0e-45f", JavaLiterals.floatLiteral(Float.MIN_VALUE));
        assertEquals("-0.0f", JavaLiterals.floatLiteral(-0.0f));
        assertEquals("Float.NaN", JavaLiterals.floatLiteral(Float.NaN));
        assertEquals("Float.NEGATIVE_INFINITY", JavaLiterals.floatLiteral(Float.NEGATIVE_INFINITY));
    }

    @Test
    void everyFloatRoundTrips() {
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            String lit = JavaLiterals.floatLiteral(f);
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Float.parseFloat(lit)), lit);
        }
    }

    @Test
    void parameterFieldNamesInJava() {
        assertEquals("countIncludePad", JavaModelWriter.camel("count_include_pad"));
        assertEquals("kH", JavaModelWriter.camel("k_h"));
    }
}
