package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.microcodegen.ir.DType;

/**
 * The elementwise derivations on hand-worked scales (powers of two make the multipliers exact) and
 * on scales where LiteRT's float arithmetic and TFLM's double arithmetic give different multipliers
 * (found by search; the bits are the float32 scales). LiteRtElementwiseVectorsTest checks the same
 * derivations end to end against LiteRT's outputs.
 */
class ElementwiseParamsTest {
    private static float f(int bits) {
        return Float.intBitsToFloat(bits);
    }

    @Test
    void addBringsBothInputsToTwiceTheLargerScale() {
        // equal scales 0.5: each input times 0.5 = 2^30 * 2^-31, the sum times 1 / (2^20 * 0.5) = 2^-19
        AddParams p = AddParams.derive(0.5f, 3, 0.5f, -128, 0.5f, 127, DType.INT8);
        assertEquals(new AddParams(20, -3, 1 << 30, 0, 128, 1 << 30, 0, 127, 1 << 30, -18), p);
        // int16 shifts by 15: the output multiplier is 1 / (2^15 * 0.5) = 2^-14
        AddParams q = AddParams.derive(0.5f, 0, 0.25f, 0, 0.5f, 0, DType.INT16);
        assertEquals(new AddParams(15, 0, 1 << 30, 0, 0, 1 << 30, -1, 0, 1 << 30, -13), q);
        assertThrows(IllegalArgumentException.class,
                () -> AddParams.derive(0.5f, 0, 0.5f, 0, 0.5f, 0, DType.INT32));
    }

    @Test
    void mulFormsTheRatioInFloatForLiteRtAndInDoubleForTflm() {
        float a = f(0x3c6a5330);
        float b = f(0x3dadddec);
        float o = f(0x3d9ce7a3);
        MulParams lite = MulParams.derive(a, -1, b, 2, o, 5, Reference.LITERT);
        MulParams tflm = MulParams.derive(a, -1, b, 2, o, 5, Reference.TFLM);
        assertEquals(new MulParams(1, -2, 5, 1089078016, -5), lite);
        assertEquals(new MulParams(1, -2, 5, 1089078015, -5), tflm);
    }

    @Test
    void leakyReluHasAnIdentityAndAnAlphaMultiplier() {
        // 0.03 * 0.2 / 0.02 = 0.3 = 0.6 * 2^-1 and 0.03 / 0.02 = 1.5 = 0.75 * 2^1
        LeakyReluParams lite = LeakyReluParams.derive(0.03f, -7, 0.2f, 0.02f, 5, Reference.LITERT);
        LeakyReluParams tflm = LeakyReluParams.derive(0.03f, -7, 0.2f, 0.02f, 5, Reference.TFLM);
        assertEquals(new LeakyReluParams(-7, 5, 1610612736, 1, 1288490240, -1), lite);
        assertEquals(new LeakyReluParams(-7, 5, 1610612736, 1, 1288490208, -1), tflm);
    }

    @Test
    void reluBoundsAreTheActivationRange() {
        // 6 / 0.03 = 200 -> -128 + 200 = 72; identity scale 1 = 0.5 * 2^1
        ReluParams relu6 = ReluParams.derive(ReluParams.Kind.RELU6, 0.03f, -128, 0.03f, -128, DType.INT8,
                Reference.LITERT);
        assertEquals(new ReluParams(-128, -128, 1 << 30, 1, -128, 72), relu6);
        // RELU has no upper bound but the type's
        ReluParams relu = ReluParams.derive(ReluParams.Kind.RELU, 0.5f, 0, 0.25f, 0, DType.INT16,
                Reference.LITERT);
        assertEquals(new ReluParams(0, 0, 1 << 30, 2, 0, 32767), relu);
        // 1 / 0.008 is 124.99999 in float: rounds to 125
        ReluParams n1 = ReluParams.derive(ReluParams.Kind.RELU_N1_TO_1, 0.01f, 0, 0.008f, 0, DType.INT8,
                Reference.LITERT);
        assertEquals(-125, n1.actMin());
        assertEquals(125, n1.actMax());
        assertThrows(IllegalArgumentException.class, () -> ReluParams.derive(ReluParams.Kind.RELU, 1f, 0, 1f, 0,
                DType.INT32, Reference.LITERT));
    }

    @Test
    void requantizeAndMeanUseTheDoubleRatioOfTheScales() {
        // 0.0005f / 1.25e-5f is not exactly 40 once both are floats: the multiplier shows it
        assertEquals(new RequantizeParams(0, 0, 1342177378, 6), RequantizeParams.derive(0.0005f, 0, 0.0000125f, 0));
        assertEquals(new RequantizeParams(-7, 12, 1370734260, 0), RequantizeParams.derive(0.03f, -7, 0.047f, 12));
        // mean over 3 cells: 1/3 folded in with a reduction shift of floor(log2 3) = 1
        assertEquals(new MeanParams(-7, 12, (int) ((1370734260L << 1) / 3), -1, 1),
                MeanParams.derive(0.03f, -7, 0.047f, 12, 3));
        // scale ratio 1 (2^30, shift 1) over 16 cells: 2^30 * 2^4 / 16 = 2^30, shift 1 - 4
        assertEquals(new MeanParams(0, 0, 1 << 30, -3, 1), MeanParams.derive(0.5f, 0, 0.5f, 0, 16));
    }
}
