package org.microcodegen.templates.java;

import java.util.List;

/**
 * The output model that {@link JavaModelWriter} renders: plain values with public fields, filled in
 * by the compiler (codegen-core's JavaEmitter), the Java counterpart of the C target's CView. The
 * compiler decides names (the kernels' classes and methods come from its kernel registry), offsets
 * and the schedule; this module decides only Java syntax.
 */
public final class JavaView {
    private JavaView() {
    }

    /** The whole model: one generated class. */
    public static final class Model {
        public String packageName;
        public String className;
        public String version;
        /** The model file's name, for the header comment. */
        public String source;
        public List<Io> inputs;
        public List<Io> outputs;
        /** The memory plan's arena size in bytes. */
        public long arenaBytes;
        /** One array per element type the activation buffers use, in order of first use. */
        public List<Arena> arenas;
        public long lowerBoundBytes;
        public long macs;
        /** File name of the weights resource next to the class, or null when the model has no weights. */
        public String weightsResource;
        public long weightsFloats;
        public long weightsCrc32;
        /** Where each weight tensor starts in the weights array of its element type, in elements. */
        public List<Offset> weights;
        /** The integer weight arrays (int8, int16, int32, int64 weights), each loaded from a resource of its own. */
        public List<WeightArray> integerWeights = new java.util.ArrayList<>();
        /** Where each activation buffer starts in the arena array of its element type, in elements. */
        public List<Offset> buffers;
        public List<Params> params;
        /** Constant tables passed to kernels as arguments. */
        public List<Table> tables;
        public List<Step> steps;
    }

    /** A graph input or output: a run() parameter (an array of elementType) and its size constant. */
    public static final class Io {
        public String ident;
        public String sizeConstant;
        /** The primitive element type, e.g. float.class, byte.class for int8. */
        public Class<?> elementType;
        public long elements;
        public String comment;
        /** A quantized io's constants (real = scale * (q - zeroPoint)); the names are null when it is not quantized. */
        public String scaleConstant;
        public String zeroPointConstant;
        public float scale;
        public int zeroPoint;
    }

    /** An integer weights array: its field, element type, resource, length in elements and CRC32. */
    public static final class WeightArray {
        public String name;
        public Class<?> elementType;
        public String resource;
        public long elements;
        public long crc32;
    }

    /** The arena array of one element type: a field, its size constant, its length in elements. */
    public static final class Arena {
        public String name;
        public String sizeConstant;
        public Class<?> elementType;
        public long elements;
    }

    /** A named offset constant into {@code array}, in {@code unit} (e.g. "floats"). */
    public static final class Offset {
        public String name;
        public String array;
        public String unit;
        public long value;
        public String comment;
    }

    /** A kernel's parameter object, built once (a C params struct). */
    public static final class Params {
        /** The runtime class, e.g. "Conv2D", and its nested parameter class, e.g. "Params". */
        public String className;
        public String paramsType;
        public String name;
        public List<Field> fields;
    }

    /** One field, named as in C (e.g. "stride_h"); value is a Long, a Float, a {@link Symbol}, a {@link Table} or a List of Long. */
    public static final class Field {
        public String name;
        public Object value;
    }

    /**
     * A constant table a parameter object points to (per-channel multipliers, a lookup table): a static
     * final array of elementType (int.class, short.class or byte.class) called name, copied at class load
     * from {@code length} elements of the weights array {@code array} (e.g. "WEIGHTS_I32") at {@code offset}.
     */
    public static final class Table {
        public String name;
        public Class<?> elementType;
        public String array;
        public long offset;
        public long length;
    }

    /** A constant of a runtime class: Act's (e.g. "RELU") unless owner names another (e.g. "Quant"). */
    public static final class Symbol {
        public String owner;
        public String name;
    }

    /** One node of the schedule: a comment and at most one kernel call. */
    public static final class Step {
        public String title;
        public String detail;
        public Call call;
    }

    public static final class Call {
        /** The runtime class and its static method, e.g. "Conv2D" and "conv2d". */
        public String className;
        public String method;
        /** Called once per input buffer (Concat.part) rather than once. */
        public boolean perInput;
        public List<Arg> args;
    }

    /** Where a tensor lives: an array expression and an offset expression (a constant's name or a number). */
    public static final class Buffer {
        public String array;
        public String offset;
    }

    public enum ArgKind { BUFFER, NULL_BUFFER, INT, FLOAT, SYMBOL, PARAMS, BUFFER_LIST, INT_LIST }

    /** One argument of a kernel call, in the C kernel's order. */
    public static final class Arg {
        public ArgKind kind;
        public Buffer buffer;
        public List<Buffer> buffers;
        public long intValue;
        public float floatValue;
        public String symbol;
        public String params;
        public List<Long> ints;
    }
}
