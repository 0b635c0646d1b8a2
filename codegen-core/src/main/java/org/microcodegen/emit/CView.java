package org.microcodegen.emit;

import java.util.List;

/**
 * The output model the C templates render (templates-c/.../model.stg): plain values with public
 * fields, because StringTemplate reads fields and the templates should see no Java logic.
 */
public final class CView {
    private CView() {
    }

    /** The whole model. */
    public static final class Model {
        public String name;
        public String macro;
        public String guard;
        public String version;
        /** The version as mc_version.h spells it for the kernels' check: a number and an identifier tail. */
        public long versionNumber;
        public String versionId;
        public String source;
        public String headerFile;
        public String sourceFile;
        public String weightsHeaderFile;
        public String weightsFile;
        /** Whether a parameter literal is NAN or INFINITY, which C99 defines in math.h. */
        public boolean sourceNeedsMath;
        /** Whether a weight literal is NAN or INFINITY. */
        public boolean weightsNeedMath;
        public List<Io> inputs;
        public List<Io> outputs;
        public List<String> pointers;
        public long arenaSize;
        public long lowerBound;
        public int alignment;
        public long macs;
        public long weightBytes;
        public List<String> runtimeHeaders;
        public List<Params> params;
        /** Constant tables passed to kernels as arguments. */
        public List<Table> tables;
        public List<Buffer> buffers;
        public List<Step> steps;
        public List<Weight> weights;
        public int argCount;
        /** A probe build (`run --dump-tensors`, `run --profile`): run() calls mc_probe after every layer. */
        public boolean probed;
        public int probeCount;

        /** The arena in 8-byte units for a {@code double} array, at least 1: C has no arrays of 0 elements. */
        public long getArenaDoubles() {
            return Math.max(1, (arenaSize + 7) / 8);
        }
    }

    /** A graph input or output. */
    public static final class Io {
        public String role;
        public int index;
        public int argIndex;
        public String ident;
        public String macro;
        public String sourceName;
        public String cType;
        public String dtype;
        public String shape;
        public long elements;
        public long bytes;
        /** A quantized tensor's scale (a C float literal) and zero point; null when float or per-channel. */
        public String scale;
        public Long zeroPoint;
    }

    public static final class Buffer {
        public String ident;
        public String cType;
        public long offset;
        public String comment;
    }

    public static final class Params {
        public String cType;
        public String ident;
        public List<Field> fields;
        /** Constant tables the struct points to, declared before it. */
        public List<Table> tables;
    }

    /** A constant array a parameter struct points to (per-channel multipliers, a lookup table). */
    public static final class Table {
        public String cType;
        public String ident;
        public int length;
        /** The values, a few per line. */
        public List<String> lines;
    }

    public static final class Field {
        public String name;
        public String value;
        public List<String> list;
    }

    public static final class Step {
        public String title;
        public String detail;
        public Call call;
        /** Probe calls after the step, in a probe build only (null otherwise). */
        public List<Probe> probes;
    }

    /** mc_probe(index, pointer, bytes): the tensor a step produced, for the harness to dump or time. */
    public static final class Probe {
        public int index;
        public String pointer;
        public long bytes;
    }

    public static final class Call {
        public String function;
        public List<Arg> args;
    }

    /** One argument: a plain token (identifier, literal, symbol), an address, or an array literal. */
    public static final class Arg {
        public String text;
        public boolean addressOf;
        public boolean pointerList;
        public boolean intList;
        public String cType;
        public List<String> items;
    }

    public static final class Weight {
        public String ident;
        public String cType;
        public long count;
        public String comment;
        public String alignedMacro;
        /** A placeholder: {@link WeightValues} writes the elements there, after rendering. */
        public String values;
    }
}
