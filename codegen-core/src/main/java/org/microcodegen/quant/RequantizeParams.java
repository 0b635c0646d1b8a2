package org.microcodegen.quant;

/**
 * mc_requantize_params / Quantize.RequantizeParams for QUANTIZE from an integer tensor (int8/int16
 * to int8/int16/int32): the multiplier of inScale / outScale, each scale widened to double first
 * (quantize.cc in LiteRT and TFLM alike).
 */
public record RequantizeParams(int inZeroPoint, int outZeroPoint, int multiplier, int shift) {

    public static RequantizeParams derive(float inScale, int inZeroPoint, float outScale, int outZeroPoint) {
        final QuantizedMultiplier m = QuantizedMultiplier.of((double) inScale / (double) outScale);
        return new RequantizeParams(inZeroPoint, outZeroPoint, m.multiplier(), m.shift());
    }
}
