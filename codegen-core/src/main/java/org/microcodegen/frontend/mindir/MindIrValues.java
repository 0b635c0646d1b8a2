package org.microcodegen.frontend.mindir;

import com.google.protobuf.ByteString;
import org.microcodegen.frontend.ModelFile;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto;
import org.microcodegen.frontend.mindir.proto.MindIr.AttributeProto.AttributeType;
import org.microcodegen.frontend.mindir.proto.MindIr.TensorProto;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.ConstData;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.TensorType;
import org.microcodegen.ir.ValueException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes MindIR attribute and tensor messages into IR values. Both encodings are handled here:
 * MindSpore 1.x marks tuples and scalars through {@code ref_attr_name} ("scalar:Tuple[...]"), 2.x
 * through the TUPLE/LIST attribute types with nested {@code values}.
 */
final class MindIrValues {
    /** Marker for a Constant node that holds a side-effect monad: folded away by the loader. */
    static final Object MONAD = new Object() {
        @Override
        public String toString() {
            return "monad";
        }
    };
    /** Marker for a Constant node holding Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private final Path modelFile;

    MindIrValues(Path modelFile) {
        this.modelFile = modelFile;
    }

    static DType dtypeOf(int code, String what) {
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
            case 11, 17 -> DType.FLOAT64;
            case 12 -> DType.UINT32;
            case 13 -> DType.UINT64;
            default -> throw new ValueException("unsupported dtype code " + code + " (" + dtypeName(code) + ") for " + what);
        };
    }

    private static String dtypeName(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return t == null ? "unknown" : t.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The declared type of a tensor message (dims + data_type). */
    static TensorType typeOf(TensorProto t, String what) {
        return new TensorType(dtypeOf(t.getDataType(), what), Shape.ofLongs(t.getDimsList().stream().mapToLong(Long::longValue).toArray()),
                MindIrQuantization.of(t, what));
    }

    /** The bytes of a tensor, from raw_data, the typed repeated fields, or an external data file. */
    ConstData dataOf(TensorProto t, String what) {
        TensorType type = typeOf(t, what);
        long expected = type.byteSize();
        byte[] bytes;
        if (t.hasRawData()) {
            bytes = t.getRawData().toByteArray();
        } else if (t.hasExternalData()) {
            bytes = readExternal(t.getExternalData(), what, expected);
        } else if (t.getFloatDataCount() > 0) {
            ByteBuffer b = le(t.getFloatDataCount() * 4);
            t.getFloatDataList().forEach(b::putFloat);
            bytes = b.array();
        } else if (t.getDoubleDataCount() > 0) {
            ByteBuffer b = le(t.getDoubleDataCount() * 8);
            t.getDoubleDataList().forEach(b::putDouble);
            bytes = b.array();
        } else if (t.getInt64DataCount() > 0) {
            ByteBuffer b = le(t.getInt64DataCount() * 8);
            t.getInt64DataList().forEach(b::putLong);
            bytes = b.array();
        } else if (t.getInt32DataCount() > 0) {
            ByteBuffer b = le(t.getInt32DataCount() * type.dtype().byteSize());
            for (int v : t.getInt32DataList()) {
                switch (type.dtype().byteSize()) {
                    case 1 -> b.put((byte) v);
                    case 2 -> b.putShort((short) v);
                    default -> b.putInt(v);
                }
            }
            bytes = b.array();
        } else {
            bytes = new byte[0];
        }
        if (bytes.length != expected) {
            throw new CompileException(modelFile + ": " + what + " " + type + " should hold " + expected
                    + " bytes of data but has " + bytes.length + " (truncated or corrupt weights)");
        }
        return new ConstData(type.dtype(), bytes);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads external weights through {@link ModelFile#readExternal}, which confines them to the model's folder. */
    private byte[] readExternal(TensorProto.ExternalDataProto ext, String what, long expected) {
        return ModelFile.readExternal(modelFile, ext.getLocation(), ext.getOffset(), ext.getLength(), expected, what);
    }

    static boolean isMonad(AttributeProto a) {
        return a.getType() == AttributeType.UMONAD || a.getType() == AttributeType.IOMONAD
                || a.getRefAttrName().startsWith("Monad:");
    }

    /**
     * The value of a Constant node as a tensor, or MONAD / NONE. Scalars become 0-d tensors, tuples of
     * scalars 1-d tensors, so that shape and axis operands read the same whatever the encoding.
     */
    Object constantValue(AttributeProto a, String what) {
        if (isMonad(a)) {
            return MONAD;
        }
        if (a.getType() == AttributeType.NONE) {
            return NONE;
        }
        if (a.hasT()) {
            return new TensorValue(typeOf(a.getT(), what), dataOf(a.getT(), what));
        }
        if (a.getTensorsCount() == 1) {
            return new TensorValue(typeOf(a.getTensors(0), what), dataOf(a.getTensors(0), what));
        }
        Object v = attributeValue(a);
        if (v instanceof ConstData d) {
            return new TensorValue(TensorType.of(d.dtype(), Shape.of(Math.toIntExact(d.elementCount()))), d);
        }
        if (v instanceof List<?> list) {
            if (list.isEmpty() || list.stream().allMatch(o -> o instanceof Long || o instanceof Boolean)) {
                long[] longs = list.stream().mapToLong(o -> o instanceof Boolean b ? (b ? 1 : 0) : (Long) o).toArray();
                return new TensorValue(TensorType.of(DType.INT64, Shape.of(longs.length)), ConstData.ofLongs(longs));
            }
            if (list.stream().allMatch(o -> o instanceof Number)) {
                float[] fl = new float[list.size()];
                for (int i = 0; i < fl.length; i++) {
                    fl[i] = ((Number) list.get(i)).floatValue();
                }
                return new TensorValue(TensorType.of(DType.FLOAT32, Shape.of(fl.length)), ConstData.ofFloats(fl));
            }
        }
        if (v instanceof Long l) {
            return new TensorValue(TensorType.of(DType.INT64, Shape.scalar()), ConstData.ofLongs(l));
        }
        if (v instanceof Boolean b) {
            return new TensorValue(TensorType.of(DType.BOOL, Shape.scalar()), new ConstData(DType.BOOL, new byte[] {(byte) (b ? 1 : 0)}));
        }
        if (v instanceof Double d) {
            // MindSpore's Python float constants are float32 in graphs that compute in float32.
            return new TensorValue(TensorType.of(DType.FLOAT32, Shape.scalar()), ConstData.ofFloats(d.floatValue()));
        }
        if (v instanceof String s) {
            return s;
        }
        throw new CompileException(modelFile + ": cannot decode the value of constant " + what + " (type " + a.getType() + ")");
    }

    /** A decoded constant: its type and bytes. */
    record TensorValue(TensorType type, ConstData data) {
    }

    /**
     * An attribute as a plain Java value: Long, Double, Boolean, String, ConstData, or a List of those.
     */
    Object attributeValue(AttributeProto a) {
        String ref = a.getRefAttrName();
        boolean oldTuple = ref.startsWith("scalar:Tuple") || ref.startsWith("scalar:List");
        switch (a.getType()) {
            case TUPLE, LIST -> {
                List<Object> out = new ArrayList<>();
                for (AttributeProto v : a.getValuesList()) {
                    Object element = attributeValue(v);
                    // 2.x writes each tuple element as a scalar attribute whose value sits in a
                    // one-element repeated field (e.g. `ints: 5`): unwrap it.
                    boolean scalarType = v.getType() != AttributeType.TUPLE && v.getType() != AttributeType.LIST;
                    if (scalarType && element instanceof List<?> l && l.size() == 1) {
                        element = l.get(0);
                    }
                    out.add(element);
                }
                return out;
            }
            case FLOAT -> {
                return oldTuple || a.getFloatsCount() > 0 ? doublesOf(a.getFloatsList()) : (Object) (double) a.getF();
            }
            case DOUBLE -> {
                return oldTuple || a.getDoublesCount() > 0 ? new ArrayList<Object>(a.getDoublesList()) : (Object) a.getD();
            }
            case BOOL -> {
                if (oldTuple || a.getIntsCount() > 0) {
                    List<Object> out = new ArrayList<>();
                    a.getIntsList().forEach(i -> out.add(i != 0));
                    return out;
                }
                return a.getI() != 0;
            }
            case STRING -> {
                if (oldTuple || a.getStringsCount() > 0) {
                    List<Object> out = new ArrayList<>();
                    for (ByteString s : a.getStringsList()) {
                        out.add(s.toStringUtf8());
                    }
                    return out;
                }
                return a.getS().toString(StandardCharsets.UTF_8);
            }
            case TENSOR -> {
                return dataOf(a.getT(), "attribute " + a.getName());
            }
            case TENSORS -> {
                List<Object> out = new ArrayList<>();
                for (TensorProto t : a.getTensorsList()) {
                    out.add(t.getDimsCount() == 0 && !t.hasRawData() ? null : dataOf(t, "attribute " + a.getName()));
                }
                return out;
            }
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> {
                return oldTuple || a.getIntsCount() > 0 ? new ArrayList<Object>(a.getIntsList()) : (Object) a.getI();
            }
            default -> {
                // Untyped attributes: infer from what is present.
                if (a.getIntsCount() > 0) {
                    return new ArrayList<Object>(a.getIntsList());
                }
                if (a.getFloatsCount() > 0) {
                    return doublesOf(a.getFloatsList());
                }
                if (a.hasS()) {
                    return a.getS().toString(StandardCharsets.UTF_8);
                }
                if (a.hasF()) {
                    return (double) a.getF();
                }
                if (a.hasI()) {
                    return a.getI();
                }
                return null;
            }
        }
    }

    private static List<Object> doublesOf(List<Float> floats) {
        List<Object> out = new ArrayList<>();
        floats.forEach(f -> out.add((double) f));
        return out;
    }
}
