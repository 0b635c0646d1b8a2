package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Sigmoid16Params against SigmoidPrepare / TanhPrepare for int16, worked by hand. */
class Sigmoid16ParamsTest {
    private static final float Q15 = 1.0f / 32768.0f;

    @Test
    void nearPowerOfTwoScalesTakeThePowerOfTwoCase() {
        // tests/fixtures/tflite-ops/logistic_int16x8: 0.000244096 is 2^-12 within CheckedLog2's 1e-3 (log2 = -12.0003)
        assertEquals(new Sigmoid16Params(3, 0), Sigmoid16Params.derive(0.00024409632897004485f, 0, Q15, 0, false));
        // TANH also takes 12 + log2 = 1: x * 6
        assertEquals(new Sigmoid16Params(6, 0), Sigmoid16Params.derive(0x1p-11f, 0, Q15, 0, true));
    }

    @Test
    void otherScalesDoubleTheMultiplierUntilAbove16383() {
        // tanh_int16x8: 2^-13 (shift 12 - 13 = -1): 0.00012206785 * 12288 = 1.49997 -> * 2^14 = 24575.5 -> 24575, 14
        assertEquals(new Sigmoid16Params(24575, 14), Sigmoid16Params.derive(0.00012206784595036879f, 0, Q15, 0, true));
        // LOGISTIC at 2^-11 is no power-of-two case: 2^-11 * 12288 = 6 -> 6 * 2^12 = 24576, 12
        assertEquals(new Sigmoid16Params(24576, 12), Sigmoid16Params.derive(0x1p-11f, 0, Q15, 0, false));
    }

    @Test
    void whatLiteRtRejectsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Sigmoid16Params.derive(0x1p-12f, 1, Q15, 0, false));
        assertThrows(IllegalArgumentException.class, () -> Sigmoid16Params.derive(0x1p-12f, 0, 1.0f / 16384.0f, 0, true));
        assertThrows(IllegalArgumentException.class, () -> Sigmoid16Params.derive(100.0f, 0, Q15, 0, true));
    }
}
