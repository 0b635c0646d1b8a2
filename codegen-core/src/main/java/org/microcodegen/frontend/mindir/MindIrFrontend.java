package org.microcodegen.frontend.mindir;

import org.microcodegen.frontend.Frontend;
import org.microcodegen.frontend.ProtobufFields;
import org.microcodegen.ir.Graph;

import java.nio.file.Path;
import java.util.Map;

/** MindSpore's MindIR, read by {@link MindIrLoader}. */
public final class MindIrFrontend implements Frontend {
    /** MindIR's ModelProto, field number to wire type (mind_ir.proto; 9 and 11 changed type across versions, both length-delimited). */
    private static final Map<Integer, Integer> MODEL_PROTO = Map.ofEntries(
            Map.entry(1, ProtobufFields.LENGTH_DELIMITED), Map.entry(2, ProtobufFields.LENGTH_DELIMITED),
            Map.entry(3, ProtobufFields.LENGTH_DELIMITED), Map.entry(4, ProtobufFields.LENGTH_DELIMITED),
            Map.entry(5, ProtobufFields.LENGTH_DELIMITED), Map.entry(6, ProtobufFields.LENGTH_DELIMITED),
            Map.entry(7, ProtobufFields.LENGTH_DELIMITED), Map.entry(8, ProtobufFields.LENGTH_DELIMITED),
            Map.entry(9, ProtobufFields.LENGTH_DELIMITED), Map.entry(10, ProtobufFields.VARINT),
            Map.entry(11, ProtobufFields.LENGTH_DELIMITED), Map.entry(12, ProtobufFields.LENGTH_DELIMITED),
            Map.entry(13, ProtobufFields.VARINT), Map.entry(14, ProtobufFields.LENGTH_DELIMITED));
    /** A MindIR ir_version is a short version string such as "0.1.1". */
    private static final int MAX_IR_VERSION_LENGTH = 32;

    @Override
    public String name() {
        return "MindIR";
    }

    @Override
    public String extension() {
        return ".mindir";
    }

    /**
     * MindIR has no magic number. MindSpore always sets ir_version, and protobuf writes fields in number
     * order, so a MindIR file opens with field 1 as a short printable string (ONNX's field 1 is a varint);
     * the fields after it must have MindIR's wire types. An encrypted MindIR is recognised too (by
     * MindSpore's cipher magic), so that its reader can say how to decrypt it.
     */
    @Override
    public boolean recognizes(byte[] head, Path file) {
        if (MindIrLoader.isEncrypted(head)) {
            return true;
        }
        ProtobufFields.Scan scan = ProtobufFields.scan(head);
        ProtobufFields.Field first = scan.first();
        return first != null && first.number() == 1 && first.body() != null && isVersionString(first.body())
                && scan.fitsSchema(MODEL_PROTO);
    }

    private static boolean isVersionString(byte[] s) {
        if (s.length == 0 || s.length > MAX_IR_VERSION_LENGTH) {
            return false;
        }
        for (byte b : s) {
            if (b < 0x20 || b > 0x7e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Graph load(Path file) {
        return MindIrLoader.load(file);
    }
}
