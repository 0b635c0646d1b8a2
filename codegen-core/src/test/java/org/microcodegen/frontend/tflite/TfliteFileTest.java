package org.microcodegen.frontend.tflite;

import org.junit.jupiter.api.Test;
import org.microcodegen.frontend.flatbuffers.FbsSchema;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared third-party TFLite models read, with spot checks against what their authors document. */
class TfliteFileTest {
    @Test
    void everySharedModelReads() {
        List<Path> models = SharedTfliteModels.all();
        assertTrue(models.size() >= 40, "expected the shared TFLite models (incl. seanet), found " + models.size());
        for (Path p : models) {
            TfliteModel m = TfliteFile.read(p);
            assertFalse(m.operators().isEmpty(), p + " has no operators");
            assertFalse(m.inputs().isEmpty(), p + " has no inputs");
            assertEquals(1, m.subgraphCount(), p.toString());
        }
    }

    @Test
    void personDetect() {
        TfliteModel m = TfliteFile.read(SharedTfliteModels.model("person_detect/person_detect.tflite"));
        TfliteTensor input = m.tensor(m.inputs().get(0));
        assertEquals(Shape.of(1, 96, 96, 1), input.shape());
        assertEquals(DType.INT8, input.dtype());
        assertEquals(List.of(-1L), input.quantization().zeroPoints());
        TfliteTensor output = m.tensor(m.outputs().get(0));
        assertEquals(Shape.of(1, 2), output.shape());
        assertEquals(List.of(0.00390625f), output.quantization().scales());
        assertEquals(List.of(-128L), output.quantization().zeroPoints());
        Map<String, Long> counts = opCounts(m);
        // MobileNetV1: the first 3x3 convolution of a 1-channel image is a depthwise one (multiplier 8).
        assertEquals(Map.of("DEPTHWISE_CONV_2D", 14L, "CONV_2D", 14L, "AVERAGE_POOL_2D", 1L, "RESHAPE", 1L,
                "SOFTMAX", 1L), counts);
        TfliteOperator first = m.operators().get(0);
        assertEquals(new TfliteOptions.DepthwiseConv2D(TfliteOptions.Padding.SAME, 2, 2, 8,
                TfliteOptions.Activation.RELU6, 1, 1), first.options());
        // Per-channel weights, and the 1-D bias beside them whose quantized_dimension the file gives as 3.
        TfliteTensor weights = m.tensor(first.inputs().get(1));
        assertEquals(Shape.of(1, 3, 3, 8), weights.shape());
        assertEquals(8, weights.quantization().scales().size());
        assertEquals(3, weights.quantization().quantizedDimension());
        TfliteTensor bias = m.tensor(first.inputs().get(2));
        assertEquals(DType.INT32, bias.dtype());
        assertEquals(8, bias.quantization().scales().size());
        assertEquals(0, bias.quantization().quantizedDimension());
        assertEquals(32, m.constantData(bias).length());
        assertEquals(72, m.constantData(weights).length());
        assertNull(m.constantData(input));
        assertEquals(new TfliteOptions.Pool2D(TfliteOptions.Padding.VALID, 2, 2, 3, 3, TfliteOptions.Activation.NONE),
                m.operators().get(27).options());
        assertEquals(new TfliteOptions.Softmax(1.0f), m.operators().get(30).options());
    }

    @Test
    void helloWorldInt8() {
        TfliteModel m = TfliteFile.read(SharedTfliteModels.model("hello_world/hello_world_int8.tflite"));
        assertEquals(List.of("FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED"),
                m.operators().stream().map(TfliteOperator::name).toList());
        // The converter marks the batch dynamic (shape_signature [-1, 1]); shape holds 1.
        assertEquals(Shape.of(1, 1), m.tensor(m.inputs().get(0)).shape());
        assertEquals(new TfliteOptions.FullyConnected(TfliteOptions.Activation.RELU, 0, false, false),
                m.operators().get(0).options());
        assertEquals(TfliteOptions.Activation.NONE,
                ((TfliteOptions.FullyConnected) m.operators().get(2).options()).activation());
        TfliteTensor w = m.tensor(m.operators().get(0).inputs().get(1));
        assertEquals(Shape.of(16, 1), w.shape());
        assertEquals(16, m.constantData(w).bytes().length);
    }

    @Test
    void seanetOps() {
        TfliteModel pad = TfliteFile.read(firstIn("seanet/pad"));
        assertEquals("PAD", pad.operators().get(0).name());
        assertEquals(new TfliteOptions.None(), pad.operators().get(0).options());
        TfliteModel slice = TfliteFile.read(firstIn("seanet/strided_slice"));
        assertTrue(slice.operators().get(0).options() instanceof TfliteOptions.StridedSlice, slice.operators().toString());
        TfliteModel leaky = TfliteFile.read(firstIn("seanet/leaky_relu"));
        TfliteOptions.LeakyRelu l = (TfliteOptions.LeakyRelu) leaky.operators().get(0).options();
        assertTrue(l.alpha() > 0 && l.alpha() < 1, "alpha " + l.alpha());
        TfliteModel tconv = TfliteFile.read(firstIn("seanet/transpose_conv"));
        assertTrue(tconv.operators().get(0).options() instanceof TfliteOptions.TransposeConv);
        TfliteModel add = TfliteFile.read(firstIn("seanet/add"));
        assertEquals(DType.INT16, add.tensor(add.inputs().get(0)).dtype());
    }

    @Test
    void microSpeechAndKws() {
        TfliteModel m = TfliteFile.read(SharedTfliteModels.model("micro_speech/micro_speech_quantized.tflite"));
        assertEquals(List.of("RESHAPE", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"),
                m.operators().stream().map(TfliteOperator::name).toList());
        TfliteModel kws = TfliteFile.read(SharedTfliteModels.model("mlperf_tiny/kws_ref_model.tflite"));
        assertEquals(Shape.of(1, 49, 10, 1), kws.tensor(kws.inputs().get(0)).shape());
    }

    /** Every field our schema declares sits at the id, and has the type, that TFLite's own schema gives it. */
    @Test
    void ourSchemaAgreesWithTflitesFieldOrder() throws Exception {
        Path upstreamFile = SharedTfliteModels.sharedDir().resolve("formats/tflite_schema.fbs");
        SharedTfliteModels.dir();
        FbsSchema upstream = FbsSchema.parse(Files.readString(upstreamFile));
        FbsSchema ours = TfliteSchema.SCHEMA;
        assertEquals(upstream.fileIdentifier(), ours.fileIdentifier());
        int checked = 0;
        for (FbsSchema.TableDef table : ours.tables().values()) {
            FbsSchema.TableDef theirs = upstream.table(table.name());
            for (FbsSchema.Field f : table.fields().values()) {
                FbsSchema.Field t = theirs.field(f.name());
                assertEquals(t.id(), f.id(), table.name() + "." + f.name());
                assertEquals(t.kind(), f.kind(), table.name() + "." + f.name());
                assertEquals(t.scalar(), f.scalar(), table.name() + "." + f.name());
                assertEquals(t.typeName(), f.typeName(), table.name() + "." + f.name());
                assertEquals(t.defaultText(), f.defaultText(), table.name() + "." + f.name());
                checked++;
            }
        }
        assertTrue(checked > 80, "checked " + checked + " fields");
        assertEquals(upstream.enumDef("BuiltinOperator").values(), ours.enumDef("BuiltinOperator").values());
        assertEquals(upstream.enumDef("TensorType").values(), ours.enumDef("TensorType").values());
        assertEquals(upstream.union("BuiltinOptions").members(), ours.union("BuiltinOptions").members());
        assertNotNull(TfliteSchema.builtinName(126));
        assertEquals("BATCH_MATMUL", TfliteSchema.builtinName(126));
    }

    private static Path firstIn(String folder) {
        return SharedTfliteModels.all().stream().filter(p -> p.startsWith(SharedTfliteModels.dir().resolve(folder)))
                .findFirst().orElseThrow(() -> new AssertionError("no model in " + folder));
    }

    private static Map<String, Long> opCounts(TfliteModel m) {
        return m.operators().stream().collect(java.util.stream.Collectors.groupingBy(TfliteOperator::name,
                java.util.stream.Collectors.counting()));
    }
}
