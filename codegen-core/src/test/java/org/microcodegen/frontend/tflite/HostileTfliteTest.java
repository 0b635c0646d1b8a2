package org.microcodegen.frontend.tflite;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.CompileException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile TFLite files, built here with {@link TinyFlatBuffer} or cut from a shared model: each must be
 * refused with one CompileException whose message is one line and says what is wrong.
 */
class HostileTfliteTest {
    /** The knobs of a tiny FULLY_CONNECTED model: input [1,4] x weights [2,4] (constant) -> [1,2]. */
    static final class Knobs {
        String identifier = "TFL3";
        long version = 3;
        int[] weightShape = {2, 4};
        int[] weightSignature = null;
        int weightType = 0;
        int weightBytes = 32;
        long bufferOffset = 0;
        long bufferSize = 0;
        long tensorCount = 3;
        int[] opInputs = {0, 1, -1};
        int deprecatedCode = 9;
        int builtinCode = 9;
        int optionsType = 8;
        int activation = 0;
        boolean selfReferencingShape = false;
        boolean vtableAtItself = false;
        boolean quantizationDetails = false;
        boolean quantizedInput = false;   // affine quantization on the input, scale inputScale, zero point 0
        float inputScale = 0.5f;
    }

    static byte[] model(Consumer<Knobs> change) {
        Knobs k = new Knobs();
        change.accept(k);
        TinyFlatBuffer fb = new TinyFlatBuffer(k.identifier);
        int[] model = fb.table(4, 4, 4, 0, 4);
        fb.root(model[5]);
        fb.int32(model[0], k.version);
        int codes = fb.offsets(1);
        fb.ref(model[1], codes);
        int subgraphs = fb.offsets(1);
        fb.ref(model[2], subgraphs);
        int buffers = fb.offsets(2);
        fb.ref(model[4], buffers);

        int[] code = fb.table(1, 0, 4, 4);
        fb.ref(codes + 4, code[4]);
        fb.int8(code[0], k.deprecatedCode);
        fb.int32(code[2], 1);
        fb.int32(code[3], k.builtinCode);

        int[] sub = fb.table(4, 4, 4, 4);
        fb.ref(subgraphs + 4, sub[4]);
        int tensors = fb.offsets(3);
        fb.int32(tensors, k.tensorCount);
        fb.ref(sub[0], tensors);
        fb.ref(sub[1], fb.ints(0));
        fb.ref(sub[2], fb.ints(2));
        int ops = fb.offsets(1);
        fb.ref(sub[3], ops);

        int[][] shapes = {{1, 4}, k.weightShape, {1, 2}};
        for (int i = 0; i < 3; i++) {
            int[] t = fb.table(4, 1, 4, 4, (k.quantizationDetails || k.quantizedInput) && i == 0 ? 4 : 0, 0, 0, i == 1 && k.weightSignature != null ? 4 : 0);
            fb.ref(tensors + 4 + 4 * i, t[8]);
            if (i == 1 && k.selfReferencingShape) {
                fb.int32(t[0], 0);
            } else {
                fb.ref(t[0], fb.ints(shapes[i]));
            }
            fb.int8(t[1], i == 1 ? k.weightType : 0);
            fb.int32(t[2], i == 1 ? 1 : 0);
            fb.ref(t[3], fb.string("t" + i));
            if (i == 1 && k.weightSignature != null) {
                fb.ref(t[7], fb.ints(k.weightSignature));
            }
            if (k.quantizedInput && !k.quantizationDetails && i == 0) {
                int[] q = fb.table(0, 0, 4, 4);
                fb.ref(t[4], q[4]);
                fb.ref(q[2], fb.floats(k.inputScale));
                fb.ref(q[3], fb.longs(0));
            }
            if (k.quantizationDetails && i == 0) {
                int[] q = fb.table(0, 0, 4, 4, 1, 4);
                fb.ref(t[4], q[6]);
                fb.ref(q[2], fb.floats(k.inputScale));
                fb.ref(q[3], fb.longs(0));
                fb.int8(q[4], 1);
                int[] custom = fb.table();
                fb.ref(q[5], custom[0]);
            }
        }

        int[] op = fb.table(4, 4, 4, 1, 4);
        fb.ref(ops + 4, op[5]);
        fb.int32(op[0], 0);
        fb.ref(op[1], fb.ints(k.opInputs));
        fb.ref(op[2], fb.ints(2));
        fb.int8(op[3], k.optionsType);
        int[] options = fb.table(1);
        fb.ref(op[4], options[1]);
        fb.int8(options[0], k.activation);

        int[] empty = fb.table();
        fb.ref(buffers + 4, empty[0]);
        int[] weights = fb.table(4, 8, 8);
        fb.ref(buffers + 8, weights[3]);
        fb.ref(weights[0], fb.bytes(k.weightBytes));
        fb.int64(weights[1], k.bufferOffset);
        fb.int64(weights[2], k.bufferSize);
        if (k.vtableAtItself) {
            fb.int32(weights[3], 0);
        }
        return fb.toBytes();
    }

    /** Reads {@code bytes}, which must fail with one clean one-line CompileException; returns its message. */
    static String refusal(byte[] bytes) {
        try {
            TfliteFile.read(bytes, "hostile.tflite");
        } catch (CompileException e) {
            String m = e.getMessage();
            assertFalse(m.contains("\n") || m.contains("\r"), "message of more than one line: " + m);
            assertTrue(m.startsWith("hostile.tflite: "), "message does not name the file: " + m);
            return m;
        } catch (Throwable t) {
            throw new AssertionError("not a clean CompileException", t);
        }
        return fail("the hostile file was accepted");
    }

    static void assertRefused(String expected, Consumer<Knobs> change) {
        String m = refusal(model(change));
        assertTrue(m.contains(expected), "expected '" + expected + "' in: " + m);
    }

    @Test
    void theTinyModelIsValid() {
        TfliteModel m = TfliteFile.read(model(k -> { }), "tiny.tflite");
        assertEquals(3, m.tensors().size());
        assertEquals("FULLY_CONNECTED", m.operators().get(0).name());
        assertEquals(java.util.List.of(0, 1, -1), m.operators().get(0).inputs());
        assertEquals(32, m.constantData(m.tensor(1)).length());
        assertEquals(TfliteOptions.Activation.NONE, ((TfliteOptions.FullyConnected) m.operators().get(0).options()).activation());
    }

    @Test
    void quantizationScalesThatAreNoNumbers() {
        for (float scale : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0.5f}) {
            byte[] bytes = model(k -> {
                k.quantizedInput = true;
                k.inputScale = scale;
            });
            TfliteModel m = TfliteFile.read(bytes, "hostile.tflite");
            try {
                TfliteFrontend.toGraph(m, "hostile.tflite");
                fail("scale " + scale + " was accepted");
            } catch (CompileException e) {
                assertTrue(e.getMessage().startsWith("hostile.tflite: tensor ") && e.getMessage().contains("quantization scale " + scale),
                        e.getMessage());
            }
        }
    }

    @Test
    void wrongIdentifierAndVersion() {
        assertRefused("not a TFLite file (file identifier 'MSL2', expected 'TFL3')", k -> k.identifier = "MSL2");
        assertRefused("schema version 2, expected 3", k -> k.version = 2);
        assertTrue(refusal(new byte[0]).contains("too short"));
        assertTrue(refusal("not a model at all, just text".getBytes()).contains("not a TFLite file"));
    }

    @Test
    void offsetsPastTheEndAndNegativeSizes() {
        byte[] root = model(k -> { });
        ByteBuffer.wrap(root).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x7fffffff);
        assertTrue(refusal(root).contains("lies outside the file"), refusal(root));
        ByteBuffer.wrap(root).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -4);
        assertTrue(refusal(root).contains("lies outside the file"), refusal(root));
        assertRefused("tensors vector of 4294967295 elements", k -> k.tensorCount = 0xffffffffL);
        assertRefused("tensors vector of 2147483648 elements", k -> k.tensorCount = 0x80000000L);
    }

    @Test
    void hugeAndNegativeDims() {
        assertRefused("more than 536870912 elements", k -> k.weightShape = new int[] {1 << 20, 1 << 20});
        assertRefused("absurd dimension", k -> k.weightShape = new int[] {Integer.MAX_VALUE, 1});
        assertRefused("dynamic or negative dimension -5", k -> k.weightShape = new int[] {-5, 4});
        assertRefused("dynamic shape [2, -1]", k -> k.weightSignature = new int[] {2, -1});
    }

    @Test
    void buffersThatLie() {
        assertRefused("needs 32 bytes, but its buffer 1 holds 31", k -> k.weightBytes = 31);
        assertRefused("buffer 1 data (2147483648 bytes at 64)", k -> {
            k.weightBytes = 0;
            k.bufferOffset = 64;
            k.bufferSize = 1L << 31;
        });
        assertRefused("lies outside the file", k -> {
            k.weightBytes = 0;
            k.bufferOffset = -8;
            k.bufferSize = 32;
        });
        assertRefused("has both inline data and an offset", k -> {
            k.bufferOffset = 64;
            k.bufferSize = 32;
        });
    }

    @Test
    void largeModelBufferFormReadsTheBytesAfterTheFlatBuffer() {
        byte[] base = model(k -> {
            k.weightBytes = 0;
            k.bufferOffset = 2; // placeholder, patched below once the length is known
            k.bufferSize = 32;
        });
        byte[] withData = Arrays.copyOf(base, base.length + 32);
        for (int i = 0; i < 32; i++) {
            withData[base.length + i] = (byte) i;
        }
        byte[] patched = model(k -> {
            k.weightBytes = 0;
            k.bufferOffset = base.length;
            k.bufferSize = 32;
        });
        System.arraycopy(patched, 0, withData, 0, base.length);
        TfliteModel m = TfliteFile.read(withData, "large.tflite");
        byte[] data = m.constantData(m.tensor(1)).bytes();
        assertEquals(31, data[31]);
        assertEquals(base.length, m.buffers().get(1).fileOffset());
    }

    @Test
    void indicesOutOfRange() {
        assertRefused("inputs refer to tensor 7, but the subgraph has 3", k -> k.opInputs = new int[] {0, 7, -1});
        assertRefused("inputs refer to tensor -2", k -> k.opInputs = new int[] {0, -2});
        assertRefused("builtin code 250, which TFLite's schema does not define", k -> {
            k.deprecatedCode = 127;
            k.builtinCode = 250;
        });
        assertRefused("union type 200, which BuiltinOptions does not define", k -> k.optionsType = 200);
        assertRefused("builtin options of type Pool2DOptions, expected FullyConnectedOptions", k -> k.optionsType = 5);
        assertRefused("unknown fused_activation_function 9", k -> k.activation = 9);
        assertRefused("has type STRING, which is not supported", k -> k.weightType = 5);
        assertRefused("has type 99, which TFLite does not define", k -> k.weightType = 99);
        assertRefused("CustomQuantization quantization; only affine", k -> k.quantizationDetails = true);
        assertRefused("operator 0 (WHILE) runs other subgraphs", k -> {
            k.deprecatedCode = 119;
            k.builtinCode = 119;
        });
    }

    @Test
    void theDeprecatedAndTheNewBuiltinCodeCombineByMaximum() {
        TfliteModel m = TfliteFile.read(model(k -> {
            k.deprecatedCode = 9;
            k.builtinCode = 0;
        }), "old.tflite");
        assertEquals("FULLY_CONNECTED", m.operators().get(0).name());
    }

    @Test
    void selfReferencingOffsets() {
        assertRefused("is an offset of 0 (points at itself)", k -> k.selfReferencingShape = true);
        assertRefused("has a vtable of 0 bytes", k -> k.vtableAtItself = true);
    }

    /** Many tensors all pointing at one tensor with a long shape: refused by the work cap, not a hang. */
    @Test
    void sharedOffsetsCannotAmplifyWork() {
        TinyFlatBuffer fb = new TinyFlatBuffer("TFL3");
        int[] model = fb.table(4, 0, 4);
        fb.root(model[3]);
        fb.int32(model[0], 3);
        int subgraphs = fb.offsets(1);
        fb.ref(model[2], subgraphs);
        int[] sub = fb.table(4);
        fb.ref(subgraphs + 4, sub[1]);
        int count = 60_000;
        int tensors = fb.offsets(count);
        fb.ref(sub[0], tensors);
        int[] t = fb.table(4);
        int[] ones = new int[20_000];
        Arrays.fill(ones, 1);
        fb.ref(t[0], fb.ints(ones));
        for (int i = 0; i < count; i++) {
            fb.ref(tensors + 4 + 4 * i, t[1]);
        }
        long start = System.nanoTime();
        String m = refusal(fb.toBytes());
        assertTrue(m.contains("read far more data than it holds"), m);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "took too long");
    }

    @Test
    void helloWorldTruncatedAtEveryLength() {
        byte[] full = SharedTfliteModels.bytes(SharedTfliteModels.model("hello_world/hello_world_int8.tflite"));
        TfliteFile.read(full, "hostile.tflite");
        for (int n = 0; n < full.length; n++) {
            refusal(Arrays.copyOf(full, n));
        }
    }
}
