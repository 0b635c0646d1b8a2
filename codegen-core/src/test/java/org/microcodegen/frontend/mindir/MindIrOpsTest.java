package org.microcodegen.frontend.mindir;

import org.junit.jupiter.api.Test;
import org.microcodegen.ops.Conv2D;
import org.microcodegen.ops.MatMul;
import org.microcodegen.ops.Op;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.Pool2D;
import org.microcodegen.ops.Refused;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MindSpore's spellings become typed canonical attributes. */
class MindIrOpsTest {
    private static Op translate(String opType, Map<String, Object> attrs) {
        return MindIrOps.translate(opType, MindIrAttributes.of(attrs), 2, "Default/x-op1", "m.mindir");
    }

    @Test
    void conv2dAttributesInEveryEncoding() {
        Op op = translate("Conv2D", Map.of("stride", List.of(1L, 1L, 2L, 3L), "dilation", 2L, "group", 4L,
                "pad_mode", 0L, "pad_list", List.of(1L, 2L, 3L, 4L), "format", 0L));
        assertEquals(new Conv2D(new Pair(2, 3), Pair.of(2), new Padding.Explicit(1, 2, 3, 4), 4), op);
        assertEquals(new Conv2D(Pair.of(1), Pair.of(1), new Padding.Same(), 2),
                translate("Conv2D", Map.of("pad_mode", "SAME", "groups", 2L)));
    }

    @Test
    void poolAndMatMulSpellings() {
        assertEquals(new Pool2D(Pool2D.Kind.AVERAGE, Pair.of(3), Pair.of(2), Padding.none(), false),
                translate("AvgPool", Map.of("kernel_size", List.of(1L, 1L, 3L, 3L), "strides", 2L, "pad_mode", "valid")));
        assertEquals(new MatMul(true, true), translate("MatMul", Map.of("transpose_x1", true, "transpose_b", 1L)));
    }

    @Test
    void unknownPrimitivesAndUnsupportedAttributesAreRefusedWithTheMessage() {
        Op unknown = translate("Erfinv", Map.of());
        assertEquals(new Refused("unsupported op Erfinv at node Default/x-op1 in m.mindir", true), unknown);
        Op nhwc = translate("Conv2D", Map.of("format", "NHWC"));
        assertTrue(nhwc instanceof Refused r && !r.unsupported()
                && r.message().equals("Conv2D at node Default/x-op1 in m.mindir: data format NHWC is not supported (MindSpore exports NCHW)"),
                nhwc.toString());
    }
}
