package org.microcodegen.lower;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Graph;
import org.microcodegen.ir.Node;
import org.microcodegen.ir.Quantization;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.Tensor;
import org.microcodegen.ir.TensorType;
import org.microcodegen.lower.ParamsLayout.FieldType;
import org.microcodegen.ops.Conv2DNhwc;
import org.microcodegen.ops.FullyConnected;
import org.microcodegen.ops.FusedActivation;
import org.microcodegen.ops.Padding;
import org.microcodegen.ops.Pair;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.quant.Rounding;
import org.microcodegen.target.Target;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compact parameter structs ({@link ParamsLayout}, {@link Kernel#narrowing}): the narrowed struct has the layout's
 * fields only, in its order, with derived values computed; a value that does not fit its C type is never
 * truncated, the registry takes the next kernel instead; and the Java mirror of each C typedef names the same
 * fields in the same types as the kernel's header.
 */
class ParamsLayoutTest {
    private static final Target M4 = Target.byName("cortex-m4");

    /** An op's values as the int8 convolutions give them (mc_qconv2d_params' fields). */
    private static ParamsStruct conv(long batch, long outH, long outW, long inC, long outC, long outOffset) {
        return ParamsStruct.builder().set("batch", batch).set("in_h", outH).set("in_w", outW).set("in_c", inC)
                .set("out_h", outH).set("out_w", outW).set("out_c", outC).set("act_min", -128).set("act_max", 127)
                .set("in_offset", 5).set("out_offset", outOffset).rounding("rounding", Rounding.DOUBLE)
                .table(ParamsStruct.OUT_MULT, new int[] {1 << 30, 1 << 30})
                .table(ParamsStruct.OUT_SHIFT, DType.INT8, new long[] {-3, -4}).build();
    }

    @Test
    void theNarrowedStructHasTheLayoutsFieldsInItsOrderWithDerivedValuesAndTheSameTables() {
        ParamsStruct op = conv(2, 3, 5, 8, 2, -128);
        ParamsStruct narrow = CParams.QPOINTWISE.narrow(op);
        assertEquals(List.of("pixels", "in_c", "out_c", "out_offset", "out_mult", "out_shift"),
                narrow.fields().stream().map(ParamsStruct.Field::name).toList());
        assertEquals(2L * 3 * 5, narrow.integer("pixels"), "batch * out_h * out_w");
        assertEquals(8L, narrow.integer("in_c"));
        assertEquals(-128L, narrow.integer("out_offset"));
        assertEquals(op.requantizationTables(), narrow.requantizationTables(), "the benchmark counts the same tables");
        assertEquals(op.value(ParamsStruct.OUT_SHIFT), narrow.value(ParamsStruct.OUT_SHIFT));
    }

    @Test
    void aValueOutsideItsFieldsTypeIsAMisfitNeverTruncated() {
        assertEquals(Optional.empty(), CParams.QPOINTWISE.misfit(conv(1, 1, 1, 65535, 2, 0)));
        assertEquals(Optional.of("out_c = 65536 is outside uint16_t"), CParams.QPOINTWISE.misfit(conv(1, 1, 1, 8, 65536, 0)));
        assertEquals(Optional.of("in_c = -1 is outside uint16_t"), CParams.QPOINTWISE.misfit(conv(1, 1, 1, -1, 2, 0)));
        assertEquals(Optional.of("pixels = 2147483648 (batch * out_h * out_w) is outside int32_t"),
                CParams.QPOINTWISE.misfit(conv(2, 32768, 32768, 8, 2, 0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CParams.QPOINTWISE.narrow(conv(1, 1, 1, 8, 65536, 0)));
        assertEquals("mc_qpointwise_params: out_c = 65536 is outside uint16_t", e.getMessage());
        ParamsLayout small = ParamsLayout.of("t").integer("out_offset", FieldType.INT8).integer("in_c", FieldType.UINT8);
        assertTrue(small.misfit(conv(1, 1, 1, 255, 2, -128)).isEmpty());
        assertEquals(Optional.of("out_offset = 128 is outside int8_t"), small.misfit(conv(1, 1, 1, 8, 2, 128)));
        assertEquals(Optional.of("in_c = 256 is outside uint8_t"), small.misfit(conv(1, 1, 1, 256, 2, 0)));
        assertTrue(ParamsLayout.of("t").integer("x", FieldType.INT16).misfit(conv(1, 1, 1, 8, 2, 0)).isPresent(),
                "a field the op does not have");
        assertTrue(ParamsLayout.of("t").table("in_c").misfit(conv(1, 1, 1, 8, 2, 0)).isPresent(), "a table that is none");
        assertTrue(CParams.QPOINTWISE.misfit(null).isPresent());
    }

    @Test
    void aKernelTakesItsNarrowingsTypeAndAcceptsOnlyValuesThatFit() {
        Kernel k = Kernel.withParams("m", "f", "mc_qconv2d_params").narrowing(CParams.QPOINTWISE);
        assertEquals("mc_qpointwise_params", k.paramsType());
        assertTrue(k.accepts(conv(1, 4, 4, 8, 2, 0)));
        assertFalse(k.accepts(conv(1, 4, 4, 8, 70000, 0)));
        assertTrue(Kernel.withParams("m", "g", "p").accepts(null), "a kernel without narrowing takes its op's struct");
        assertThrows(IllegalArgumentException.class, () -> ParamsLayout.of("t").integer("a", FieldType.INT8).integer("a", FieldType.INT8));
        assertThrows(IllegalArgumentException.class, () -> ParamsLayout.of("t").derived("a", FieldType.TABLE, "x", p -> 0));
    }

    // --- the registry: the pointwise kernel where its struct holds the layer and its epilogue applies, the next kernel elsewhere

    /**
     * An int8 1x1 convolution, [1, 2, 3, inC] to [1, 2, 3, outC]: input scale 0.5, zero point 3, weight scale
     * {@code weightScale} (every channel), output scale 1, zero point {@code outZero}, fused {@code act}.
     */
    private static Graph pointwise(int inC, int outC, float weightScale, int outZero, FusedActivation act) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", new TensorType(DType.INT8, Shape.of(1, 2, 3, inC), q(0.5f, 3))));
        byte[] w = new byte[outC * inC];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (i % 7 - 3);
        }
        t.put("w", new Tensor("w", new TensorType(DType.INT8, Shape.of(outC, 1, 1, inC),
                new Quantization(Collections.nCopies(outC, weightScale), Collections.nCopies(outC, 0), 0)), new ConstData(DType.INT8, w), "w"));
        t.put("b", new Tensor("b", new TensorType(DType.INT32, Shape.of(outC), q(0.5f * weightScale, 0)),
                new ConstData(DType.INT32, new byte[4 * outC]), "b"));
        t.put("y", Tensor.value("y", new TensorType(DType.INT8, Shape.of(1, 2, 3, outC), q(1f, outZero))));
        Conv2DNhwc op = new Conv2DNhwc(false, Pair.of(1), Pair.of(1), new Padding.Explicit(0, 0, 0, 0), act);
        Node n = new Node("conv", "CONV_2D", List.of("x", "w", "b"), List.of("y"), op, "net/conv", List.of());
        return new Graph("g", t, List.of(n), List.of("x"), List.of("y"));
    }

    private static Quantization q(float scale, int zero) {
        return new Quantization(List.of(scale), List.of(zero), 0);
    }

    private static KernelCall lowered(Graph g) {
        return Lowerer.lower(g, g.nodes().get(0), M4.kernels(), "m.tflite", Optimize.SPEED).call();
    }

    @Test
    void thePointwiseKernelTakesItsCompactStructAndTheCallKeepsTheOpsValues() {
        KernelCall call = lowered(pointwise(8, 4, 0.01f, -128, FusedActivation.NONE));
        assertEquals("mc_conv2d_1x1_s8_simd", call.kernel().function());
        assertEquals("mc_qpointwise_params", call.kernel().paramsType());
        assertEquals(6L, call.struct().integer("pixels"));
        assertEquals(6, call.struct().fields().size());
        assertEquals(-3L, call.params().integer("in_offset"), "what the layer computes stays whole (access orders, packings)");
        assertSame(call.params().value(ParamsStruct.OUT_MULT), call.struct().value(ParamsStruct.OUT_MULT));
    }

    @Test
    void aLayerTooWideForTheCompactStructFallsToTheGeneralSimdConvolution() {
        // out_c 65,535 is the largest uint16_t: the pointwise kernel; one channel more and the general conv, untruncated
        assertEquals("mc_conv2d_1x1_s8_simd", lowered(pointwise(1, 65535, 0.01f, 0, FusedActivation.NONE)).kernel().function());
        KernelCall wide = lowered(pointwise(1, 65536, 0.01f, 0, FusedActivation.NONE));
        assertEquals("mc_conv2d_s8_simd", wide.kernel().function());
        assertEquals(65536L, wide.struct().integer("out_c"));
    }

    @Test
    void aLayerOutsideTheFoldedEpilogueFallsToTheGeneralSimdConvolution() {
        // ReLU with output zero point 0: act_min 0, a clamp inside int8
        assertEquals("mc_conv2d_s8_simd", lowered(pointwise(8, 4, 0.01f, 0, FusedActivation.RELU)).kernel().function());
        // ReLU with zero point -128: act_min -128, the whole range: the pointwise kernel
        assertEquals("mc_conv2d_1x1_s8_simd", lowered(pointwise(8, 4, 0.01f, -128, FusedActivation.RELU)).kernel().function());
        // input scale x weight scale / output scale = 0.5 x 4 = 2: a left shift (shift 2), which mc_rqo does not take
        assertEquals("mc_conv2d_s8_simd", lowered(pointwise(8, 4, 4f, 0, FusedActivation.NONE)).kernel().function());
        // 0.5 x 1e-7: a right shift of 24, beyond mc_rqo's 22
        assertEquals("mc_conv2d_s8_simd", lowered(pointwise(8, 4, 1e-7f, 0, FusedActivation.NONE)).kernel().function());
        // 0.5 x 3e-7 = 1.5e-7 = 0.63 x 2^-22: a shift of -22, the last mc_rqo takes
        assertEquals("mc_conv2d_1x1_s8_simd", lowered(pointwise(8, 4, 3e-7f, 0, FusedActivation.NONE)).kernel().function());
    }

    /**
     * An int8 fully connected layer, [2, inDepth] to [2, outDepth] (LiteRT's single rounding: the .tflite
     * lowering): input scale 0.5, zero point 3, weight scale {@code weightScale}, output scale 1, zero point
     * {@code outZero}, fused {@code act}.
     */
    private static Graph dense(int inDepth, int outDepth, float weightScale, int outZero, FusedActivation act) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("x", Tensor.value("x", new TensorType(DType.INT8, Shape.of(2, inDepth), q(0.5f, 3))));
        byte[] w = new byte[outDepth * inDepth];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (i % 5 - 2);
        }
        t.put("w", new Tensor("w", new TensorType(DType.INT8, Shape.of(outDepth, inDepth), q(weightScale, 0)),
                new ConstData(DType.INT8, w), "w"));
        t.put("b", new Tensor("b", new TensorType(DType.INT32, Shape.of(outDepth), q(0.5f * weightScale, 0)),
                new ConstData(DType.INT32, new byte[4 * outDepth]), "b"));
        t.put("y", Tensor.value("y", new TensorType(DType.INT8, Shape.of(2, outDepth), q(1f, outZero))));
        Node n = new Node("fc", "FULLY_CONNECTED", List.of("x", "w", "b"), List.of("y"), new FullyConnected(act, false),
                "net/fc", List.of());
        return new Graph("g", t, List.of(n), List.of("x"), List.of("y"));
    }

    @Test
    void theDenseKernelTakesItsCompactStructWhereItsEpilogueAppliesAndTheReferenceElsewhere() {
        KernelCall call = lowered(dense(640, 128, 0.01f, -128, FusedActivation.RELU));
        assertEquals("mc_fully_connected_s8_simd", call.kernel().function());
        assertEquals("mc_qfc_simd_params", call.kernel().paramsType());
        assertEquals(List.of("batches", "in_depth", "out_depth", "out_offset", "per_channel", "double_rounding", "out_mult",
                "out_shift"), call.struct().fields().stream().map(ParamsStruct.Field::name).toList());
        assertEquals(2L, call.struct().integer("batches"));
        assertEquals(0L, call.struct().integer("double_rounding"), "LiteRT's FULLY_CONNECTED rounds once");
        // ReLU with output zero point 0: act_min 0, a clamp inside int8
        assertEquals("mc_fully_connected_s8", lowered(dense(64, 8, 0.01f, 0, FusedActivation.RELU)).kernel().function());
        // 0.5 x 4 = 2: a left shift, which the one-SMLAL epilogue does not take
        assertEquals("mc_fully_connected_s8", lowered(dense(64, 8, 4f, 0, FusedActivation.NONE)).kernel().function());
        // 0.5 x 1e-7: a right shift of 24, beyond 22
        assertEquals("mc_fully_connected_s8", lowered(dense(64, 8, 1e-7f, 0, FusedActivation.NONE)).kernel().function());
        // 65,536 inputs do not fit in_depth's uint16_t: the reference kernel, untruncated
        KernelCall wide = lowered(dense(65536, 2, 0.01f, 0, FusedActivation.NONE));
        assertEquals("mc_fully_connected_s8", wide.kernel().function());
        assertEquals(65536L, wide.struct().integer("in_depth"));
    }

    @Test
    void theOpsListingSaysTheValuesMustFitTheStruct() {
        KernelRegistry.Entry e = M4.kernels().entries().stream().filter(x -> x.kernel().function().equals("mc_conv2d_1x1_s8_simd"))
                .findFirst().orElseThrow();
        assertTrue(e.shapes().endsWith(", every value within mc_qpointwise_params"), e.shapes());
    }

    // --- the Java declarations mirror the C typedefs

    /** Member names and C types of {@code typedef struct { ... } name;} in runtime header {@code header}. */
    private static List<String> typedef(String header, String name) throws java.io.IOException {
        String path = "/microcodegen/runtime/c/" + header;
        try (var in = ParamsLayoutTest.class.getResourceAsStream(path)) {
            assertNotNull(in, path);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("/\\*.*?\\*/", "");
            Matcher m = Pattern.compile("typedef struct \\{([^}]*)\\}\\s*" + name + ";", Pattern.DOTALL).matcher(text);
            assertTrue(m.find(), "no typedef " + name + " in " + header);
            List<String> members = new ArrayList<>();
            for (String decl : m.group(1).split(";")) {
                Matcher d = Pattern.compile("^\\s*(const\\s+)?(\\w+)\\s*(\\*)?\\s*(.*)$", Pattern.DOTALL).matcher(decl.strip());
                if (!decl.isBlank() && d.find()) {
                    for (String field : d.group(4).split(",")) {
                        members.add(field.strip().replace("*", "") + " " + (d.group(3) != null || field.contains("*") ? "pointer" : d.group(2)));
                    }
                }
            }
            return members;
        }
    }

    @Test
    void eachCompactStructMirrorsItsTypedefInTheKernelsHeader() throws java.io.IOException {
        int checked = 0;
        for (String target : List.of("cortex-m4", "host")) {
            for (KernelRegistry.Entry e : CKernels.registry(target).entries()) {
                ParamsLayout layout = e.kernel().narrowing();
                if (layout != null) {
                    List<String> java = layout.members().stream().map(m -> m.name() + " " + m.cType()).toList();
                    assertEquals(typedef(e.kernel().module() + ".h", layout.cType()), java, e.kernel().function() + "'s " + layout.cType());
                    checked++;
                }
            }
        }
        assertTrue(checked >= 6, "the pointwise, 3x3 depthwise and dense kernels' structs, on both targets");
    }

    @Test
    void aValueKeptAsTheOpGivesItIsCopied() {
        ParamsStruct narrow = ParamsLayout.of("t").asIs("rounding", "mc_rounding").integer("out_c", FieldType.UINT16)
                .narrow(conv(1, 1, 1, 8, 2, 0));
        assertEquals(Rounding.DOUBLE, narrow.value("rounding"));
        assertEquals(List.of("rounding", "out_c"), narrow.fields().stream().map(ParamsStruct.Field::name).toList());
    }
}
