package org.microcodegen.frontend.mslite;

import org.microcodegen.frontend.flatbuffers.FbsSchema;
import org.microcodegen.ir.DType;

import java.util.Map;

/**
 * Our MindSpore Lite schema (resources/microcodegen/schema/mslite.fbs), loaded once, and the data type
 * codes of .ms tensors: MindSpore's TypeId numbers (mindspore/core/mindapi/base/type_id.h), which the
 * schema itself leaves as a plain int.
 */
final class MsliteSchema {
    static final FbsSchema SCHEMA = FbsSchema.load("/microcodegen/schema/mslite.fbs");

    /** TypeId -> dtype, for the number types a tensor can hold; kNumberTypeFloat32 is 43. */
    private static final Map<Integer, DType> DTYPES = Map.ofEntries(
            Map.entry(30, DType.BOOL), Map.entry(32, DType.INT8), Map.entry(33, DType.INT16),
            Map.entry(34, DType.INT32), Map.entry(35, DType.INT64), Map.entry(37, DType.UINT8),
            Map.entry(38, DType.UINT16), Map.entry(39, DType.UINT32), Map.entry(40, DType.UINT64),
            Map.entry(42, DType.FLOAT16), Map.entry(43, DType.FLOAT32), Map.entry(44, DType.FLOAT64));

    private MsliteSchema() {
    }

    /** The dtype of TypeId {@code code}, or null when it is not a number type we describe. */
    static DType dtype(long code) {
        return code < 0 || code > 100 ? null : DTYPES.get((int) code);
    }
}
