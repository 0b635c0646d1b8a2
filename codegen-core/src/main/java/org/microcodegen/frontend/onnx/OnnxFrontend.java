package org.microcodegen.frontend.onnx;

import org.microcodegen.frontend.Frontend;
import org.microcodegen.frontend.ProtobufFields;
import org.microcodegen.ir.Graph;

import java.nio.file.Path;
import java.util.Map;

/** ONNX, read by {@link OnnxLoader}. */
public final class OnnxFrontend implements Frontend {
    /** ONNX's ModelProto, field number to wire type (onnx.proto). */
    private static final Map<Integer, Integer> MODEL_PROTO = Map.of(
            1, ProtobufFields.VARINT, 2, ProtobufFields.LENGTH_DELIMITED, 3, ProtobufFields.LENGTH_DELIMITED,
            4, ProtobufFields.LENGTH_DELIMITED, 5, ProtobufFields.VARINT, 6, ProtobufFields.LENGTH_DELIMITED,
            7, ProtobufFields.LENGTH_DELIMITED, 8, ProtobufFields.LENGTH_DELIMITED, 14, ProtobufFields.LENGTH_DELIMITED);
    /** Published ONNX files have ir_version 3 to 11; a little headroom for newer writers. */
    private static final int MAX_IR_VERSION = 100;

    @Override
    public String name() {
        return "ONNX";
    }

    @Override
    public String extension() {
        return ".onnx";
    }

    /**
     * ONNX has no magic number. Protobuf writes fields in number order, so a ModelProto opens with
     * ir_version (field 1, a varint), and the fields after it have ONNX's wire types (producer_name 2,
     * producer_version 3 and domain 4 strings, model_version 5 a varint, graph 7 and opset_import 8
     * messages). MindIR's ModelProto differs at the first byte: its field 1 is a string; an ONNX
     * TensorProto (test data) opens with dims (field 1) but has data_type, a varint, as field 2.
     */
    @Override
    public boolean recognizes(byte[] head, Path file) {
        ProtobufFields.Scan scan = ProtobufFields.scan(head);
        ProtobufFields.Field first = scan.first();
        return first != null && first.number() == 1 && first.wireType() == ProtobufFields.VARINT
                && first.varint() >= 1 && first.varint() <= MAX_IR_VERSION && scan.fitsSchema(MODEL_PROTO);
    }

    @Override
    public Graph load(Path file) {
        return OnnxLoader.load(file);
    }
}
