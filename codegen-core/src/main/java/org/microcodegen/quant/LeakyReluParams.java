package org.microcodegen.quant;

/**
 * mc_qleaky_relu_params / QActivation.LeakyReluParams (int8, int16): the identity multiplier
 * inScale / outScale and the alpha multiplier inScale * alpha / outScale, formed in float by LiteRT's
 * activations.cc and in double by TFLM's leaky_relu_common.cc (see {@link Reference}).
 */
public record LeakyReluParams(int inZeroPoint, int outZeroPoint, int identityMultiplier, int identityShift,
                              int alphaMultiplier, int alphaShift) {

    public static LeakyReluParams derive(float inScale, int inZeroPoint, float alpha, float outScale,
                                         int outZeroPoint, Reference reference) {
        final double realAlpha;
        final double realIdentity;
        if (reference == Reference.LITERT) {
            realAlpha = (double) (inScale * alpha / outScale);
            realIdentity = (double) (inScale / outScale);
        } else {
            realAlpha = (double) inScale * (double) alpha / (double) outScale;
            realIdentity = (double) inScale / (double) outScale;
        }
        final QuantizedMultiplier a = QuantizedMultiplier.of(realAlpha);
        final QuantizedMultiplier i = QuantizedMultiplier.of(realIdentity);
        return new LeakyReluParams(inZeroPoint, outZeroPoint, i.multiplier(), i.shift(), a.multiplier(), a.shift());
    }
}
