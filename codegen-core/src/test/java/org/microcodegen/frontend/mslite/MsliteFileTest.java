package org.microcodegen.frontend.mslite;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared third-party .ms models read, with spot checks of what the files hold (see ../shared/models/README.md). */
class MsliteFileTest {
    @Test
    void lenetInference() {
        MsliteModel m = MsliteFile.read(SharedMsModels.model(SharedMsModels.LENET));
        assertEquals("MindSpore Lite 1.5.0", m.version());
        assertEquals(27, m.tensors().size());
        MsliteModel.Tensor input = m.tensor(m.inputs().get(0));
        assertEquals(Shape.of(2, 32, 32, 1), input.shape());
        assertEquals(DType.FLOAT32, input.dtype());
        assertEquals(43, input.dataType());
        assertEquals("NHWC", input.format());
        assertFalse(input.isConstant());
        assertEquals(Shape.of(2, 10), m.tensor(m.outputs().get(0)).shape());
        assertEquals(Map.of("Conv2DFusion", 2, "Activation", 4, "MaxPoolFusion", 2, "Transpose", 1, "Reshape", 1,
                "MatMulFusion", 3), counts(m));
        MsliteModel.Node conv1 = m.nodes().get(0);
        assertEquals("Conv2DFusion", conv1.primitive());
        assertEquals(List.of(0, 1), conv1.inputs());
        MsliteModel.Attributes a = conv1.attributes();
        assertEquals("NHWC", a.enumName("format"));
        assertEquals(List.of(5L, 5L), a.longs("kernel_size"));
        assertEquals(List.of(1L, 1L), a.longs("stride"));
        assertEquals("VALID", a.enumName("pad_mode"));
        assertEquals(List.of(0L, 0L, 0L, 0L), a.longs("pad_list"));
        assertEquals(1, a.integer("group"));
        assertEquals(6, a.integer("out_channel"));
        assertEquals("NO_ACTIVATION", a.enumName("activation_type"));
        assertEquals("QUANT_WEIGHT", conv1.quantType());
        MsliteModel.Tensor w = m.tensor(1);
        assertEquals("conv1.weight", w.name());
        assertEquals(Shape.of(6, 5, 5, 1), w.shape());
        assertEquals(600, w.bytes().length);
        assertEquals("RELU", m.nodes().get(1).attributes().enumName("activation_type"));
        MsliteModel.Node fc3 = m.nodes().get(12);
        assertEquals("MatMulFusion", fc3.primitive());
        assertTrue(fc3.attributes().bool("transpose_b"));
        assertFalse(fc3.attributes().bool("transpose_a"));
        // the Reshape's target shape is an int32 constant [2, -1]
        MsliteModel.Tensor shape = m.tensor(m.nodes().get(7).inputs().get(1));
        assertEquals(DType.INT32, shape.dtype());
        assertEquals(List.of(2, -1), ints(shape));
        assertEquals(List.of(0, 3, 1, 2), ints(m.tensor(m.nodes().get(6).inputs().get(1))));
        assertEquals(1, m.subgraphs().size());
        assertEquals(13, m.subgraphs().get(0).nodes().size());
    }

    @Test
    void parallelHasSevenConvolutionsWithSamePadding() {
        MsliteModel m = MsliteFile.read(SharedMsModels.model(SharedMsModels.PARALLEL));
        assertEquals(Map.of("Conv2DFusion", 7, "ReduceFusion", 1, "AddFusion", 1, "Stack", 3), counts(m));
        assertEquals(List.of(24, 21, 17), m.outputs());
        for (MsliteModel.Node n : m.nodes()) {
            if (n.primitive().equals("Conv2DFusion")) {
                assertEquals("SAME", n.attributes().enumName("pad_mode"), n.describe());
                assertEquals("KHWC", m.tensor(n.inputs().get(1)).format(), n.describe());
            }
        }
        MsliteModel.Node conv7 = m.nodes().get(10);
        assertEquals(List.of(4L, 4L), conv7.attributes().longs("kernel_size"));
        assertEquals(List.of(1L, 2L, 1L, 2L), conv7.attributes().longs("pad_list"));
        assertEquals(Shape.of(1, 1, 2, 4, 2), m.tensor(24).shape());
        assertEquals("ReduceMean", m.nodes().get(2).attributes().enumName("mode"));
        assertTrue(m.nodes().get(2).attributes().bool("keep_dims"));
    }

    @Test
    void trainingModelReadsWithItsBackwardOps() {
        MsliteModel m = MsliteFile.read(SharedMsModels.model(SharedMsModels.TRAINING));
        Map<String, Integer> c = counts(m);
        assertEquals(2, c.get("ApplyMomentum"));
        assertEquals(1, c.get("Conv2DBackpropInputFusion"));
        assertEquals(1, c.get("FlattenGrad"));
        assertEquals(List.of(0, 8), m.inputs());
        // attributes are decoded only for primitives our schema describes
        MsliteModel.Node grad = m.nodes().stream().filter(n -> n.primitive().equals("FlattenGrad")).findFirst().orElseThrow();
        assertEquals(MsliteModel.Attributes.NONE, grad.attributes());
    }

    /** Every table of our schema lists the upstream table's fields, in order, with the same types (a prefix). */
    @Test
    void ourSchemaAgreesWithMindSporeLites() throws Exception {
        var formats = SharedMsModels.sharedDir().resolve("formats");
        SharedMsModels.model(SharedMsModels.LENET);
        String upstream = strip(Files.readString(formats.resolve("mslite_model.fbs")) + Files.readString(formats.resolve("mslite_ops.fbs")));
        String ours = strip(new String(MsliteFileTest.class.getResourceAsStream("/microcodegen/schema/mslite.fbs").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
        Map<String, List<String>> theirs = tables(upstream);
        Map<String, List<String>> mine = tables(ours);
        assertTrue(mine.size() >= 20, mine.keySet().toString());
        for (Map.Entry<String, List<String>> t : mine.entrySet()) {
            List<String> up = theirs.get(t.getKey());
            assertTrue(up != null, "upstream has no table " + t.getKey());
            assertTrue(t.getValue().size() <= up.size(), t.getKey());
            assertEquals(up.subList(0, t.getValue().size()), t.getValue(), t.getKey());
        }
        assertEquals(union(upstream), union(ours));
    }

    private static String strip(String fbs) {
        return fbs.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    /** table name -> "field:type" in order, defaults and attributes dropped. */
    private static Map<String, List<String>> tables(String fbs) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("table\\s+(\\w+)\\s*\\{([^}]*)}").matcher(fbs);
        while (m.find()) {
            List<String> fields = new ArrayList<>();
            for (String f : m.group(2).split(";")) {
                if (!f.isBlank()) {
                    String[] p = f.split(":", 2);
                    fields.add(p[0].trim() + ":" + p[1].replaceAll("=.*|\\(.*", "").trim());
                }
            }
            out.put(m.group(1), fields);
        }
        return out;
    }

    private static List<String> union(String fbs) {
        Matcher m = Pattern.compile("union\\s+PrimitiveType\\s*\\{([^}]*)}").matcher(fbs);
        assertTrue(m.find());
        return List.of(m.group(1).trim().split("\\s*,\\s*"));
    }

    static Map<String, Integer> counts(MsliteModel m) {
        Map<String, Integer> c = new TreeMap<>();
        for (MsliteModel.Node n : m.nodes()) {
            c.merge(n.primitive(), 1, Integer::sum);
        }
        return c;
    }

    private static List<Integer> ints(MsliteModel.Tensor t) {
        var b = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> out = new ArrayList<>();
        while (b.remaining() >= 4) {
            out.add(b.getInt());
        }
        return out;
    }
}
