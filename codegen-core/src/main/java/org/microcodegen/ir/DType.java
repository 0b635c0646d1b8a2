package org.microcodegen.ir;

/** Element types the IR can describe. Only some are supported by kernels; the ops decide. */
public enum DType {
    FLOAT32(4, "float"),
    FLOAT16(2, "uint16_t"),
    FLOAT64(8, "double"),
    INT8(1, "int8_t"),
    UINT8(1, "uint8_t"),
    INT16(2, "int16_t"),
    UINT16(2, "uint16_t"),
    INT32(4, "int32_t"),
    UINT32(4, "uint32_t"),
    INT64(8, "int64_t"),
    UINT64(8, "uint64_t"),
    BOOL(1, "uint8_t");

    private final int byteSize;
    private final String cType;

    DType(int byteSize, String cType) {
        this.byteSize = byteSize;
        this.cType = cType;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The C element type used for buffers of this dtype. */
    public String cType() {
        return cType;
    }

    /** Lower-case name as users see it, e.g. "float32". */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT16 || this == FLOAT64;
    }
}
