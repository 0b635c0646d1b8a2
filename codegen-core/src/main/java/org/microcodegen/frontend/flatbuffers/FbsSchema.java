package org.microcodegen.frontend.flatbuffers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of the FlatBuffers schema language (.fbs) our own schema files use: namespace,
 * file_identifier, root_type, enums, unions and tables (no structs). The reader takes field ids, types,
 * defaults and enum names from here, so the Java code and the schema file cannot disagree on field
 * order. Schemas are our own resources, so a parse error is an internal bug (IllegalStateException).
 */
public final class FbsSchema {
    /** Scalar types by name, with their width in bytes; "bool" is an unsigned byte read as 0/1. */
    private static final Map<String, Scalar> SCALARS = Map.ofEntries(
            Map.entry("bool", Scalar.BOOL), Map.entry("byte", Scalar.BYTE), Map.entry("int8", Scalar.BYTE),
            Map.entry("ubyte", Scalar.UBYTE), Map.entry("uint8", Scalar.UBYTE), Map.entry("short", Scalar.SHORT),
            Map.entry("int16", Scalar.SHORT), Map.entry("ushort", Scalar.USHORT), Map.entry("uint16", Scalar.USHORT),
            Map.entry("int", Scalar.INT), Map.entry("int32", Scalar.INT), Map.entry("uint", Scalar.UINT),
            Map.entry("uint32", Scalar.UINT), Map.entry("long", Scalar.LONG), Map.entry("int64", Scalar.LONG),
            Map.entry("ulong", Scalar.ULONG), Map.entry("uint64", Scalar.ULONG), Map.entry("float", Scalar.FLOAT),
            Map.entry("float32", Scalar.FLOAT), Map.entry("double", Scalar.DOUBLE), Map.entry("float64", Scalar.DOUBLE));

    /** A scalar's width and how to read it. */
    public enum Scalar {
        BOOL(1, false), BYTE(1, true), UBYTE(1, false), SHORT(2, true), USHORT(2, false), INT(4, true),
        UINT(4, false), LONG(8, true), ULONG(8, false), FLOAT(4, true), DOUBLE(8, true);

        final int width;
        final boolean signed;

        Scalar(int width, boolean signed) {
            this.width = width;
            this.signed = signed;
        }

        public int width() {
            return width;
        }

        boolean isFloat() {
            return this == FLOAT || this == DOUBLE;
        }
    }

    /** What a field holds. */
    public enum Kind { SCALAR, STRING, TABLE, UNION, VECTOR }

    /**
     * One field. {@code id} is its slot in the vtable (a union takes two: its type at id - 1, its value
     * at id). For a vector, {@code elementKind}/{@code elementScalar}/{@code typeName} describe the element.
     */
    public record Field(String name, int id, Kind kind, Scalar scalar, String typeName, Kind elementKind,
                        String defaultText, boolean deprecated) {
    }

    /** A table: its fields in schema order. */
    public record TableDef(String name, Map<String, Field> fields) {
        public Field field(String field) {
            Field f = fields.get(field);
            if (f == null) {
                throw new IllegalStateException("schema table " + name + " has no field " + field);
            }
            return f;
        }
    }

    /** An enum: values by name and names by value. */
    public record EnumDef(String name, Scalar scalar, Map<String, Long> values) {
        /** The name of {@code value}, or null when the schema does not list it. */
        public String nameOf(long value) {
            for (Map.Entry<String, Long> e : values.entrySet()) {
                if (e.getValue() == value) {
                    return e.getKey();
                }
            }
            return null;
        }

        public long valueOf(String value) {
            Long v = values.get(value);
            if (v == null) {
                throw new IllegalStateException("schema enum " + name + " has no value " + value);
            }
            return v;
        }
    }

    /** A union: member table names; type value i (1-based, 0 is NONE) is members.get(i - 1). */
    public record UnionDef(String name, List<String> members) {
    }

    private final String namespace;
    private final String fileIdentifier;
    private final String rootType;
    private final Map<String, TableDef> tables;
    private final Map<String, EnumDef> enums;
    private final Map<String, UnionDef> unions;

    private FbsSchema(String namespace, String fileIdentifier, String rootType, Map<String, TableDef> tables,
                      Map<String, EnumDef> enums, Map<String, UnionDef> unions) {
        this.namespace = namespace;
        this.fileIdentifier = fileIdentifier;
        this.rootType = rootType;
        this.tables = tables;
        this.enums = enums;
        this.unions = unions;
    }

    /** Loads a schema from the class path, e.g. "/microcodegen/schema/tflite.fbs". */
    public static FbsSchema load(String resource) {
        try (InputStream in = FbsSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + resource + " is missing");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String namespace() {
        return namespace;
    }

    /** The 4-character file identifier, or null when the schema declares none. */
    public String fileIdentifier() {
        return fileIdentifier;
    }

    public TableDef rootTable() {
        return table(rootType);
    }

    public TableDef table(String name) {
        TableDef t = tables.get(name);
        if (t == null) {
            throw new IllegalStateException("schema has no table " + name);
        }
        return t;
    }

    public EnumDef enumDef(String name) {
        EnumDef e = enums.get(name);
        if (e == null) {
            throw new IllegalStateException("schema has no enum " + name);
        }
        return e;
    }

    /** Whether the schema declares an enum {@code name} (a scalar field's type may name one). */
    public boolean hasEnum(String name) {
        return enums.containsKey(name);
    }

    public UnionDef union(String name) {
        UnionDef u = unions.get(name);
        if (u == null) {
            throw new IllegalStateException("schema has no union " + name);
        }
        return u;
    }

    public Map<String, TableDef> tables() {
        return tables;
    }

    // ---------------------------------------------------------------- parser

    public static FbsSchema parse(String text) {
        List<String> tokens = tokenize(text);
        Parser p = new Parser(tokens);
        String namespace = "";
        String identifier = null;
        String root = null;
        Map<String, List<String[]>> rawTables = new LinkedHashMap<>();
        Map<String, EnumDef> enums = new LinkedHashMap<>();
        Map<String, UnionDef> unions = new LinkedHashMap<>();
        while (!p.atEnd()) {
            String word = p.next();
            switch (word) {
                case "namespace" -> namespace = p.until(";");
                case "file_identifier" -> identifier = unquote(p.until(";"));
                case "root_type" -> root = p.until(";");
                case "file_extension", "attribute", "include" -> p.until(";");
                case "enum" -> {
                    String name = p.next();
                    p.expect(":");
                    Scalar scalar = scalar(p.next());
                    p.skipAttributes();
                    p.expect("{");
                    Map<String, Long> values = new LinkedHashMap<>();
                    long next = 0;
                    while (!p.peek().equals("}")) {
                        String v = p.next();
                        if (p.peek().equals("=")) {
                            p.next();
                            next = Long.decode(p.next());
                        }
                        values.put(v, next++);
                        p.skipAttributes();
                        p.skip(",");
                    }
                    p.expect("}");
                    enums.put(name, new EnumDef(name, scalar, Collections.unmodifiableMap(values)));
                }
                case "union" -> {
                    String name = p.next();
                    p.expect("{");
                    List<String> members = new ArrayList<>();
                    while (!p.peek().equals("}")) {
                        members.add(p.next());
                        p.skip(",");
                    }
                    p.expect("}");
                    unions.put(name, new UnionDef(name, List.copyOf(members)));
                }
                case "table" -> {
                    String name = p.next();
                    p.skipAttributes();
                    p.expect("{");
                    List<String[]> fields = new ArrayList<>();
                    while (!p.peek().equals("}")) {
                        String field = p.next();
                        p.expect(":");
                        String type;
                        if (p.peek().equals("[")) {
                            p.next();
                            type = "[" + p.next();
                            p.expect("]");
                        } else {
                            type = p.next();
                        }
                        String def = null;
                        if (p.peek().equals("=")) {
                            p.next();
                            def = p.next();
                        }
                        boolean deprecated = p.skipAttributes().contains("deprecated");
                        p.expect(";");
                        fields.add(new String[] {field, type, def, String.valueOf(deprecated)});
                    }
                    p.expect("}");
                    rawTables.put(name, fields);
                }
                default -> throw new IllegalStateException("schema: unexpected '" + word + "'");
            }
        }
        Map<String, TableDef> tables = new LinkedHashMap<>();
        for (Map.Entry<String, List<String[]>> t : rawTables.entrySet()) {
            Map<String, Field> fields = new LinkedHashMap<>();
            int id = 0;
            for (String[] f : t.getValue()) {
                Field field = field(f, id, rawTables, enums, unions);
                id = field.id() + 1;
                fields.put(f[0], field);
            }
            tables.put(t.getKey(), new TableDef(t.getKey(), Collections.unmodifiableMap(fields)));
        }
        if (root != null && !tables.containsKey(root)) {
            throw new IllegalStateException("schema: root_type " + root + " is not a table");
        }
        return new FbsSchema(namespace, identifier, root, Collections.unmodifiableMap(tables),
                Collections.unmodifiableMap(enums), Collections.unmodifiableMap(unions));
    }

    private static Field field(String[] f, int id, Map<String, ?> tables, Map<String, EnumDef> enums,
                               Map<String, UnionDef> unions) {
        String name = f[0];
        String type = f[1];
        boolean deprecated = Boolean.parseBoolean(f[3]);
        boolean vector = type.startsWith("[");
        String element = vector ? type.substring(1) : type;
        Kind kind;
        Scalar scalar = null;
        if (SCALARS.containsKey(element)) {
            kind = Kind.SCALAR;
            scalar = SCALARS.get(element);
        } else if (enums.containsKey(element)) {
            kind = Kind.SCALAR;
            scalar = enums.get(element).scalar();
        } else if (element.equals("string")) {
            kind = Kind.STRING;
        } else if (tables.containsKey(element)) {
            kind = Kind.TABLE;
        } else if (unions.containsKey(element) && !vector) {
            return new Field(name, id + 1, Kind.UNION, Scalar.UBYTE, element, null, null, deprecated);
        } else {
            throw new IllegalStateException("schema: field " + name + " has unknown type " + type);
        }
        if (vector) {
            return new Field(name, id, Kind.VECTOR, scalar, element, kind, null, deprecated);
        }
        return new Field(name, id, kind, scalar, element, null, f[2], deprecated);
    }

    private static Scalar scalar(String type) {
        Scalar s = SCALARS.get(type);
        if (s == null) {
            throw new IllegalStateException("schema: " + type + " is not a scalar type");
        }
        return s;
    }

    private static String unquote(String s) {
        return s.startsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 2;
            } else if (c == '"') {
                int end = text.indexOf('"', i + 1);
                tokens.add(text.substring(i, end + 1));
                i = end + 1;
            } else if ("{}[]():;=,".indexOf(c) >= 0) {
                tokens.add(String.valueOf(c));
                i++;
            } else {
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))
                        && "{}[]():;=,\"".indexOf(text.charAt(i)) < 0 && !text.startsWith("//", i)) {
                    i++;
                }
                tokens.add(text.substring(start, i));
            }
        }
        return tokens;
    }

    private static final class Parser {
        private final List<String> tokens;
        private int pos;

        Parser(List<String> tokens) {
            this.tokens = tokens;
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        String peek() {
            return atEnd() ? "" : tokens.get(pos);
        }

        String next() {
            if (atEnd()) {
                throw new IllegalStateException("schema: unexpected end");
            }
            return tokens.get(pos++);
        }

        void expect(String token) {
            String t = next();
            if (!t.equals(token)) {
                throw new IllegalStateException("schema: expected '" + token + "', found '" + t + "'");
            }
        }

        void skip(String token) {
            if (peek().equals(token)) {
                pos++;
            }
        }

        /** Everything up to {@code end}, joined; consumes {@code end}. */
        String until(String end) {
            StringBuilder sb = new StringBuilder();
            while (!peek().equals(end)) {
                sb.append(next());
            }
            expect(end);
            return sb.toString();
        }

        /** Skips "(a, b: 1)" if present and returns its text. */
        String skipAttributes() {
            if (!peek().equals("(")) {
                return "";
            }
            return until(")");
        }
    }
}
