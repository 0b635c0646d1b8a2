package org.microcodegen.lower;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.DType;
import org.microcodegen.target.Target;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `micro-codegen ops` reads from the registries: signatures and shape rules in words, and limits for every op. */
class RegistryDescriptionTest {
    @Test
    void signaturesSayTheirDtypesAndStillMatch() {
        Signature all = Signature.all(DType.INT8);
        assertEquals("int8", all.describe());
        assertTrue(all.matches(List.of(DType.INT8, DType.INT8), List.of(DType.INT8)));
        assertFalse(all.matches(List.of(DType.INT8, DType.INT32), List.of(DType.INT8)));
        Signature mixed = Signature.exactly(List.of(DType.INT8, DType.INT8, DType.INT32), List.of(DType.INT8));
        assertEquals("int8, int8, int32 -> int8", mixed.describe());
        assertTrue(mixed.matches(List.of(DType.INT8, DType.INT8, DType.INT32), List.of(DType.INT8)));
        assertFalse(mixed.matches(List.of(DType.INT8, DType.INT8), List.of(DType.INT8)));
    }

    @Test
    void everyEntryOfEveryTargetDescribesItsShapesAndEveryOpHasLimits() {
        for (Target t : Target.all()) {
            for (KernelRegistry.Entry e : t.kernels().entries()) {
                assertFalse(e.shapes().equals("shapes chosen by a rule"), t.name() + " " + e.kernel().function() + " has an undescribed predicate");
                assertFalse(e.signature().describe().equals("dtypes by a rule"), t.name() + " " + e.kernel().function());
                assertNotNull(OpLimits.of(e.op()), "no limits written for " + e.op());
            }
        }
    }

    @Test
    void shapeRulesNameTheirShape() {
        assertEquals("3x3 window", Shapes.squareWindow(3).description());
        assertEquals("not depthwise, kernel width 5, stride 1 along w, dilation 1 along w", Shapes.fixedWidth(5, 1, false).description());
        assertEquals("any shape", Shapes.ANY.description());
    }
}
