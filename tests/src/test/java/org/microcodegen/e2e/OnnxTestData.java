package org.microcodegen.e2e;

import org.junit.jupiter.api.Assertions;
import org.microcodegen.frontend.onnx.proto.Onnx.GraphProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ModelProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorProto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ONNX test data as the ONNX authors wrote it: TensorProto files (input_N.pb, output_N.pb) read with
 * the compiler's own proto subset, which has the same field numbers as ONNX's. The references are
 * ONNX's (its backend tests' outputs, onnxruntime's for the model zoo), never ours.
 */
final class OnnxTestData {
    private OnnxTestData() {
    }

    static TensorProto tensor(Path pb) {
        try {
            return TensorProto.parseFrom(Files.readAllBytes(pb));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A float32 tensor's values, from raw_data or float_data. */
    static float[] floats(Path pb) {
        TensorProto t = tensor(pb);
        Assertions.assertEquals(1, t.getDataType(), pb + ": not a float32 tensor");
        if (t.hasRawData()) {
            float[] out = new float[t.getRawData().size() / 4];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    /** A tensor written as the raw little-endian file `micro-codegen run --input` takes, in its own dtype. */
    static Path rawInput(Path pb, Path out) {
        try {
            Files.write(out, rawBytes(pb));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static byte[] fileBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isFloat32(Path pb) {
        return tensor(pb).getDataType() == 1;
    }

    /** A float32, (u)int8 or (u)int16 tensor's little-endian bytes, from raw_data or the typed fields. */
    static byte[] rawBytes(Path pb) {
        TensorProto t = tensor(pb);
        if (t.hasRawData()) {
            return t.getRawData().toByteArray();
        }
        int type = t.getDataType();
        if (type == 1) {
            float[] v = floats(pb);
            ByteBuffer b = le(v.length * 4);
            for (float f : v) {
                b.putFloat(f);
            }
            return b.array();
        }
        // uint8 2, int8 3, uint16 4, int16 5: ONNX keeps them in int32_data
        Assertions.assertTrue(type >= 2 && type <= 5, pb + ": data type " + type + " is not read by the tests");
        int width = type <= 3 ? 1 : 2;
        ByteBuffer b = le(t.getInt32DataCount() * width);
        for (int i = 0; i < t.getInt32DataCount(); i++) {
            if (width == 1) {
                b.put((byte) t.getInt32Data(i));
            } else {
                b.putShort((short) t.getInt32Data(i));
            }
        }
        return b.array();
    }

    /** The files of one test data set, in order: input_0.pb, input_1.pb ... or output_0.pb ... */
    static List<Path> files(Path dataSet, String prefix) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(dataSet.resolve(prefix + i + ".pb")); i++) {
            out.add(dataSet.resolve(prefix + i + ".pb"));
        }
        return out;
    }

    /**
     * The model with graph inputs {@code positions} turned into initializers holding the test's values.
     * The compiler is ahead-of-time: operands that decide shapes or bounds (Reshape's shape, Clip's
     * bounds) must be constants, which ONNX's node tests feed as inputs; baking them in keeps the test's
     * own values.
     */
    static Path withConstantInputs(Path model, Path dataSet, Set<Integer> positions, Path out) {
        try {
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
            GraphProto.Builder g = m.getGraph().toBuilder().clearInput();
            for (int i = 0; i < m.getGraph().getInputCount(); i++) {
                String name = m.getGraph().getInput(i).getName();
                if (positions.contains(i)) {
                    g.addInitializer(tensor(dataSet.resolve("input_" + i + ".pb")).toBuilder().setName(name));
                } else {
                    g.addInput(m.getGraph().getInput(i));
                }
            }
            Files.write(out, m.toBuilder().setGraph(g).build().toByteArray());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
