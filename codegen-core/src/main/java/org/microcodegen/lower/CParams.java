package org.microcodegen.lower;

import org.microcodegen.lower.ParamsLayout.FieldType;
import org.microcodegen.ops.ParamsStruct;
import org.microcodegen.quant.Rounding;

/**
 * The compact parameter structs of runtime-micro's C kernels ({@link ParamsLayout}), one declaration per
 * struct, each the mirror of its typedef in the kernel's header (ParamsLayoutTest compares them field by
 * field). A kernel takes one with {@link Kernel#narrowing}; the other kernels take their op's struct.
 */
public final class CParams {
    private CParams() {
    }

    /**
     * mc_conv_simd.h's mc_qpointwise_params, for mc_conv2d_1x1_s8_simd (1x1, stride 1, unpadded): the pixels
     * to convolve, the channels in and out, the output offset and the requantization tables. The input offset
     * is folded into the packed bias ({@link SimdPackings#FOLDED_BIAS}); rounding and clamp are not read, as the
     * registry picks the kernel only where every channel takes the double-rounding epilogue over all of int8
     * (Shapes.SIMD_POINTWISE). 20 bytes against mc_qconv2d_params' 92.
     */
    public static final ParamsLayout QPOINTWISE = ParamsLayout.of("mc_qpointwise_params")
            .derived("pixels", FieldType.INT32, "batch * out_h * out_w",
                    p -> Math.multiplyExact(Math.multiplyExact(p.integer("batch"), p.integer("out_h")), p.integer("out_w")))
            .integer("in_c", FieldType.UINT16)
            .integer("out_c", FieldType.UINT16)
            .integer("out_offset", FieldType.INT16)
            .table(ParamsStruct.OUT_MULT)
            .table(ParamsStruct.OUT_SHIFT);

    /**
     * mc_qdepthwise.h's mc_qdepthwise3x3_params, for mc_depthwise_conv2d_nhwc_s8_3x3: the fields the kernel reads,
     * dimensions in uint16_t, strides, paddings and the multiplier in uint8_t, the input's zero point (-in_offset)
     * and the activation range in int8_t; rounding, window and dilation are not read, as the registry picks the
     * kernel only for 3x3 windows of dilation 1 on double rounding (CKernels.depthwise3x3). 32 bytes against
     * mc_qconv2d_params' 92; a layer with a larger value takes mc_depthwise_conv2d_nhwc_s8_simd.
     */
    public static final ParamsLayout QDEPTHWISE_3X3 = ParamsLayout.of("mc_qdepthwise3x3_params")
            .table(ParamsStruct.OUT_MULT)
            .table(ParamsStruct.OUT_SHIFT)
            .integer("batch", FieldType.UINT16)
            .integer("in_h", FieldType.UINT16)
            .integer("in_w", FieldType.UINT16)
            .integer("in_c", FieldType.UINT16)
            .integer("out_h", FieldType.UINT16)
            .integer("out_w", FieldType.UINT16)
            .integer("out_c", FieldType.UINT16)
            .integer("out_offset", FieldType.INT16)
            .integer("stride_h", FieldType.UINT8)
            .integer("stride_w", FieldType.UINT8)
            .integer("pad_top", FieldType.UINT8)
            .integer("pad_left", FieldType.UINT8)
            .integer("depth_multiplier", FieldType.UINT8)
            .derived("in_zero", FieldType.INT8, "-in_offset", p -> Math.negateExact(p.integer("in_offset")))
            .integer("act_min", FieldType.INT8)
            .integer("act_max", FieldType.INT8);

    /**
     * mc_conv_simd.h's mc_qfc_simd_params, for mc_fully_connected_s8_simd: the batches, the inputs and outputs per
     * batch, the output offset, per-tensor or per-channel, the rounding as a flag and the requantization tables
     * (int32 shifts, as every dense layer keeps them: IntegerParams). The input offset is folded into the packed
     * bias ({@link SimdPackings#FOLDED_BIAS}); the clamp is not read, as the registry picks the kernel only where
     * every output takes the one-SMLAL epilogue over all of int8 in double or single rounding (Shapes.SIMD_DENSE).
     * 20 bytes against mc_qfc_params' 44.
     */
    public static final ParamsLayout QFC_SIMD = ParamsLayout.of("mc_qfc_simd_params")
            .integer("batches", FieldType.UINT16)
            .integer("in_depth", FieldType.UINT16)
            .integer("out_depth", FieldType.UINT16)
            .integer("out_offset", FieldType.INT16)
            .integer("per_channel", FieldType.UINT8)
            .derived("double_rounding", FieldType.UINT8, "1 for double rounding, 0 for single",
                    p -> p.value("rounding") == Rounding.DOUBLE ? 1 : 0)
            .table(ParamsStruct.OUT_MULT)
            .table(ParamsStruct.OUT_SHIFT);
}
