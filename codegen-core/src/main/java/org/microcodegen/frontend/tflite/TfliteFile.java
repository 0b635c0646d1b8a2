package org.microcodegen.frontend.tflite;

import org.microcodegen.frontend.ModelFile;
import org.microcodegen.frontend.flatbuffers.FlatBuffer;
import org.microcodegen.frontend.flatbuffers.Table;
import org.microcodegen.ir.CompileException;
import org.microcodegen.ir.DType;
import org.microcodegen.ir.Shape;
import org.microcodegen.ir.ValueException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a .tflite file into {@link TfliteModel} records: subgraph 0, its tensors, buffers, operator codes
 * and operators with decoded builtin options, then validates them ({@link TfliteValidator}). Everything
 * read from the file is checked ({@link FlatBuffer}); a bad file is one CompileException naming the file,
 * what is wrong and where.
 */
public final class TfliteFile {
    /** TFLite tensor types we can describe, by the schema's TensorType names. */
    private static final Map<String, DType> DTYPES = Map.ofEntries(
            Map.entry("FLOAT32", DType.FLOAT32), Map.entry("FLOAT16", DType.FLOAT16), Map.entry("FLOAT64", DType.FLOAT64),
            Map.entry("INT8", DType.INT8), Map.entry("UINT8", DType.UINT8), Map.entry("INT16", DType.INT16),
            Map.entry("UINT16", DType.UINT16), Map.entry("INT32", DType.INT32), Map.entry("UINT32", DType.UINT32),
            Map.entry("INT64", DType.INT64), Map.entry("UINT64", DType.UINT64), Map.entry("BOOL", DType.BOOL));
    /** Operators that run other subgraphs: refused, since only subgraph 0 is read. */
    private static final Set<String> CONTROL_FLOW = Set.of("IF", "WHILE", "CALL", "CALL_ONCE", "STABLEHLO_WHILE",
            "STABLEHLO_CASE", "STABLEHLO_COMPOSITE");

    private final FlatBuffer file;
    private final String source;

    private TfliteFile(FlatBuffer file, String source) {
        this.file = file;
        this.source = source;
    }

    public static TfliteModel read(Path path) {
        return read(ModelFile.readAll(path, "TFLite files"), path.toString());
    }

    /** @param source the file name used in messages */
    public static TfliteModel read(byte[] bytes, String source) {
        return read(ByteBuffer.wrap(bytes), source);
    }

    public static TfliteModel read(ByteBuffer bytes, String source) {
        FlatBuffer fb = FlatBuffer.of(bytes, TfliteSchema.SCHEMA, source, "TFLite");
        TfliteModel model = new TfliteFile(fb, source).model(fb.root());
        TfliteValidator.validate(model);
        return model;
    }

    private TfliteModel model(Table root) {
        long version = root.integer("version");
        if (version != 3) {
            throw new CompileException(source + ": TFLite schema version " + version + ", expected 3");
        }
        List<Table> subgraphs = orEmpty(root.tables("subgraphs"));
        if (subgraphs.isEmpty()) {
            throw new CompileException(source + ": the TFLite model has no subgraph");
        }
        List<TfliteBuffer> buffers = buffers(orEmpty(root.tables("buffers")));
        List<TfliteOperatorCode> codes = new ArrayList<>();
        for (Table c : orEmpty(root.tables("operator_codes"))) {
            codes.add(operatorCode(c, codes.size()));
        }
        Table graph = subgraphs.get(0);
        List<TfliteTensor> tensors = new ArrayList<>();
        for (Table t : orEmpty(graph.tables("tensors"))) {
            tensors.add(tensor(t, tensors.size()));
        }
        List<TfliteOperator> operators = new ArrayList<>();
        for (Table op : orEmpty(graph.tables("operators"))) {
            operators.add(operator(op, operators.size(), codes));
        }
        return new TfliteModel(source, version, root.string("description"), subgraphs.size(), tensors, buffers, codes,
                operators, list(graph.ints("inputs")), list(graph.ints("outputs")));
    }

    private List<TfliteBuffer> buffers(List<Table> tables) {
        List<TfliteBuffer> out = new ArrayList<>(tables.size());
        for (Table b : tables) {
            int index = out.size();
            String what = "buffer " + index;
            long[] data = b.byteRange("data");
            long offset = b.integer("offset");
            long size = b.integer("size");
            long start;
            long length;
            if (offset > 1 || offset < 0) {
                // The large-model form: data after the FlatBuffer, at an offset from the file's start.
                if (data != null && data[1] > 0) {
                    throw new CompileException(source + ": " + what + " has both inline data and an offset");
                }
                start = offset;
                length = size;
            } else {
                start = data == null ? 0 : data[0];
                length = data == null ? 0 : data[1];
            }
            ByteBuffer view = file.slice(start, length, what + " data (" + Long.toUnsignedString(length) + " bytes at "
                    + Long.toUnsignedString(start) + ")");
            out.add(new TfliteBuffer(index, start, (int) length, view));
        }
        return out;
    }

    private TfliteOperatorCode operatorCode(Table c, int index) {
        long code = Math.max(c.integer("deprecated_builtin_code"), c.integer("builtin_code"));
        String name = TfliteSchema.builtinName(code);
        if (name == null) {
            throw new CompileException(source + ": operator code " + index + " has builtin code " + code
                    + ", which TFLite's schema does not define");
        }
        String custom = c.string("custom_code");
        return new TfliteOperatorCode((int) code, name, custom, c.int32("version"));
    }

    private TfliteTensor tensor(Table t, int index) {
        String name = t.string("name");
        String label = "tensor " + index + (name == null ? "" : " '" + name + "'");
        long type = t.integer("type");
        String typeName = TfliteSchema.SCHEMA.enumDef("TensorType").nameOf(type);
        if (typeName == null) {
            throw new CompileException(source + ": " + label + " has type " + type + ", which TFLite does not define");
        }
        DType dtype = DTYPES.get(typeName);
        if (dtype == null) {
            throw new CompileException(source + ": " + label + " has type " + typeName + ", which is not supported");
        }
        if (t.has("sparsity")) {
            throw new CompileException(source + ": " + label + " is sparse; sparse tensors are not supported");
        }
        int[] dims = t.ints("shape");
        requireStatic(t.ints("shape_signature"), dims, label);
        Shape shape;
        try {
            shape = Shape.ofLongs(Arrays.stream(dims == null ? new int[0] : dims).asLongStream().toArray());
        } catch (ValueException e) {
            throw new CompileException(source + ": " + label + ": " + e.getMessage());
        }
        long buffer = t.integer("buffer");
        if (buffer > Integer.MAX_VALUE) {
            throw new CompileException(source + ": " + label + " refers to buffer " + buffer + ", out of range");
        }
        Table q = t.table("quantization");
        TfliteQuantization quantization = q == null ? null : quantization(q, shape, label);
        return new TfliteTensor(index, name == null ? "" : name, dtype, shape, (int) buffer, quantization,
                t.bool("is_variable"));
    }

    /**
     * Refuses a dynamic shape. The converter marks the batch dimension of Keras models dynamic (-1 in
     * shape_signature) while shape holds 1; TFLite's interpreter runs such a model with batch 1 unless the
     * caller resizes it, so a dynamic batch over a static 1 is read as 1. Any other -1 is refused.
     */
    private void requireStatic(int[] signature, int[] dims, String label) {
        if (signature == null) {
            return;
        }
        for (int i = 0; i < signature.length; i++) {
            boolean batchOfOne = i == 0 && dims != null && dims.length == signature.length && dims[0] == 1;
            if (signature[i] < 0 && !batchOfOne) {
                throw new CompileException(source + ": " + label + " has a dynamic shape " + Arrays.toString(signature)
                        + " (shape_signature, -1 in dimension " + i + "): only static shapes are supported");
            }
        }
    }

    private TfliteQuantization quantization(Table q, Shape shape, String label) {
        String details = q.unionType("details");
        if (details != null) {
            throw new CompileException(source + ": " + label + " has " + details
                    + " quantization; only affine (scale, zero point) quantization is supported");
        }
        double[] scales = q.doubles("scale");
        if (scales == null || scales.length == 0) {
            return null;
        }
        long[] zeroPoints = q.longs("zero_point");
        if (zeroPoints == null || zeroPoints.length == 0) {
            zeroPoints = new long[scales.length];
        }
        if (zeroPoints.length != scales.length) {
            throw new CompileException(source + ": " + label + " has " + scales.length + " scales but "
                    + zeroPoints.length + " zero points");
        }
        int dimension = q.int32("quantized_dimension");
        if (scales.length > 1) {
            if (shape.rank() == 1) {
                dimension = 0;
            }
            if (dimension < 0 || dimension >= shape.rank() || shape.dim(dimension) != scales.length) {
                throw new CompileException(source + ": " + label + " has " + scales.length + " scales along dimension "
                        + dimension + " of shape " + shape + "; the counts must match");
            }
        }
        List<Float> s = new ArrayList<>(scales.length);
        for (double v : scales) {
            s.add((float) v);
        }
        return new TfliteQuantization(s, list(zeroPoints), dimension);
    }

    private TfliteOperator operator(Table op, int index, List<TfliteOperatorCode> codes) {
        long opcode = op.integer("opcode_index");
        if (opcode >= codes.size()) {
            throw new CompileException(source + ": operator " + index + " has operator code " + opcode + ", but the model has "
                    + codes.size());
        }
        TfliteOperatorCode code = codes.get((int) opcode);
        String where = source + ": operator " + index + " (" + code.displayName() + ")";
        if (CONTROL_FLOW.contains(code.builtinName())) {
            throw new CompileException(where + " runs other subgraphs; control flow is not supported");
        }
        TfliteOptions options = TfliteOptionsReader.read(file, op, code.builtinName(), where);
        return new TfliteOperator(index, (int) opcode, code, list(op.ints("inputs")), list(op.ints("outputs")), options);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static List<Integer> list(int[] values) {
        return values == null ? List.of() : Arrays.stream(values).boxed().toList();
    }

    private static List<Long> list(long[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
