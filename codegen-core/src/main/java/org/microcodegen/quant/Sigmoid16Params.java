package org.microcodegen.quant;

/**
 * mc_qsigmoid16_params / QNonlinear.Sigmoid16Params (int16 LOGISTIC and TANH), as LiteRT's
 * SigmoidPrepare / TanhPrepare compute them for int16: zero points 0, an output scale of 2^-15
 * (within CheckedLog2's tolerance), and the input brought to 1/(3*4096) per step. A power-of-two
 * input scale (CheckedLog2: |log2 - round(log2)| &lt; 1e-3, in float) with a left shift of
 * 12 + log2 = 0 (LOGISTIC) or 0 or 1 (TANH) takes TFLite's "power of two case", x * (3 &lt;&lt; shift); any
 * other takes multiplier = inScale * 4096 * 3 (double), doubled while &lt;= 32767 / 2 (at most 31 times),
 * truncated to int. The kernel's own folding of the first case is done here, so the kernel always
 * computes (x * mult + rounding) &gt;&gt; shift.
 */
public record Sigmoid16Params(int multiplier, int shift) {

    public static Sigmoid16Params derive(float inScale, int inZeroPoint, float outScale, int outZeroPoint, boolean tanh) {
        final String op = tanh ? "Tanh" : "Sigmoid";
        if (inZeroPoint != 0 || outZeroPoint != 0) {
            throw new IllegalArgumentException(op + " on int16 needs zero points 0 (input " + inZeroPoint
                    + ", output " + outZeroPoint + ")");
        }
        final int[] outLog2 = checkedLog2(outScale);
        if (outLog2 == null || outLog2[0] != -15) {
            throw new IllegalArgumentException(op + " on int16 needs the output scale 2^-15, not " + outScale);
        }
        final int[] inLog2 = checkedLog2(inScale);
        if (inLog2 != null) {
            final int shift = 12 + inLog2[0];
            if (shift == 0 || (tanh && shift == 1)) {
                return new Sigmoid16Params(3 << shift, 0);
            }
        }
        double multiplier = (double) inScale * 4096.0 * 3.0;
        int shift = 0;
        while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
            shift++;
            multiplier *= 2.0;
        }
        if (multiplier > 65535.0) {
            // x * multiplier would leave int32 for some int16 x (undefined in TFLite's kernel)
            throw new IllegalArgumentException(op + " on int16: the input scale " + inScale + " is too large");
        }
        return new Sigmoid16Params((int) multiplier, shift);
    }

    /**
     * TFLite's CheckedLog2 in float: {round(log2(x))} when |log2(x) - round| &lt; 1e-3, else null. logf is
     * taken as the double log rounded to float (glibc's logf is within about half an ulp of it).
     */
    static int[] checkedLog2(float x) {
        final float log2 = (float) Math.log(x) * (1.0f / (float) Math.log(2.0f));
        final float rounded = (float) Math.copySign(Math.floor(Math.abs((double) log2) + 0.5), log2);
        return Math.abs(log2 - rounded) < 1e-3f ? new int[] {(int) rounded} : null;
    }
}
