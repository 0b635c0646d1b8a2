package org.microcodegen;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No stage assumes float32 (architecture.md): only the files listed here may name the float32 dtype or
 * read constants as floats. A new file that does fails this test; it must either handle every dtype or
 * check the dtype and step aside, and then be added here with the reason. An entry whose file no
 * longer mentions float32 fails too, so the list stays the exact set of places to review.
 */
class Float32AssumptionsTest {
    private static final Pattern FLOAT32 = Pattern.compile("\\bFLOAT32\\b|\\basFloats\\(|\\bofFloats\\(|TensorType\\.f32\\(");

    /** Source files (under org/microcodegen) allowed to mention float32, and why. */
    private static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("ir/DType.java", "declares the dtype"),
            Map.entry("ir/ConstData.java", "decodes constant bytes of every dtype, float32 among them"),
            Map.entry("ir/TensorType.java", "the f32 shorthand for tests and frontends"),
            Map.entry("frontend/mindir/MindIrValues.java", "maps MindIR's dtype codes and float attributes to the IR"),
            Map.entry("lower/CKernels.java", "the float32 kernels' registry entries"),
            Map.entry("lower/JavaKernels.java", "the float32 kernels' registry entries"),
            Map.entry("passes/FoldBatchNorm.java", "a float-only pass: it checks every operand's dtype and leaves others alone"),
            Map.entry("passes/QuantizeWeights.java", "weights-only quantization: float32 layers only (it checks input, weight and output dtypes), float32 scales"),
            Map.entry("ops/WeightsOnly.java", "shows its base op the float32 weight the layer stands for"),
            Map.entry("lower/WeightsOnlySignature.java", "weights-only kernels: float32 data, bias and scales beside integer weights"),
            Map.entry("emit/CEmitter.java", "float32 constants are printed as exact float literals, other dtypes as integers"),
            Map.entry("emit/WeightValues.java", "weights: float32 as exact float literals, other floats refused, integers as integers"),
            Map.entry("emit/JavaEmitter.java", "the dtype -> Java array type switch; float32 weights go to the float resource, integer weights to one resource per width"),
            Map.entry("frontend/tflite/TfliteFrontend.java", "a float ADD/SUB/MUL with a fused activation becomes two nodes (integer kernels clamp themselves)"),
            Map.entry("frontend/tflite/TfliteFile.java", "maps TFLite's dtype codes to the IR"),
            Map.entry("frontend/mslite/MsliteSchema.java", "maps MindSpore's TypeId numbers to the IR, one entry per dtype"),
            Map.entry("frontend/mslite/MsliteFrontend.java", "checks each node's output dtype and refuses all but float32 in one line"),
            Map.entry("target/RawTensor.java", "run's output decoding: one case per dtype (every dtype handled)"),
            Map.entry("frontend/onnx/OnnxTensors.java", "maps ONNX's dtype codes and its float_data field to the IR"),
            Map.entry("frontend/onnx/ConstantFolding.java", "Cast of constants converts between every integer and float dtype"),
            Map.entry("frontend/onnx/OnnxOps.java", "Constant's value_float(s); Clip and Pad check for float32 data and refuse others"),
            Map.entry("frontend/onnx/OnnxNodeContext.java", "scalar operands (bounds, alpha, beta) are float32 and refused for other data"),
            Map.entry("frontend/onnx/Qdq.java", "QDQ: DequantizeLinear yields float32 by definition; a non-float32 Q input or scale is refused"),
            Map.entry("passes/BlockForSize.java", "the blocked kernel is float-only: it checks every operand's dtype and leaves other layers alone"),
            Map.entry("passes/NhwcLayout.java", "runs before int8 quantization on float graphs only (QuantizeInt8 checks every activation is float32)"),
            Map.entry("passes/QuantizeInt8.java", "float32 -> int8 by definition; refuses a graph with non-float32 activations"),
            Map.entry("ptq/BiasCorrection.java", "corrects float32 biases of the float graph before quantization"),
            Map.entry("ptq/GraphInterpreter.java", "runs a graph at compile time: one buffer case per dtype"),
            Map.entry("ptq/QuantReport.java", "compares the quantized graph's outputs with the float32 graph's"));

    private static Path sources() {
        Path fromModule = Path.of("src/main/java/org/microcodegen");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("codegen-core").resolve(fromModule);
    }

    @Test
    void onlyTheListedFilesMentionFloat32() throws IOException {
        Path root = sources();
        assertTrue(Files.isDirectory(root), "sources not found at " + root.toAbsolutePath());
        TreeSet<String> mentioning = new TreeSet<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (FLOAT32.matcher(Files.readString(p)).find()) {
                    mentioning.add(root.relativize(p).toString().replace('\\', '/'));
                }
            }
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), mentioning,
                "files naming float32 (FLOAT32, asFloats, ofFloats, TensorType.f32) differ from the reviewed list: "
                        + "a new one must handle every dtype or check the dtype and skip; a stale entry must go");
    }
}
