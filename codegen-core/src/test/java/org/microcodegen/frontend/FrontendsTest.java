package org.microcodegen.frontend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.microcodegen.ir.CompileException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Detection by content on hand-built heads; the real files of each format are checked in tests/. */
class FrontendsTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A MindIR ModelProto's opening: ir_version "0.1.1", producer "MindSpore", then a graph longer than the file. */
    private static final byte[] MINDIR_HEAD = concat(bytes(0x0a, 5), ascii("0.1.1"), bytes(0x12, 9), ascii("MindSpore"),
            bytes(0x3a, 0xcf, 0xa0, 0x0f, 0x0a));
    /** An ONNX ModelProto's opening: ir_version 7, producer "backend-test", then a graph. */
    private static final byte[] ONNX_HEAD = concat(bytes(0x08, 7, 0x12, 12), ascii("backend-test"), bytes(0x3a, 0x69, 0x0a));

    private String error(Path p) {
        return assertThrows(CompileException.class, () -> Frontends.load(p)).getMessage();
    }

    @Test
    void detectsEachFormatByContentNotName() throws Exception {
        assertEquals(Optional.of("MindIR"), Frontends.detect(file("a.tflite", MINDIR_HEAD)));
        assertEquals(Optional.of("ONNX"), Frontends.detect(file("b.mindir", ONNX_HEAD)));
        byte[] tfl = concat(bytes(0x1c, 0, 0, 0), ascii("TFL3"), new byte[24]);
        assertEquals(Optional.of("TFLite"), Frontends.detect(file("c.mindir", tfl)));
        byte[] ms = concat(bytes(0x24, 0, 0, 0), ascii("MSL2"), new byte[24]);
        assertEquals(Optional.of("MindSpore Lite"), Frontends.detect(file("d.bin", ms)));
        assertEquals(Optional.of("MindIR"), Frontends.detect(file("e", bytes(0xd8, 0x5e, 0x3a, 0x7f, 1, 2, 3))),
                "encrypted MindIR goes to the MindIR reader, which explains it");
    }

    @Test
    void formatsNotReadYetAreNamedInOneLine() throws Exception {
        byte[] tfl = concat(bytes(0x1c, 0, 0, 0), ascii("TFL3"), new byte[24]);
        assertTrue(error(file("x.mindir", tfl)).startsWith(dir.resolve("x.mindir") + ": "),
                "a TFLite file goes to the TFLite reader, whatever its name");
        byte[] ms = concat(bytes(0x24, 0, 0, 0), ascii("MSL2"), new byte[24]);
        assertTrue(error(file("z.onnx", ms)).startsWith(dir.resolve("z.onnx") + ": corrupt MindSpore Lite file"),
                "a MindSpore Lite file goes to the .ms reader, whatever its name");
        assertTrue(error(file("y.mindir", ONNX_HEAD)).startsWith(dir.resolve("y.mindir") + ": not a valid ONNX file (truncated"),
                "an ONNX file goes to the ONNX reader, whatever its name");
    }

    @Test
    void garbageEmptyAndShortFilesAreNotModels() throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[0] = (byte) 0xff;
        assertTrue(error(file("junk.mindir", junk)).endsWith("junk.mindir: not a model this compiler reads (MindIR, TFLite, ONNX, MindSpore Lite)"));
        assertTrue(error(file("empty.mindir", new byte[0])).endsWith("empty.mindir: empty file, not a model this compiler reads (MindIR, TFLite, ONNX, MindSpore Lite)"));
        assertTrue(error(file("short.mindir", bytes(0x54, 0x46))).endsWith("short.mindir: not a model this compiler reads (MindIR, TFLite, ONNX, MindSpore Lite)"));
        assertTrue(error(file("text.mindir", ascii("hello, world\n"))).endsWith("not a model this compiler reads (MindIR, TFLite, ONNX, MindSpore Lite)"));
        assertTrue(error(dir).endsWith("a directory, not a model file"));
        assertTrue(error(dir.resolve("missing.mindir")).endsWith("missing.mindir: no such model file"));
    }

    @Test
    void aProtobufWithTheOtherFormatsWireTypesIsNeither() throws Exception {
        // Field 1 as a string but field 5 as a varint: MindIR's model_version is a string, and ONNX's field 1 is a varint.
        byte[] mixed = concat(bytes(0x0a, 3), ascii("1.0"), bytes(0x28, 1));
        assertEquals(Optional.empty(), Frontends.detect(file("mixed", mixed)));
        // A MindIR-like opening whose ir_version is not a version string.
        byte[] binaryVersion = concat(bytes(0x0a, 3, 0, 1, 2), bytes(0x12, 1), ascii("M"));
        assertEquals(Optional.empty(), Frontends.detect(file("binver", binaryVersion)));
    }

    @Test
    void randomBytesAreAlmostNeverTakenForAModel() throws Exception {
        Random r = new Random(20240501L);
        int claimed = 0;
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[64 + r.nextInt(512)];
            r.nextBytes(junk);
            if (Frontends.detect(file("r", junk)).isPresent()) {
                claimed++;
            }
        }
        // Random data opens with 0x0a (MindIR) or 0x08 (ONNX) in 2 of 256 cases, and the fields after
        // that must still fit the schema (measured: 3 in 20,000 get past detection).
        assertTrue(claimed <= 1, claimed + " of 500 random files were taken for a model");
    }

    @Test
    void protobufScanStopsAtTheHeadWithoutFailing() {
        ProtobufFields.Scan s = ProtobufFields.scan(MINDIR_HEAD);
        assertFalse(s.malformed());
        assertEquals(3, s.fields().size());
        assertEquals(7, s.fields().get(2).number());
        assertEquals(null, s.fields().get(2).body(), "the graph runs past the head");
        assertTrue(ProtobufFields.scan(bytes(0x0b)).malformed(), "wire type 3 (group) is not used by these formats");
        assertTrue(ProtobufFields.scan(bytes(0x00)).malformed(), "field number 0 does not exist");
        assertFalse(ProtobufFields.scan(bytes(0x08, 0x80)).malformed(), "a varint cut by the head end is not an error");
    }
}
