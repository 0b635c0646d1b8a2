package org.microcodegen.emit;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The elements written into a rendered weights source: layout, spelling, exact size. */
class WeightValuesTest {
    private static String fill(String rendered, ConstData... data) {
        return new String(WeightValues.fill(rendered, List.of(data), i -> "weight " + i), StandardCharsets.UTF_8);
    }

    @Test
    void eightToARowIndentedLikeThePlaceholder() {
        String rendered = "a = {\n    " + WeightValues.placeholder(0) + "\n};\nb = {\n  " + WeightValues.placeholder(1) + "\n};\n";
        ConstData floats = ConstData.ofFloats(1, 2, 3, 4, 5, 6, 7, 8, -0.5f);
        ConstData ints = new ConstData(DType.INT8, new byte[] {-128, 127, 0});
        assertEquals("a = {\n"
                        + "    1.00000000e+00f, 2.00000000e+00f, 3.00000000e+00f, 4.00000000e+00f, 5.00000000e+00f, "
                        + "6.00000000e+00f, 7.00000000e+00f, 8.00000000e+00f,\n"
                        + "    -5.00000000e-01f\n};\n"
                        + "b = {\n  -128, 127, 0\n};\n",
                fill(rendered, floats, ints));
    }

    @Test
    void integerSuffixesAndNonFiniteFloats() {
        String rendered = WeightValues.placeholder(0) + "|" + WeightValues.placeholder(1);
        assertEquals("NAN, INFINITY, -INFINITY, 0.00000000e+00f|(-9223372036854775807LL - 1), 7LL",
                fill(rendered, ConstData.ofFloats(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f),
                        ConstData.ofLongs(Long.MIN_VALUE, 7)));
        assertTrue(WeightValues.needsMath(ConstData.ofFloats(1, Float.NaN)));
        assertFalse(WeightValues.needsMath(ConstData.ofFloats(1, 2)));
    }

    @Test
    void floatTypesCCannotSpellAreNamed() {
        ConstData half = new ConstData(DType.FLOAT16, new byte[2]);
        CompileException e = assertThrows(CompileException.class, () -> fill(WeightValues.placeholder(0), half));
        assertTrue(e.getMessage().startsWith("weight 0;"), e.getMessage());
    }
}
