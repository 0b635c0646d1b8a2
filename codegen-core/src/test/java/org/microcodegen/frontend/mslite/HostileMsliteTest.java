package org.microcodegen.frontend.mslite;

import org.junit.jupiter.api.Test;
import org.microcodegen.frontend.flatbuffers.FlatBuffer;
import org.microcodegen.frontend.flatbuffers.Table;
import org.microcodegen.ir.CompileException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile .ms files, made by patching parallel.ms where its structure lies (positions found with the
 * FlatBuffers layer): each must be refused with one line naming the file, never another exception.
 */
class HostileMsliteTest {
    private static final String NAME = "hostile.ms";

    /** Reads and translates {@code bytes}, which must fail with one clean one-line CompileException. */
    static String refusal(byte[] bytes) {
        try {
            MsliteFrontend.toGraph(MsliteFile.read(bytes, NAME));
        } catch (CompileException e) {
            String m = e.getMessage();
            assertFalse(m.contains("\n") || m.contains("\r"), "message of more than one line: " + m);
            assertTrue(m.startsWith(NAME + ": "), "message does not name the file: " + m);
            return m;
        } catch (Throwable t) {
            throw new AssertionError("not a clean CompileException", t);
        }
        return fail("the hostile file was accepted");
    }

    private static byte[] parallel(Consumer<ByteBuffer> patch) {
        byte[] b = SharedMsModels.bytes(SharedMsModels.PARALLEL);
        patch.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
        return b;
    }

    private static Table root(byte[] b) {
        return FlatBuffer.of(b, MsliteSchema.SCHEMA, NAME, "MindSpore Lite").root();
    }

    /** Absolute position of field slot {@code slot}'s value in table {@code t} (the vtable is read raw). */
    private static int fieldAt(ByteBuffer b, Table t, int slot) {
        int pos = (int) t.position();
        int vtable = pos - b.getInt(pos);
        return pos + b.getShort(vtable + 4 + 2 * slot);
    }

    private static void assertRefused(String expected, Consumer<ByteBuffer> patch) {
        String m = refusal(parallel(patch));
        assertTrue(m.contains(expected), "expected '" + expected + "' in: " + m);
    }

    @Test
    void theUnpatchedModelIsAccepted() {
        MsliteFrontend.toGraph(MsliteFile.read(parallel(b -> { }), NAME));
    }

    @Test
    void wrongIdentifierAndTooShort() {
        assertRefused("not a MindSpore Lite file (file identifier 'TFL3', expected 'MSL2')",
                b -> b.put(4, "TFL3".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(NAME + ": corrupt MindSpore Lite file: only 7 bytes, too short for a MindSpore Lite file (at byte 0)",
                refusal(Arrays.copyOf(SharedMsModels.bytes(SharedMsModels.PARALLEL), 7)));
    }

    @Test
    void offsetsPastTheEnd() {
        assertRefused("lies outside the file", b -> b.putInt(0, b.capacity() + 16));
        assertRefused("lies outside the file", b -> b.putInt(0, 0x7fffffff));
        // the tensor vector's element count says 2^30 tensors
        assertRefused("lies outside the file", b -> {
            byte[] copy = b.array().clone();
            Table root = root(copy);
            int at = fieldAt(b, root, 7);
            b.putInt(at + b.getInt(at), 0x40000000);
        });
    }

    @Test
    void dataOfTheWrongSize() {
        assertRefused("needs 16 bytes, but holds 12", b -> {
            Table weight = root(b.array().clone()).tables("allTensors").get(1);
            long[] data = weight.byteRange("data");
            b.putInt((int) data[0] - 4, 12);
        });
    }

    @Test
    void indicesOutOfRange() {
        assertRefused("node 0 'Conv2D-1' (Conv2DFusion) inputs refer to tensor 999, but the model has 25", b -> {
            Table node = root(b.array().clone()).tables("nodes").get(0);
            int at = fieldAt(b, node, 3);
            int vector = at + b.getInt(at);
            b.putInt(vector + 8, 999);
        });
    }

    @Test
    void unknownAndUnsupportedPrimitives() {
        // a union type PrimitiveType does not define
        assertRefused("has union type 250, which PrimitiveType does not define", b -> patchPrimitive(b, 250));
        // a primitive that exists but is not compiled: Conv2DFusion's attributes read as Abs (union member 1)
        assertRefused("node 0 'Conv2D-1' (Abs): unsupported op Abs", b -> patchPrimitive(b, 1));
    }

    private static void patchPrimitive(ByteBuffer b, int type) {
        Table primitive = root(b.array().clone()).tables("nodes").get(0).table("primitive");
        b.put(fieldAt(b, primitive, 0), (byte) type);
    }

    @Test
    void unknownDataTypeAndCompressedWeights() {
        assertRefused("tensor 1 'op2/Conv2D' has data type 12, which is not a MindSpore number type", b -> {
            Table weight = root(b.array().clone()).tables("allTensors").get(1);
            b.putInt(fieldAt(b, weight, 1), 12);
        });
    }

    @Test
    void parallelTruncatedAtEveryLength() {
        byte[] full = SharedMsModels.bytes(SharedMsModels.PARALLEL);
        // The file ends with the version string, its NUL and 3 bytes of alignment padding: cutting only
        // the padding loses nothing, so those lengths read; every shorter one is refused.
        int padding = 3;
        for (int i = 1; i <= padding; i++) {
            assertEquals(0, full[full.length - i]);
        }
        assertEquals(0, full[full.length - padding - 1], "the version string's NUL");
        for (int n = 0; n < full.length - padding; n++) {
            refusal(Arrays.copyOf(full, n));
        }
        for (int n = full.length - padding; n < full.length; n++) {
            MsliteFrontend.toGraph(MsliteFile.read(Arrays.copyOf(full, n), NAME));
        }
    }
}
