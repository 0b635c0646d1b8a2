package org.microcodegen.frontend.onnx;

import org.microcodegen.frontend.ModelFile;
import org.microcodegen.frontend.onnx.proto.Onnx.StringStringEntryProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TensorShapeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.TypeProto;
import org.microcodegen.frontend.onnx.proto.Onnx.ValueInfoProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * ONNX tensors and value types as IR values: the data_type codes, static shapes, and a tensor's bytes
 * from raw_data, the typed repeated fields or an external file, each checked against the size its
 * dims and dtype call for.
 */
final class OnnxTensors {
    private final Path modelFile;

    OnnxTensors(Path modelFile) {
        this.modelFile = modelFile;
    }

    /** TensorProto.DataType codes the IR can hold; the rest (strings, complex, bfloat16, float8, int4 ...) are refused. */
    static DType dtypeOf(int code, String what, Path file) {
        return switch (code) {
            case 1 -> DType.FLOAT32;
            case 2 -> DType.UINT8;
            case 3 -> DType.INT8;
            case 4 -> DType.UINT16;
            case 5 -> DType.INT16;
            case 6 -> DType.INT32;
            case 7 -> DType.INT64;
            case 9 -> DType.BOOL;
            case 10 -> DType.FLOAT16;
            case 11 -> DType.FLOAT64;
            case 12 -> DType.UINT32;
            case 13 -> DType.UINT64;
            default -> throw new CompileException(file + ": " + what + " has the unsupported ONNX dtype " + dtypeName(code));
        };
    }

    private static String dtypeName(int code) {
        String[] names = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool",
            "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
            "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1", "float8e8m0", "uint2", "int2"};
        return code >= 0 && code < names.length ? names[code] : "code " + code;
    }

    /** A graph input's type: a tensor with a known dtype and only static, positive dimensions. */
    TensorType typeOf(ValueInfoProto v, String what) {
        TypeProto t = v.getType();
        if (!t.hasTensorType()) {
            throw new CompileException(modelFile + ": " + what + " is not a tensor (a sequence, map, optional or sparse value)");
        }
        TypeProto.Tensor tt = t.getTensorType();
        DType dtype = dtypeOf(tt.getElemType(), what, modelFile);
        if (!tt.hasShape()) {
            throw new CompileException(modelFile + ": " + what + " has no shape; give the model a static input shape");
        }
        long[] dims = new long[tt.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = tt.getShape().getDim(i);
            if (!d.hasDimValue()) {
                throw new CompileException(modelFile + ": " + what + " has the dynamic dimension '" + d.getDimParam()
                        + "' (axis " + i + "); give the model a static input shape");
            }
            dims[i] = d.getDimValue();
        }
        return TensorType.of(dtype, shape(dims, what, 1));
    }

    /** Graph inputs need every dimension to be at least 1; constants may be empty (an unused Resize roi, say). */
    private Shape shape(long[] dims, String what, long smallest) {
        for (long d : dims) {
            if (d < smallest || d > Shape.MAX_ELEMENTS) {
                throw new CompileException(modelFile + ": " + what + " has the dimension " + d + "; sizes must be "
                        + smallest + " to " + Shape.MAX_ELEMENTS);
            }
        }
        try {
            return Shape.ofLongs(dims);
        } catch (CompileException e) {
            throw new CompileException(modelFile + ": " + what + ": " + e.getMessage());
        }
    }

    /** The declared type of a tensor message (dims + data_type). */
    TensorType typeOf(TensorProto t, String what) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        return TensorType.of(dtypeOf(t.getDataType(), what, modelFile), shape(dims, what, 0));
    }

    /** The bytes of a tensor, little-endian, exactly as stored; their number must match dims and dtype. */
    ConstData dataOf(TensorProto t, String what) {
        TensorType type = typeOf(t, what);
        DType d = type.dtype();
        long count = type.shape().elementCount();
        long expected = type.byteSize();
        if (t.hasSegment()) {
            throw new CompileException(modelFile + ": " + what + " is a segment of a tensor; segmented tensors are not supported");
        }
        byte[] bytes;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            bytes = external(t, what, expected);
        } else if (t.hasRawData()) {
            bytes = t.getRawData().toByteArray();
        } else {
            bytes = typed(t, d, count, what);
        }
        if (bytes.length != expected) {
            throw new CompileException(modelFile + ": " + what + " " + type + " should hold " + expected
                    + " bytes of data but has " + bytes.length + " (truncated or corrupt weights)");
        }
        return new ConstData(d, bytes);
    }

    /** The typed repeated field ONNX uses for dtype {@code d}, widened or narrowed to the dtype's bytes. */
    private byte[] typed(TensorProto t, DType d, long count, String what) {
        int n = switch (d) {
            case FLOAT32 -> t.getFloatDataCount();
            case FLOAT64 -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
        if (n != count) {
            throw new CompileException(modelFile + ": " + what + " should hold " + count + " values but its "
                    + d.displayName() + " field has " + n + " (truncated or corrupt weights)");
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(n, d.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (d) {
                case FLOAT32 -> b.putFloat(t.getFloatData(i));
                case FLOAT64 -> b.putDouble(t.getDoubleData(i));
                case INT64 -> b.putLong(t.getInt64Data(i));
                case UINT64 -> b.putLong(t.getUint64Data(i));
                case UINT32 -> b.putInt((int) t.getUint64Data(i));
                case INT32 -> b.putInt(t.getInt32Data(i));
                case INT16, UINT16, FLOAT16 -> b.putShort((short) t.getInt32Data(i));
                default -> b.put((byte) t.getInt32Data(i));
            }
        }
        return b.array();
    }

    /** external_data's location, offset and length keys; the file is confined to the model's folder by {@link ModelFile}. */
    private byte[] external(TensorProto t, String what, long expected) {
        String location = null;
        long offset = 0;
        long length = expected;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = number(e.getValue(), "offset", what);
                case "length" -> length = number(e.getValue(), "length", what);
                default -> {
                    // "checksum" and keys of newer writers do not change what is read
                }
            }
        }
        if (location == null) {
            throw new CompileException(modelFile + ": " + what + " has external data without a location");
        }
        return ModelFile.readExternal(modelFile, location, offset, length, expected, what);
    }

    private long number(String value, String key, String what) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CompileException(modelFile + ": " + what + " has the external data " + key + " '" + value + "', not a number");
        }
    }
}
