package org.microcodegen.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** HardSwishParams against HardSwishPrepare worked by hand. */
class HardSwishParamsTest {

    @Test
    void fixtureScales() {
        // tests/fixtures/tflite-ops/hard_swish_int8: hires = 0.0391015 / 128 = 3.0548e-4;
        // / 0.0210426 = 0.014517 = 0.92911 * 2^-6 -> Q15 30445; / (3 / 32768) = 3.3367 = 0.83417 * 2^2 -> Q15 27334
        assertEquals(new HardSwishParams(-1, -110, 27334, 2, 30445, -6),
                HardSwishParams.derive(0.03910147026181221f, -1, 0.02104262076318264f, -110));
    }

    @Test
    void q31ToQ15RoundsAndSaturates() {
        assertEquals(16384, HardSwishParams.toQ15(1 << 30));
        assertEquals(1, HardSwishParams.toQ15(1 << 15));                 // 0.5 rounds up
        assertEquals(0, HardSwishParams.toQ15((1 << 15) - 1));
        assertEquals(32767, HardSwishParams.toQ15(Integer.MAX_VALUE - (1 << 15)));
    }

    @Test
    void anOutputScaleBelowTheHiresInputScaleIsRefused() {
        // TFLite requires the output exponent <= 0: input / 128 / output above one
        assertThrows(IllegalArgumentException.class, () -> HardSwishParams.derive(1.0f, 0, 0.001f, 0));
    }
}
