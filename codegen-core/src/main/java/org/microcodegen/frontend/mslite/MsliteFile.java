package org.microcodegen.frontend.mslite;

import org.microcodegen.frontend.ModelFile;
import org.microcodegen.frontend.flatbuffers.FbsSchema;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a .ms file (MindSpore Lite's FlatBuffers model, file identifier "MSL2") into {@link MsliteModel}
 * records, then cross-checks them. Every offset is checked by {@link FlatBuffer}; a bad file is one
 * CompileException naming the file, what is wrong and where.
 */
public final class MsliteFile {
    private final FlatBuffer file;
    private final String source;

    private MsliteFile(FlatBuffer file, String source) {
        this.file = file;
        this.source = source;
    }

    public static MsliteModel read(Path path) {
        return read(ModelFile.readAll(path, ".ms files"), path.toString());
    }

    /** @param source the file name used in messages */
    public static MsliteModel read(byte[] bytes, String source) {
        FlatBuffer fb = FlatBuffer.of(bytes, MsliteSchema.SCHEMA, source, "MindSpore Lite");
        MsliteModel model = new MsliteFile(fb, source).model(fb.root());
        validate(model);
        return model;
    }

    private MsliteModel model(Table root) {
        if (root.bool("obfuscate")) {
            throw new CompileException(source + ": the model is obfuscated; obfuscated .ms models are not supported");
        }
        List<MsliteModel.Tensor> tensors = new ArrayList<>();
        for (Table t : orEmpty(root.tables("allTensors"))) {
            tensors.add(tensor(t, tensors.size()));
        }
        List<MsliteModel.Node> nodes = new ArrayList<>();
        for (Table n : orEmpty(root.tables("nodes"))) {
            nodes.add(node(n, nodes.size()));
        }
        List<MsliteModel.SubGraph> subgraphs = new ArrayList<>();
        for (Table s : orEmpty(root.tables("subGraph"))) {
            subgraphs.add(new MsliteModel.SubGraph(orEmpty(s.string("name")), list(s.ints("inputIndices")),
                    list(s.ints("outputIndices")), list(s.ints("nodeIndices"))));
        }
        return new MsliteModel(source, orEmpty(root.string("version")), root.int32("fmkType"), tensors, nodes,
                list(root.ints("inputIndex")), list(root.ints("outputIndex")), subgraphs);
    }

    private MsliteModel.Tensor tensor(Table t, int index) {
        String name = orEmpty(t.string("name"));
        String label = "tensor " + index + " '" + Names.printable(name) + "'";
        int dataType = t.int32("dataType");
        DType dtype = MsliteSchema.dtype(dataType);
        if (dtype == null) {
            throw new CompileException(source + ": " + label + " has data type " + dataType
                    + ", which is not a MindSpore number type this compiler reads");
        }
        if (t.bool("enableHuffmanCode") || t.integer("weightQuantCompressType") != 0) {
            throw new CompileException(source + ": " + label + " is compressed (Huffman or "
                    + enumName(t, "weightQuantCompressType") + "); compressed weights are not supported");
        }
        List<Table> external = t.tables("externalData");
        if (external != null && !external.isEmpty()) {
            throw new CompileException(source + ": " + label + " keeps its data in an external file; not supported");
        }
        int[] dims = t.ints("dims");
        Shape shape;
        try {
            shape = Shape.ofLongs(Arrays.stream(dims == null ? new int[0] : dims).asLongStream().toArray());
        } catch (ValueException e) {
            throw new CompileException(source + ": " + label + ": " + e.getMessage());
        }
        long[] data = t.byteRange("data");
        ByteBuffer bytes = data == null || data[1] == 0 ? null : file.slice(data[0], data[1], label + " data");
        List<MsliteModel.QuantParam> quant = new ArrayList<>();
        for (Table q : orEmpty(t.tables("quantParams"))) {
            quant.add(new MsliteModel.QuantParam(q.floating("scale"), q.int32("zeroPoint"), q.int32("numBits"),
                    q.bool("inited")));
        }
        return new MsliteModel.Tensor(index, name, t.int32("nodeType"), dataType, dtype, shape, enumName(t, "format"),
                bytes, quant);
    }

    private MsliteModel.Node node(Table n, int index) {
        String name = orEmpty(n.string("name"));
        String label = "node " + index + " '" + Names.printable(name) + "'";
        Table primitive = n.table("primitive");
        String type = primitive == null ? null : primitive.unionType("value");
        if (type == null) {
            throw new CompileException(source + ": " + label + " has no primitive");
        }
        MsliteModel.Attributes attributes = MsliteModel.Attributes.NONE;
        if (MsliteSchema.SCHEMA.tables().containsKey(type)) {
            attributes = attributes(primitive.union("value"), label + " (" + type + ")");
        }
        return new MsliteModel.Node(index, name, type, attributes, list(n.ints("inputIndex")),
                list(n.ints("outputIndex")), enumName(n, "quantType"));
    }

    /** Every field of a primitive's table, by name, at its default when absent. */
    private MsliteModel.Attributes attributes(Table table, String label) {
        Map<String, Object> values = new LinkedHashMap<>();
        FbsSchema schema = MsliteSchema.SCHEMA;
        for (FbsSchema.Field f : table.def().fields().values()) {
            if (f.deprecated()) {
                continue;
            }
            String name = f.name();
            if (f.kind() == FbsSchema.Kind.SCALAR) {
                if (f.scalar() == FbsSchema.Scalar.FLOAT || f.scalar() == FbsSchema.Scalar.DOUBLE) {
                    values.put(name, table.floating(name));
                } else if (f.scalar() == FbsSchema.Scalar.BOOL) {
                    values.put(name, table.bool(name));
                } else if (schema.hasEnum(f.typeName())) {
                    String value = schema.enumDef(f.typeName()).nameOf(table.integer(name));
                    if (value == null) {
                        throw new CompileException(source + ": " + label + " has " + name + " = " + table.integer(name)
                                + ", which " + f.typeName() + " does not define");
                    }
                    values.put(name, value);
                } else {
                    values.put(name, table.integer(name));
                }
            } else if (f.kind() == FbsSchema.Kind.VECTOR && f.elementKind() == FbsSchema.Kind.SCALAR
                    && f.scalar() == FbsSchema.Scalar.LONG) {
                long[] v = table.longs(name);
                if (v != null) {
                    values.put(name, Arrays.stream(v).boxed().toList());
                }
            }
        }
        return new MsliteModel.Attributes(values);
    }

    private String enumName(Table t, String field) {
        FbsSchema.Field f = t.def().field(field);
        long v = t.integer(field);
        String name = MsliteSchema.SCHEMA.enumDef(f.typeName()).nameOf(v);
        return name == null ? String.valueOf(v) : name;
    }

    /** Cross-references: every index in range, constant data exactly the size of its shape. */
    private static void validate(MsliteModel m) {
        String src = m.source() + ": ";
        int count = m.tensors().size();
        for (MsliteModel.Tensor t : m.tensors()) {
            if (t.isConstant()) {
                long expected = t.shape().elementCount() * t.dtype().byteSize();
                if (t.data().remaining() != expected) {
                    throw new CompileException(src + t.describe() + " of shape " + t.shape() + " "
                            + t.dtype().displayName() + " needs " + expected + " bytes, but holds " + t.data().remaining());
                }
            }
        }
        checkTensors(src + "the graph's inputs", m.inputs(), count);
        checkTensors(src + "the graph's outputs", m.outputs(), count);
        for (MsliteModel.Node n : m.nodes()) {
            checkTensors(src + n.describe() + " inputs", n.inputs(), count);
            checkTensors(src + n.describe() + " outputs", n.outputs(), count);
        }
        for (MsliteModel.SubGraph s : m.subgraphs()) {
            String what = src + "subgraph '" + Names.printable(s.name()) + "'";
            checkTensors(what + " inputs", s.inputs(), count);
            checkTensors(what + " outputs", s.outputs(), count);
            for (int i : s.nodes()) {
                if (i < 0 || i >= m.nodes().size()) {
                    throw new CompileException(what + " lists node " + Integer.toUnsignedString(i) + ", but the model has "
                            + m.nodes().size());
                }
            }
        }
    }

    private static void checkTensors(String what, List<Integer> indices, int count) {
        for (int i : indices) {
            if (i < 0 || i >= count) {
                throw new CompileException(what + " refer to tensor " + Integer.toUnsignedString(i)
                        + ", but the model has " + count);
            }
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static List<Integer> list(int[] values) {
        return values == null ? List.of() : Arrays.stream(values).boxed().toList();
    }
}
